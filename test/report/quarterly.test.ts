/**
 * The quarterly report the daemon makes by itself: due two hours after the quarter ends
 * (Berlin time), made once (a report already in the folder, from the schedule or the
 * `/reports` form, is never made again), none for a quarter without runs, retried with a
 * growing pause after a failure, and in turn with the form.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon } from '../../src/main.ts';
import { generateReport } from '../../src/report/generate.ts';
import { quarterPeriod } from '../../src/report/period.ts';
import {
  QUARTER_GRACE_MS,
  QuarterlyReports,
  ReportGate,
  retentionShortfall,
  type QuarterlyReportsOptions,
} from '../../src/report/quarterly.ts';
import { ManualClock } from '../../src/scheduler/clock.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { Q4, seedQuarter } from './seed.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const silent = pino({ level: 'silent' });

let dir: string;
let dbPath: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-quarterly-'));
  dbPath = path.join(dir, 'store.db');
  store = openSqliteStore({ path: dbPath, logger: silent });
  await seedQuarter(store);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A schedule over the seeded store whose clock the test sets, writing into `out`. */
function schedule(
  out: string,
  at: { now: number },
  extra: Partial<QuarterlyReportsOptions> = {},
): { reports: QuarterlyReports; counted: boolean[]; overdue: boolean[] } {
  const counted: boolean[] = [];
  const overdue: boolean[] = [];
  const reports = new QuarterlyReports({
    store,
    storeLocation: { sqlite: dbPath },
    dir: out,
    formats: ['html', 'json'],
    lang: 'de',
    perCounty: false,
    gate: new ReportGate(),
    now: () => at.now,
    logger: silent,
    onReport: (ok) => counted.push(ok),
    onOverdue: (o) => overdue.push(o),
    signal: new AbortController().signal,
    ...extra,
  });
  return { reports, counted, overdue };
}

describe('quarterly report schedule', () => {
  it('makes the ended quarter’s report once, two hours after its end', async () => {
    const out = path.join(dir, 'once');
    const at = { now: Q4.to + QUARTER_GRACE_MS - 60_000 };
    const { reports, counted, overdue } = schedule(out, at);
    // 01:59 on 1 January, Berlin: results of the quarter's last minutes may still come.
    expect(await reports.check()).toEqual({ state: 'not-due' });
    expect(existsSync(out)).toBe(false);

    at.now = Q4.to + QUARTER_GRACE_MS;
    const made = await reports.check();
    expect(made).toMatchObject({ state: 'made', period: '2026-Q4' });
    expect((await readdir(out)).sort()).toEqual([
      'ozgwatch-report-2026-Q4.html',
      'ozgwatch-report-2026-Q4.json',
    ]);
    // A final report of the whole quarter, not a provisional one.
    const { model } = JSON.parse(
      await readFile(path.join(out, 'ozgwatch-report-2026-Q4.json'), 'utf8'),
    ) as { model: { period: { label: string }; provisional: boolean } };
    expect(model.period.label).toBe('2026-Q4');
    expect(model.provisional).toBe(false);
    expect(counted).toEqual([true]);

    // An hour later, or after a restart (a new schedule), it is there: not made again.
    at.now += HOUR;
    expect(await reports.check()).toEqual({ state: 'done', period: '2026-Q4' });
    expect(await schedule(out, at).reports.check()).toEqual({ state: 'done', period: '2026-Q4' });
    expect(counted).toEqual([true]);
    expect(overdue).toEqual([false, false, false]);
  });

  it('takes a report made through /reports for the quarter as done', async () => {
    const out = path.join(dir, 'by-hand');
    await mkdir(out);
    await writeFile(path.join(out, 'ozgwatch-report-2026-Q4.html'), '<!doctype html>');
    const { reports, counted } = schedule(out, { now: Q4.to + 3 * HOUR });
    expect(await reports.check()).toEqual({ state: 'done', period: '2026-Q4' });
    expect(counted).toEqual([]);
  });

  it('still makes the final report when a provisional one of the quarter is in the folder', async () => {
    const out = path.join(dir, 'provisional');
    // In December the officer makes the running quarter's report into the daemon's folder.
    const early = await generateReport(store, {
      period: Q4,
      formats: ['html'],
      lang: 'de',
      outDir: out,
      now: Q4.to - 10 * DAY,
    });
    expect(early.model.provisional).toBe(true);
    expect(early.files).toEqual([path.join(out, 'ozgwatch-report-2026-Q4-provisional.html')]);
    const { reports, counted } = schedule(out, { now: Q4.to + QUARTER_GRACE_MS });
    expect(await reports.check()).toMatchObject({ state: 'made', period: '2026-Q4' });
    expect(counted).toEqual([true]);
    const final = JSON.parse(
      await readFile(path.join(out, 'ozgwatch-report-2026-Q4.json'), 'utf8'),
    ) as { model: { provisional: boolean } };
    expect(final.model.provisional).toBe(false);
  });

  it('with perCounty, makes one report per county besides the whole', async () => {
    const out = path.join(dir, 'counties');
    const { reports } = schedule(
      out,
      { now: Q4.to + 3 * HOUR },
      { perCounty: true, formats: ['html'] },
    );
    expect(await reports.check()).toMatchObject({ state: 'made' });
    expect((await readdir(out)).sort()).toEqual([
      'ozgwatch-report-2026-Q4-lk-boeblingen.html',
      'ozgwatch-report-2026-Q4-stadt-ulm.html',
      'ozgwatch-report-2026-Q4.html',
    ]);
  });

  it('makes none for a quarter without a run (a fresh installation)', async () => {
    const out = path.join(dir, 'empty');
    // 2027-Q1 has no runs in the seeded store.
    const { reports, counted } = schedule(out, { now: quarterPeriod(2027, 1).to + 3 * HOUR });
    expect(await reports.check()).toEqual({ state: 'no-runs', period: '2027-Q1' });
    expect(await reports.check()).toEqual({ state: 'no-runs', period: '2027-Q1' });
    expect(existsSync(out)).toBe(false);
    expect(counted).toEqual([]);
  });

  it('waits its turn while another report is being made', async () => {
    const gate = new ReportGate();
    gate.tryAcquire();
    const { reports } = schedule(path.join(dir, 'busy'), { now: Q4.to + 3 * HOUR }, { gate });
    expect(await reports.check()).toEqual({ state: 'busy' });
    gate.release();
    expect(await reports.check()).toMatchObject({ state: 'made' });
    // And gives the gate back.
    expect(gate.tryAcquire()).toBe(true);
  });

  it('after a failure, tries again after an hour, then after two', async () => {
    // A file where the folder should be: the report cannot be written.
    const out = path.join(dir, 'blocked');
    await writeFile(out, 'not a folder');
    const at = { now: Q4.to + 3 * HOUR };
    const { reports, counted, overdue } = schedule(out, at);
    expect(await reports.check()).toMatchObject({ state: 'failed', period: '2026-Q4' });
    expect(counted).toEqual([false]);
    at.now += HOUR - 1;
    expect(await reports.check()).toEqual({ state: 'waiting', until: Q4.to + 4 * HOUR });
    at.now += 1;
    expect(await reports.check()).toMatchObject({ state: 'failed' });
    at.now += HOUR;
    expect(await reports.check()).toMatchObject({ state: 'waiting' });

    await rm(out);
    at.now += HOUR;
    expect(await reports.check()).toMatchObject({ state: 'made' });
    expect(counted).toEqual([false, false, true]);
    // Overdue from the first failure until the report is made.
    expect(overdue).toEqual([true, true, true, true, false]);
  });
});

describe('the daemon’s quarterly report', () => {
  it('is made into <dataDir>/reports, listed there and counted in ozgwatch_reports_total', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'ozgwatch-quarterly-daemon-'));
    try {
      await mkdir(path.join(base, 'probes'));
      await mkdir(path.join(base, 'data'));
      const seeded = openSqliteStore({ path: path.join(base, 'data/ozgwatch.db'), logger: silent });
      await seedQuarter(seeded);
      await seeded.close();
      const config = configSchema.parse({
        probes: path.join(base, 'probes'),
        dataDir: path.join(base, 'data'),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
        reports: { formats: ['html', 'csv'], deadlines: { critical: '7d' } },
      });
      const off = await startDaemon(
        { ...config, reports: { ...config.reports, quarterly: false } },
        { logger: silent, clock: new ManualClock(Q4.to + 3 * HOUR) },
      );
      expect(off.quarterlyReports).toBeUndefined();
      await off.stop();

      const daemon = await startDaemon(config, {
        logger: silent,
        clock: new ManualClock(Q4.to + 3 * HOUR),
      });
      try {
        expect(await daemon.quarterlyReports!.check()).toMatchObject({ state: 'made' });
        const files = await readdir(path.join(base, 'data/reports'));
        expect(files).toContain('ozgwatch-report-2026-Q4.html');
        expect(files.some((f) => f.endsWith('.csv'))).toBe(true);
        // The measures' due dates follow reports.deadlines: button-name (critical, first seen
        // 5 August) is due 7 days later, not after the default 30.
        const measures = await readFile(
          path.join(base, 'data/reports/ozgwatch-report-2026-Q4.measures.csv'),
          'utf8',
        );
        expect(measures.split('\r\n').find((row) => row.includes(',button-name,'))).toContain(
          ',2026-08-12,',
        );
        // A report asked for in /reports keeps the same deadlines.
        await rm(path.join(base, 'data/reports/ozgwatch-report-2026-Q4.measures.csv'));
        const asked = await fetch(`${daemon.server.url}/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'quarter=2026-Q4&format=csv',
          redirect: 'manual',
        });
        expect(asked.status).toBe(303);
        const askedMeasures = await readFile(
          path.join(base, 'data/reports/ozgwatch-report-2026-Q4.measures.csv'),
          'utf8',
        );
        expect(askedMeasures.split('\r\n').find((row) => row.includes(',button-name,'))).toContain(
          ',2026-08-12,',
        );
        const listed = await (await fetch(`${daemon.server.url}/reports`)).text();
        expect(listed).toContain('ozgwatch-report-2026-Q4.html');
        expect(listed).toContain('Den Bericht des abgelaufenen Quartals erstellt ozgwatch selbst');
        const metrics = await daemon.metrics.render();
        expect(metrics).toContain('ozgwatch_reports_total{trigger="schedule",result="made"} 1');
        expect(metrics).toContain('ozgwatch_reports_total{trigger="request",result="made"} 1');
        expect(metrics).toContain('ozgwatch_quarterly_report_overdue 0');
      } finally {
        await daemon.stop();
      }
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('retention for the quarterly report', () => {
  it('asks for two 92-day quarters and the grace: 185 days', () => {
    expect(retentionShortfall(90 * DAY)).toEqual({
      neededMs: 184 * DAY + QUARTER_GRACE_MS,
      advisedDays: 185,
    });
    expect(retentionShortfall(184 * DAY)).toMatchObject({ advisedDays: 185 });
    expect(retentionShortfall(185 * DAY)).toBeUndefined();
    expect(retentionShortfall(400 * DAY)).toBeUndefined();
  });

  it('the daemon warns at start when store.retention would starve the report, not on the defaults nor when it is off', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'ozgwatch-quarterly-retention-'));
    const start = async (settings: Record<string, unknown>): Promise<string[]> => {
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      const config = configSchema.parse({
        probes: path.join(base, 'probes'),
        dataDir: path.join(base, 'data'),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
        ...settings,
      });
      const daemon = await startDaemon(config, { logger });
      await daemon.stop();
      return lines
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .filter((l) => l.level === 40 && l.msg.includes('store.retention'))
        .map((l) => l.msg);
    };
    try {
      await mkdir(path.join(base, 'probes'));
      await mkdir(path.join(base, 'data'));
      const warned = await start({ store: { retention: '90d' } });
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain('set store.retention to 185d');
      // The README's quick start runs on the defaults: they must not warn about themselves.
      expect(await start({})).toEqual([]);
      expect(await start({ store: { retention: '200d' } })).toEqual([]);
      expect(await start({ store: { retention: '90d' }, reports: { quarterly: false } })).toEqual(
        [],
      );
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
