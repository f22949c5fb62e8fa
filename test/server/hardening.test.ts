/**
 * The daemon's HTTP server towards hostile callers: /metrics behind its own token, every
 * HTML page with headers that keep it from being framed, sniffed or leaking URLs, and
 * request headers bounded.
 */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { buildMetrics } from '../metrics/helpers.ts';

const PAGES = 'page-token-0123456789';
const METRICS = 'metrics-token-0123456789';
let dir: string;
let store: SqliteStore;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-hardening-'));
  const file = path.join(dir, 'store.db');
  store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token: PAGES,
    metricsToken: METRICS,
    logger: pino({ level: 'silent' }),
    metrics: buildMetrics(),
    store,
    probes: () => [],
    nextRunAt: () => undefined,
    reports: { dir: path.join(dir, 'reports'), storeLocation: { sqlite: file }, pdf: { args: [] } },
    ready: () => true,
  });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('server hardening', () => {
  it('guards /metrics with its own token; neither token opens the other door', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, bearer(PAGES))).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, bearer(METRICS));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ozgwatch_build_info');
    expect((await fetch(`${server.url}/api`, bearer(METRICS))).status).toBe(401);
    // Orchestrators probe health without any token.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('sends every HTML page with headers against framing, sniffing and referrer leaks', async () => {
    for (const route of ['/', '/reports']) {
      const res = await fetch(`${server.url}${route}`, bearer(PAGES));
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type'), route).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
      ]) {
        expect(csp, `${route}: ${directive}`).toContain(directive);
      }
      expect(csp, route).not.toMatch(/script-src/);
      expect(res.headers.get('x-frame-options'), route).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), route).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), route).toBe('no-referrer');
    }
  });

  it('answers oversized request headers with 431 and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, {
        headers: { 'x-filler': 'a'.repeat(20_000) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses methods that change state, except the report form', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${server.url}/api/probes`, { method, ...bearer(PAGES) });
      expect(res.status, method).toBe(405);
    }
  });
});
