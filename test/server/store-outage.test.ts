/**
 * While PostgreSQL is down, what reads stored history cannot be served. The pages, the API
 * and a report asked for then answer 503 with the reason and a Retry-After, and say that
 * runs go on; `/metrics` is not touched; once the database is back, everything is served
 * again. Before, each was a bare `{"error":"internal error"}` and an error line per request.
 */
import { chromium } from 'playwright';
import { pino, type Logger } from 'pino';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { axeViolations } from '../fixtures/axe-violations.ts';
import { probeSchema, type LoadedProbe } from '../../src/probes/schema.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { startServer } from '../../src/server/server.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { StoreUnavailableError, type Store } from '../../src/store/store.ts';
import { buildMetrics } from '../metrics/helpers.ts';
import { storeBackends, type Backend } from '../store/backends.ts';
import { result, T0 } from '../store/sample-results.ts';

const postgres = storeBackends().find((b) => b.name === 'postgres');

const probes: LoadedProbe[] = [
  {
    probe: probeSchema.parse({
      id: 'kfz-a',
      name: 'Kfz-Zulassung Kreis A',
      kind: 'http',
      every: '1m',
      labels: { county: 'kreis-a', service: 'kfz' },
      http: { url: 'https://kfz.example.de/' },
    }),
    source: { file: 'probes.yaml' },
  },
];

/** The daemon's server on `store`, with reports read from the same database. */
function serve(backend: Backend, store: Store, logger: Logger) {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: buildMetrics(),
    store,
    probes: () => probes,
    nextRunAt: () => undefined,
    ready: () => true,
    reports: { dir: backend.dir(), storeLocation: { postgres: backend.postgres!.url() } },
  });
}

describe.skipIf(!postgres)('server while PostgreSQL is down', () => {
  it('answers 503 with the reason on pages, API and reports, keeps /metrics, and recovers', async () => {
    const backend = postgres!;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const store = await backend.open({ logger });
    const run = result('kfz-a', T0);
    store.save(run);
    await store.flush();
    const server = await serve(backend, store, logger);
    const get = (route: string) => fetch(new URL(route, server.url));
    try {
      expect((await get('/')).status).toBe(200);
      expect((await get(`/runs/${run.runId}`)).status).toBe(200);

      await backend.postgres!.server().pause();
      try {
        await expect(store.runs({ probeId: 'kfz-a' })).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        for (const route of ['/', `/runs/${run.runId}`, '/probes/kfz-a']) {
          const res = await get(route);
          expect(res.status, route).toBe(503);
          expect(res.headers.get('retry-after'), route).toBe('30');
          expect(res.headers.get('content-type'), route).toMatch(/^text\/html/);
          const html = await res.text();
          expect(html, route).toContain('Die Ergebnisdatenbank ist gerade nicht erreichbar');
          expect(html, route).toContain('Die Prüfungen laufen weiter');
          expect(html, route).toContain('is unreachable');
          // Where the database is, never its password.
          expect(html, route).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
        }
        for (const route of ['/api/probes', `/api/runs/${run.runId}`, '/api/probes/kfz-a/runs']) {
          const res = await get(route);
          expect(res.status, route).toBe(503);
          expect(res.headers.get('retry-after'), route).toBe('30');
          const body = (await res.json()) as { error: string; detail: string };
          expect(body.error, route).toBe('store unavailable');
          expect(body.detail, route).toMatch(/^PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\//);
        }
        const metrics = await get('/metrics');
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('ozgwatch_build_info');

        // A report reads the quarter from PostgreSQL in a worker of its own.
        const report = await fetch(new URL('/reports', server.url), {
          method: 'POST',
          body: new URLSearchParams({ quarter: '2026-Q3', format: 'html' }),
          redirect: 'manual',
        });
        expect(report.status).toBe(503);
        expect(report.headers.get('retry-after')).toBe('30');
        expect(await report.text()).toContain('Die Ergebnisdatenbank ist gerade nicht erreichbar');

        // The page itself passes axe, as every page of the server does.
        const executablePath = await chromiumExecutable();
        const viewer = await chromium.launch({
          ...(executablePath ? { executablePath } : {}),
          args: CHROMIUM_ARGS,
        });
        try {
          const page = await viewer.newPage();
          const response = await page.goto(new URL('/', server.url).href);
          expect(response?.status()).toBe(503);
          expect(await axeViolations(page)).toEqual([]);
        } finally {
          await viewer.close();
        }
      } finally {
        await backend.postgres!.server().resume();
      }

      // The store tries PostgreSQL every 2 s while it is away; pages follow.
      await vi.waitFor(async () => expect((await get('/')).status).toBe(200), {
        timeout: 10_000,
        interval: 200,
      });
      expect((await get(`/api/runs/${run.runId}`)).status).toBe(200);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
      // One line for the many requests (at most one a minute), no error per request.
      expect(logged.filter((l) => l.msg.startsWith('store unreachable'))).toHaveLength(1);
      expect(logged.filter((l) => l.msg === 'request failed')).toEqual([]);
      expect(logged.some((l) => l.msg === 'report not made: the store is unreachable')).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('answers at once while PostgreSQL does not answer at all, and serves again by itself', async () => {
    const backend = postgres!;
    const logger = pino({ level: 'silent' });
    // Short timeouts, so that the test can tell waiting for them from not waiting.
    const timeoutMs = 3_000;
    const store = await openPostgresStore({
      url: backend.postgres!.url(),
      bufferPath: path.join(backend.dir(), 'buffer.db'),
      logger,
      connectTimeoutMs: timeoutMs,
      queryTimeoutMs: timeoutMs,
      outageProbeMs: 500,
    });
    const before = result('kfz-a', T0);
    store.save(before);
    await store.flush();
    const server = await serve(backend, store, logger);
    const get = (route: string) => fetch(new URL(route, server.url));
    const timed = async (response: Promise<Response>) => {
      const started = performance.now();
      const res = await response;
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
    const during = result('kfz-a', T0 + 60_000);
    try {
      // The pool now holds a connection, which a frozen server will not answer on either.
      expect((await get(`/runs/${before.runId}`)).status).toBe(200);
      backend.postgres!.server().freeze();
      try {
        // The first read finds out by waiting for its answer until the timeout …
        const first = await timed(get(`/runs/${before.runId}`));
        expect(first.status).toBe(503);
        expect(first.ms).toBeGreaterThanOrEqual(timeoutMs - 100);
        // … then pages, API and a report answer at once instead of each waiting again.
        for (const route of ['/', '/probes/kfz-a', `/api/runs/${before.runId}`]) {
          const { status, ms } = await timed(get(route));
          expect(status, route).toBe(503);
          expect(ms, route).toBeLessThan(timeoutMs / 2);
        }
        const report = await timed(
          fetch(new URL('/reports', server.url), {
            method: 'POST',
            body: new URLSearchParams({ quarter: '2026-Q3', format: 'html' }),
            redirect: 'manual',
          }),
        );
        expect(report.status).toBe(503);
        expect(report.ms).toBeLessThan(timeoutMs / 2);
        expect(store.outage()?.message).toMatch(
          /^PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/.* is unreachable/,
        );
        // Runs go on meanwhile: their results wait in the buffer.
        store.save(during);
      } finally {
        backend.postgres!.server().thaw();
      }
      // Nobody has to ask: the store tries PostgreSQL by itself and serves again.
      await vi.waitFor(() => expect(store.outage()).toBeUndefined(), {
        timeout: 15_000,
        interval: 100,
      });
      expect((await get(`/runs/${before.runId}`)).status).toBe(200);
      await store.flush();
      expect((await get(`/api/runs/${during.runId}`)).status).toBe(200);
    } finally {
      await server.close();
      await store.close();
    }
  }, 60_000);
});
