import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';

const AXE_SOURCE_FILE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let dir: string;
let portal: Portal;
let daemon: Daemon;
let viewer: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-journey-daemon-'));
  portal = await startPortal();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'kfz.yaml'),
    `- id: kfz-journey
  name: Kfz-Zulassung online
  kind: browser
  every: 1h
  timeout: 20s
  labels: { service: kfz, county: musterkreis }
  browser:
    stepTimeout: 2s
    steps:
      - name: start
        goto: ${portal.http}/dienste/kfz/
      - name: antrag-oeffnen
        click: { role: link, name: Online beantragen }
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
  const executablePath = await chromiumExecutable();
  viewer = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  });
}, 30_000);

afterAll(async () => {
  await viewer?.close();
  await daemon?.stop();
  await portal.close();
  await rm(dir, { recursive: true, force: true });
});

async function lastRunId(): Promise<string> {
  const end = Date.now() + 20_000;
  for (;;) {
    const runs = (await (
      await fetch(`${daemon.server.url}/api/probes/kfz-journey/runs`)
    ).json()) as {
      runId: string;
    }[];
    if (runs[0]) return runs[0].runId;
    if (Date.now() > end) throw new Error('no run stored');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('daemon with a browser journey', () => {
  it('runs the journey, exports step metrics and serves the run page with its evidence', async () => {
    const runId = await lastRunId();
    const metrics = await (await fetch(`${daemon.server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^ozgwatch_journey_step_success\{probe="kfz-journey",service="kfz",county="musterkreis",step="start"\} 1$/m,
    );
    expect(metrics).toMatch(/^ozgwatch_journey_failed_step_info\{[^}]*step="antrag-oeffnen"\} 1$/m);
    expect(metrics).toMatch(/^ozgwatch_build_info\{[^}]*browser_version="\d+\.[\d.]+"[^}]*\} 1$/m);

    const page = await fetch(`${daemon.server.url}/runs/${runId}`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('selector_missing');
    expect(html).toContain('<th scope="row">antrag-oeffnen</th>');
    expect(html).toMatch(/<img src="\/runs\/[^"]+\/artifacts\/failure\.png" alt=/);
    expect(html).toContain('npx playwright show-trace trace.zip');

    const shot = await fetch(`${daemon.server.url}/runs/${runId}/artifacts/failure.png`);
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/png');
    const trace = await fetch(`${daemon.server.url}/runs/${runId}/artifacts/trace.zip`);
    expect(trace.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await trace.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    // A snapshot of a watched page is shown in a sandbox of its own, never as our origin.
    const snapshot = await fetch(`${daemon.server.url}/runs/${runId}/artifacts/page.html`);
    expect(snapshot.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    // Names the result does not list are not served.
    expect((await fetch(`${daemon.server.url}/runs/${runId}/artifacts/ozgwatch.db`)).status).toBe(
      404,
    );
  }, 40_000);

  it('overview, run page and probe page pass axe (WCAG 2.1 AA)', async () => {
    const runId = await lastRunId();
    const context = await viewer.newContext();
    try {
      for (const url of [`/runs/${runId}`, '/probes/kfz-journey', '/']) {
        const page = await context.newPage();
        await page.goto(`${daemon.server.url}${url}`);
        // The pages forbid scripts by CSP; axe is injected through the DevTools protocol instead.
        await page.evaluate(
          await import('node:fs').then((fs) => fs.readFileSync(AXE_SOURCE_FILE, 'utf8')),
        );
        const violations = await page.evaluate(async () => {
          const axe = (
            globalThis as unknown as {
              axe: {
                run: (o: unknown) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
              };
            }
          ).axe;
          const result = await axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
          return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
        });
        expect(violations, url).toEqual([]);
        await page.close();
      }
    } finally {
      await context.close();
    }
  }, 40_000);
});
