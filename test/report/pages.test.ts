/**
 * The pages people open, tried in a real browser: the overview, `/reports` with its form,
 * and the report it makes. With `UPDATE_DOCS=1` (`npm run docs:screenshots`) the
 * screenshots replace the ones in docs/images that the README shows.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../fixtures/axe-violations.ts';
import { probeSchema, type LoadedProbe } from '../../src/probes/schema.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { buildMetrics } from '../metrics/helpers.ts';
import { PROBES, Q4, seedQuarter } from './seed.ts';

const TOKEN = 'report-pages-token';
const DOCS_IMAGES = path.resolve(import.meta.dirname, '../../docs/images');
let dir: string;
let store: SqliteStore;
let server: RunningServer;
let browser: Browser;

function loaded(): LoadedProbe[] {
  return PROBES.filter((p) => p.kind !== 'browser').map((p) => {
    const url = `https://${p.probeId}.example.de/`;
    return {
      probe: probeSchema.parse({
        id: p.probeId,
        name: p.name,
        kind: p.kind,
        every: '1h',
        labels: { county: p.county, service: p.service },
        [p.kind]: p.kind === 'a11y' ? { urls: [url] } : { url },
      }),
      source: { file: 'probes/portal.yaml' },
    };
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-pages-'));
  const file = path.join(dir, 'store.db');
  store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  await seedQuarter(store);
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    logger: pino({ level: 'silent' }),
    metrics: buildMetrics(),
    store,
    probes: loaded,
    nextRunAt: () => undefined,
    ready: () => true,
    // The quarters offered are those before the clock's quarter: 2026-Q4 comes first.
    reports: {
      dir: path.join(dir, 'reports'),
      storeLocation: { sqlite: file },
      now: () => Q4.to + 86_400_000,
    },
  });
  const executablePath = await chromiumExecutable();
  browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: false });
  if (process.env.UPDATE_DOCS === '1') {
    await mkdir(DOCS_IMAGES, { recursive: true });
    await copyFile(file, path.join(DOCS_IMAGES, name));
  }
}

describe('report pages in the daemon', () => {
  it('asks for the token', async () => {
    expect((await fetch(`${server.url}/reports`)).status).toBe(401);
    const post = await fetch(`${server.url}/reports`, { method: 'POST', body: 'quarter=2026-Q4' });
    expect(post.status).toBe(401);
    const file = await fetch(`${server.url}/reports/ozgwatch-report-2026-Q4.html`);
    expect(file.status).toBe(401);
  });

  it('refuses a cross-site form, oversized bodies and names outside the reports', async () => {
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const cross = await fetch(`${server.url}/reports`, {
      method: 'POST',
      headers: { ...headers, 'sec-fetch-site': 'cross-site' },
      body: 'quarter=2026-Q4',
    });
    expect(cross.status).toBe(403);
    // A browser without Sec-Fetch-Site: its Origin tells.
    for (const origin of ['http://evil.example', 'null']) {
      const old = await fetch(`${server.url}/reports`, {
        method: 'POST',
        headers: { ...headers, origin },
        body: 'quarter=2026-Q7',
      });
      expect(old.status).toBe(403);
    }
    const sameSite = await fetch(`${server.url}/reports`, {
      method: 'POST',
      headers: { ...headers, origin: server.url },
      body: 'quarter=2026-Q7',
    });
    // Past the check: refused only for its quarter.
    expect(sameSite.status).toBe(400);
    const big = await fetch(`${server.url}/reports`, {
      method: 'POST',
      headers,
      body: `quarter=${'x'.repeat(5000)}`,
    });
    expect(big.status).toBe(413);
    const wrong = await fetch(`${server.url}/reports`, {
      method: 'POST',
      headers,
      body: 'quarter=2026-Q7',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('expected a quarter like 2026-Q4');
    for (const name of ['..%2Fstore.db', 'store.db', 'ozgwatch-report-..%2F..%2Fetc.html']) {
      const res = await fetch(`${server.url}/reports/${name}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status, name).toBe(404);
    }
  });

  it('opens the overview, and makes a report from the form, in Chromium', async () => {
    const context = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.locator('h1').textContent()).toBeTruthy();
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'overview.png');

      await page.goto(`${server.url}/reports`);
      expect(await page.getByText('Noch keine Berichte.').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.locator('#quarter').inputValue()).toBe('2026-Q4');
      await page.getByRole('checkbox', { name: /PDF/ }).check();
      await Promise.all([
        page.waitForURL(/\/reports\/ozgwatch-report-2026-Q4\.html$/),
        page.getByRole('button', { name: 'Bericht erstellen' }).click(),
      ]);
      // By the server's clock (a day after Q4) the quarter is over: not provisional, whatever
      // today's date is.
      expect(await page.locator('h1').textContent()).toBe(
        'Quartalsbericht Barrierefreiheit 2026-Q4',
      );
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'report.png');

      const files = (await readdir(path.join(dir, 'reports'))).sort();
      expect(files).toContain('ozgwatch-report-2026-Q4.pdf');
      expect(files).toContain('ozgwatch-report-2026-Q4.findings.csv');
      await page.goto(`${server.url}/reports`);
      expect(await page.getByRole('link', { name: 'ozgwatch-report-2026-Q4.pdf' }).count()).toBe(1);
      const pdf = await context.request.get(`${server.url}/reports/ozgwatch-report-2026-Q4.pdf`);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await context.close();
    }
  }, 90_000);
});
