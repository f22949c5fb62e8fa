/**
 * What every answer of the daemon says to the browser that gets it: no type sniffing, no
 * referrer, no framing, a Content-Security-Policy — JSON, metrics, redirects and files as
 * much as the pages. The pages keep their look under a CSP that allows their one
 * stylesheet by hash and nothing inline besides.
 */
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { startWorld, type World } from './world.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const ANSWERS: [method: string, route: string, status: number][] = [
  ['GET', '/metrics', 200],
  ['GET', '/healthz', 200],
  ['GET', '/readyz', 200],
  ['GET', '/api', 200],
  ['GET', '/api/probes', 200],
  ['GET', '/api/runs/run-1', 200],
  ['GET', '/nirgends', 404],
  ['PUT', '/api/probes', 405],
  ['GET', '/runs/run-1/', 301],
  ['GET', '/', 200],
  ['GET', '/probes/kfz', 200],
  ['GET', '/runs/run-1', 200],
  ['GET', '/reports', 200],
  ['GET', '/runs/run-1/artifacts/failure.png', 200],
  ['GET', '/runs/run-1/artifacts/trace.zip', 200],
  ['GET', '/reports/ozgwatch-report-2026-Q3.csv', 200],
  ['HEAD', '/runs/run-1/artifacts/trace.zip', 200],
];

describe('every answer', () => {
  it('forbids sniffing, referrers and framing, and carries a CSP', async () => {
    for (const [method, route, status] of ANSWERS) {
      const res = await fetch(`${world.server.url}${route}`, { method, redirect: 'manual' });
      const what = `${method} ${route}`;
      expect(res.status, what).toBe(status);
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
      await res.arrayBuffer();
    }
  });

  it('serves evidence and report files sandboxed: shown as what they are, or saved', async () => {
    const get = (route: string) => fetch(`${world.server.url}${route}`);
    const shot = await get('/runs/run-1/artifacts/failure.png');
    expect(shot.headers.get('content-type')).toBe('image/png');
    expect(shot.headers.get('content-disposition')).toBe('inline; filename="failure.png"');
    const trace = await get('/runs/run-1/artifacts/trace.zip');
    expect(trace.headers.get('content-type')).toBe('application/octet-stream');
    expect(trace.headers.get('content-disposition')).toBe('attachment; filename="trace.zip"');
    const download = await get('/runs/run-1/artifacts/download-1.pdf');
    expect(download.headers.get('content-disposition')).toBe(
      'attachment; filename="download-1.pdf"',
    );
    const csv = await get('/reports/ozgwatch-report-2026-Q3.csv');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="ozgwatch-report-2026-Q3.csv"',
    );
    for (const res of [shot, trace, download, csv]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/^sandbox;/);
      expect(csp).toContain("default-src 'none'");
      await res.arrayBuffer();
    }
  });
});

describe('the pages under their CSP', () => {
  it('allow no inline style or script but their own stylesheet, and still look as designed', async () => {
    const executablePath = await chromiumExecutable();
    const browser = await chromium.launch({
      ...(executablePath ? { executablePath } : {}),
      args: [...CHROMIUM_ARGS],
    });
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
      });
      for (const route of ['/', '/probes/kfz', '/runs/run-1', '/reports']) {
        const response = await page.goto(`${world.server.url}${route}`);
        const csp = response?.headers()['content-security-policy'] ?? '';
        expect(csp, route).not.toContain("'unsafe-inline'");
        expect(csp, route).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
        expect(csp, route).not.toContain('script-src');
        // The stylesheet applied: 72rem of 16 px.
        expect(await page.evaluate<string>('getComputedStyle(document.body).maxWidth'), route).toBe(
          '1152px',
        );
      }
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 30_000);
});
