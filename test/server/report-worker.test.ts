/**
 * `/reports` makes a report in a worker thread. A quarter of 40 services is a few hundred
 * milliseconds of synchronous work (reading the store, rendering every finding); made on
 * the daemon's thread, it would hold back every probe in flight, whose timings would show
 * the wait, and every scrape. The worker reads what was still queued when the form was
 * sent (what is committed, when the daemon cannot write its queue), and a report that
 * fails is an error page and a log line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchStalls } from '../../bench/lib/stall.ts';
import { seedReportStore } from '../../bench/report.ts';
import { generateReport } from '../../src/report/generate.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { quarterPeriod } from '../../src/report/period.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { result } from '../store/sample-results.ts';
import { buildMetrics } from '../metrics/helpers.ts';

const Q4 = quarterPeriod(2026, 4);
const SERVICES = 40;
let dir: string;
let file: string;
let store: SqliteStore;
const servers: RunningServer[] = [];

async function serve(
  storeFile: string,
  logger = pino({ level: 'silent' }),
  daemonStore: Store = store,
): Promise<string> {
  return (await start(storeFile, logger, daemonStore)).url;
}

async function start(
  storeFile: string,
  logger = pino({ level: 'silent' }),
  daemonStore: Store = store,
): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: buildMetrics(),
    store: daemonStore,
    probes: () => [],
    nextRunAt: () => undefined,
    ready: () => true,
    reports: {
      dir: path.join(dir, 'reports'),
      storeLocation: { sqlite: storeFile },
      pdf: { args: [] },
      // After the quarter: its report is final (and named so) whatever day the test runs on.
      now: () => Q4.to + 86_400_000,
    },
  });
  servers.push(server);
  return server;
}

/**
 * Chromium processes started by this test file (the PDF's, launched from the worker),
 * zombies included: one whose worker was terminated before it closed its browser would
 * stay unreaped (`Z`) until this process ends.
 */
function chromiumChildren(): number {
  let listing: string;
  try {
    listing = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'stat=,comm='], {
      encoding: 'utf8',
    });
  } catch {
    return 0; // ps exits 1 when there is no child
  }
  return listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm?.startsWith('chrom')).length;
}

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-worker-'));
  file = path.join(dir, 'store.db');
  await seedReportStore(file, SERVICES);
  // Results stay queued until flushed: the test sends the form with one still waiting.
  store = openSqliteStore({
    path: file,
    logger: pino({ level: 'silent' }),
    flushIntervalMs: 60_000,
  });
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/reports in a worker thread', () => {
  it('keeps the event loop turning while it makes the report, and reads what was still queued', async () => {
    // The same report made on this thread: how long it holds the event loop.
    const { stallMs: onThread } = await watchStalls(() =>
      generateReport(store, {
        period: Q4,
        formats: ['html'],
        lang: 'de',
        outDir: path.join(dir, 'on-thread'),
      }),
    );
    expect(onThread, 'the fixture is large enough to show a stall').toBeGreaterThan(150);

    // A result of the quarter's last second, queued and not yet written.
    const lastSecond = Q4.to - 1_000;
    store.save(result('leistung-000-http', lastSecond));
    expect(store.pending()).toBe(1);

    const url = await serve(file);
    const { value: response, stallMs: viaWorker } = await watchStalls(() =>
      post(url, 'quarter=2026-Q4&format=json'),
    );
    expect(response.status).toBe(303);
    expect(viaWorker).toBeLessThan(onThread / 4);

    const json = path.join(dir, 'reports', 'ozgwatch-report-2026-Q4.json');
    const { model } = JSON.parse(await readFile(json, 'utf8')) as { model: ReportModel };
    expect(model.services).toHaveLength(SERVICES);
    expect(model.dataUntil).toBe(lastSecond);
  });

  it('answers a report that fails with an error page and a log line, and goes on', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const url = await serve(path.join(dir, 'no-such-store.db'), logger);
    for (let i = 0; i < 2; i++) {
      // Twice: the one-at-a-time guard is released after a failure.
      const response = await post(url, 'quarter=2026-Q4');
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('Der Bericht konnte nicht erstellt werden');
    }
    const failures = lines
      .map((line) => JSON.parse(line) as { msg: string; err?: { message: string } })
      .filter((line) => line.msg === 'report failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]?.err?.message).toContain('no-such-store.db');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('makes the report from what is committed when the daemon cannot write its queue', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // The daemon's store, whose disk is full: flushing fails, reading works.
    const full = new Proxy(store, {
      get(target, key) {
        if (key === 'flush') return () => Promise.reject(new Error('database or disk is full'));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    const url = await serve(file, logger, full);
    const response = await post(url, 'quarter=2026-Q4&lang=en');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/reports/ozgwatch-report-2026-Q4-en.html');
    const warning = lines
      .map((line) => JSON.parse(line) as { msg: string; err?: { message: string } })
      .find((line) => line.msg === 'report made without the results still queued');
    expect(warning?.err?.message).toBe('database or disk is full');
  });

  it('a server that closes stops the report it is making: 503, no PDF, no Chromium left', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const server = await start(file, logger);
    const pending = post(server.url, 'quarter=2026-Q4&format=pdf');
    // The worker is printing the PDF once its Chromium runs: the seeded quarter of 40
    // services takes it seconds, far longer than the close below.
    await expect.poll(chromiumChildren, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
    await server.close();
    const response = await pending;
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('wird gerade beendet');
    expect(existsSync(path.join(dir, 'reports', 'ozgwatch-report-2026-Q4.pdf'))).toBe(false);
    expect(lines.join('')).toContain('report not made: the daemon is stopping');
    // The worker closed the Chromium it launched before it ended: none left, not even a
    // zombie.
    await expect.poll(chromiumChildren, { timeout: 10_000 }).toBe(0);
  });
});
