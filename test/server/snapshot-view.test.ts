/**
 * The HTML snapshot a failed journey keeps is the watched page as it was: its scripts,
 * images and forms included. The daemon shows it in the browser (readable, with its own
 * layout) so that nobody has to open a downloaded copy, which would run them; shown, none
 * of it may act: no script, no request to the site, no form sent, no redirect.
 *
 * A real journey runs against a page that calls home in every way it can; the run's
 * snapshot is then opened in Chromium from the daemon.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { startCallingHomeSite, type CallingHomeSite } from './calling-home-site.ts';

let dir: string;
let site: CallingHomeSite;
let daemon: Daemon;
let viewer: Browser;
let runId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-snapshot-view-'));
  site = await startCallingHomeSite();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'hund.yaml'),
    `- id: hund-antrag
  name: Hundesteuer online
  kind: browser
  every: 1h
  timeout: 20s
  labels: { service: hundesteuer, county: musterkreis }
  browser:
    stepTimeout: 2s
    steps:
      - name: start
        goto: ${site.url}/antrag
      - name: weiter
        click: { css: '#gibt-es-nicht' }
        timeout: 1s
`,
  );
  daemon = await startDaemon(
    {
      ...configSchema.parse({ probes: path.join(dir, 'probes'), dataDir: path.join(dir, 'data') }),
      server: { host: '127.0.0.1', port: 0 },
      watch: false,
    },
    { logger: pino({ level: 'silent' }), random: () => 0 },
  );
  const end = Date.now() + 30_000;
  for (;;) {
    await daemon.store.flush();
    const last = (await daemon.store.latest(['hund-antrag'])).get('hund-antrag');
    if (last) {
      runId = last.runId;
      break;
    }
    if (Date.now() > end) throw new Error('no run of hund-antrag');
    await new Promise((r) => setTimeout(r, 200));
  }
  const executablePath = await chromiumExecutable();
  viewer = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...CHROMIUM_ARGS],
  });
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  await daemon?.stop();
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the HTML snapshot of a failed run', () => {
  it('opens in the browser with its text and layout, and none of the page’s script, requests, form or redirect act', async () => {
    const run = await daemon.store.run(runId);
    expect(run?.status).toBe('fail');
    expect(run?.artifacts?.map((a) => a.name)).toContain('page.html');
    // The probe's own browser ran the page: what it set off is not the viewer's doing.
    const before = site.calls().length;
    expect(before).toBeGreaterThan(0);

    const context = await viewer.newContext();
    try {
      const page = await context.newPage();
      const url = `${daemon.server.url}/runs/${runId}/artifacts/page.html`;
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
      await expect(page.locator('h1').textContent()).resolves.toBe(
        'Antrag auf Anmeldung eines Hundes',
      );
      // Its own inline style still lays it out.
      expect(
        await page.evaluate<string>("getComputedStyle(document.querySelector('h1')).color"),
      ).toBe('rgb(0, 90, 160)');
      // The form is there and can be pressed; nothing is sent.
      await page.getByRole('button', { name: 'Absenden' }).click();
      // Longer than the page's refresh (2 s) waits.
      await page.waitForTimeout(3_000);
      expect(page.url()).toBe(url);
      expect(await page.evaluate<boolean>("'siteScriptRan' in window")).toBe(false);
      // Whatever might run there would run in an origin of its own, not the daemon's.
      expect(await page.evaluate<string>('self.origin')).toBe('null');
      expect(site.calls().slice(before)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('the run page offers it to look at and to save', async () => {
    const html = await (await fetch(`${daemon.server.url}/runs/${runId}`)).text();
    const href = `/runs/${runId}/artifacts/page.html`;
    expect(html).toContain(`<a href="${href}" download>page.html</a>`);
    expect(html).toContain(`<a href="${href}">im Browser ansehen</a>`);
  });
});
