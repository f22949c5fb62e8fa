import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/results/result.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openSqliteStore, SQL, type SqliteStore } from '../../src/store/sqlite.ts';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

let dir: string;
let file: string;
const open: SqliteStore[] = [];

function openStore(options: Partial<Parameters<typeof openSqliteStore>[0]> = {}): SqliteStore {
  const store = openSqliteStore({ path: file, logger, ...options });
  open.push(store);
  return store;
}

let seq = 0;
function result(probeId: string, startedAt: number, extra: Partial<Result> = {}): Result {
  seq++;
  return {
    runId: `run-${String(seq).padStart(6, '0')}`,
    probeId,
    kind: 'http',
    startedAt,
    duration: 0.25,
    attempts: 1,
    maintenance: false,
    status: 'pass',
    reportedStatus: 'pass',
    message: 'status 200 ∈ [200]',
    assertions: [
      { name: 'status', ok: true, text: 'status 200 ∈ [200]', expected: [200], actual: 200 },
    ],
    ...extra,
  };
}

function fullResult(): Result {
  return result('kfz-ludwigsburg', T0, {
    kind: 'http',
    duration: 1.234,
    attempts: 2,
    maintenance: true,
    status: 'fail',
    reportedStatus: 'degraded',
    reason: 'http_status',
    message: 'status 503 ∈ [200]',
    assertions: [
      { name: 'status', ok: false, text: 'status 503 ∈ [200]', expected: [200], actual: 503 },
      { name: 'body_contains', ok: true, text: 'body contains "Online-Antrag"' },
    ],
    phases: { resolve: 0.002, connect: 0.011, tls: 0.024, processing: 0.152, transfer: 0.006 },
    http: {
      status: 503,
      httpVersion: '2',
      finalUrl: 'https://www.landkreis-ludwigsburg.de/kfz',
      redirects: [{ url: 'http://landkreis-ludwigsburg.de/kfz', status: 301 }],
      bodyBytes: 12_345,
      remoteAddress: '192.0.2.10',
    },
    tls: {
      earliestExpiry: T0 + 42 * 86_400_000,
      daysLeft: 42,
      subject: 'CN=www.landkreis-ludwigsburg.de',
      issuer: 'CN=Test CA, O="Quotes \\ and backslashes"',
      subjectAltNames: ['www.landkreis-ludwigsburg.de', 'landkreis-ludwigsburg.de'],
      hostnameMatch: true,
      authorized: false,
      authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
    },
  });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-store-'));
  file = path.join(dir, 'nested/folder/ozgwatch.db');
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('sqlite store', () => {
  it('round-trips a full result and lists its summary', async () => {
    const store = openStore();
    const full = fullResult();
    store.save(full);
    await store.flush();
    expect(await store.run(full.runId)).toEqual(full);
    expect(await store.run('no-such-run')).toBeUndefined();
    expect(await store.runs({ probeId: full.probeId })).toEqual([
      {
        runId: full.runId,
        probeId: full.probeId,
        kind: 'http',
        startedAt: T0,
        duration: 1.234,
        status: 'fail',
        reportedStatus: 'degraded',
        reason: 'http_status',
        message: 'status 503 ∈ [200]',
        maintenance: true,
      },
    ]);
  });

  it('lists runs newest first, limited, and by time range', async () => {
    const store = openStore();
    for (let i = 0; i < 10; i++) store.save(result('a', T0 + i * 60_000));
    store.save(result('b', T0 + 30_000));
    const all = await store.runs({ probeId: 'a' });
    expect(all.map((r) => r.startedAt)).toEqual(
      Array.from({ length: 10 }, (_, i) => T0 + (9 - i) * 60_000),
    );
    expect((await store.runs({ probeId: 'a', limit: 3 })).map((r) => r.startedAt)).toEqual([
      T0 + 9 * 60_000,
      T0 + 8 * 60_000,
      T0 + 7 * 60_000,
    ]);
    // from inclusive, to exclusive.
    const range = await store.runs({ probeId: 'a', from: T0 + 2 * 60_000, to: T0 + 5 * 60_000 });
    expect(range.map((r) => r.startedAt)).toEqual([
      T0 + 4 * 60_000,
      T0 + 3 * 60_000,
      T0 + 2 * 60_000,
    ]);
    expect(await store.runs({ probeId: 'nobody' })).toEqual([]);
  });

  it('orders runs that started in the same millisecond by save order, newest first', async () => {
    const store = openStore();
    const first = result('a', T0);
    const second = result('a', T0);
    store.save(first);
    store.save(second);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.runId)).toEqual([
      second.runId,
      first.runId,
    ]);
  });

  it('returns the latest result per probe, also when results arrive out of order', async () => {
    const store = openStore();
    const newest = result('a', T0 + 120_000, { status: 'fail', reportedStatus: 'fail' });
    store.save(result('a', T0));
    store.save(newest);
    store.save(result('a', T0 + 60_000)); // late arrival of an older run
    const b = result('b', T0);
    store.save(b);
    const latest = await store.latest();
    expect([...latest.keys()].sort()).toEqual(['a', 'b']);
    expect(latest.get('a')).toEqual(newest);
    expect(latest.get('b')).toEqual(b);
    const some = await store.latest(['b', 'nobody']);
    expect([...some.keys()]).toEqual(['b']);
    expect((await store.latest([])).size).toBe(0);
  });

  it('ignores a second save of the same run', async () => {
    const store = openStore();
    const r = result('a', T0);
    store.save(r);
    store.save({ ...r, message: 'changed' });
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
    expect((await store.run(r.runId))?.message).toBe(r.message);
  });

  it('prunes runs before a time and keeps latest consistent', async () => {
    const store = openStore();
    for (let i = 0; i < 5; i++) store.save(result('a', T0 + i * 1000));
    store.save(result('gone', T0 - 1000));
    expect(await store.prune(T0 + 3000)).toBe(4);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.startedAt)).toEqual([
      T0 + 4000,
      T0 + 3000,
    ]);
    // A probe with no run left has no latest result either.
    expect([...(await store.latest()).keys()]).toEqual(['a']);
    expect(await store.prune(T0 + 3000)).toBe(0);
  });

  it('prunes large histories in several transactions', async () => {
    const store = openStore();
    for (let i = 0; i < 5_000; i++) store.save(result(`p-${i % 3}`, T0 + i));
    expect(await store.prune(T0 + 4_500)).toBe(4_500);
    let left = 0;
    for (const id of ['p-0', 'p-1', 'p-2']) {
      left += (await store.runs({ probeId: id, limit: 10_000 })).length;
    }
    expect(left).toBe(500);
  });

  it('pruneExpired uses retentionDays and the clock', async () => {
    const now = T0 + 10 * 86_400_000;
    const store = openStore({ retentionDays: 7, clock: { now: () => now } });
    store.save(result('a', T0)); // 10 days old
    store.save(result('a', T0 + 5 * 86_400_000)); // 5 days old
    expect(await store.pruneExpired()).toBe(1);
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
  });

  it('batches writes: commits by itself after the interval, and everything on close', async () => {
    const store = openStore({ flushIntervalMs: 20 });
    store.save(result('a', T0));
    expect(store.pending()).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(store.pending()).toBe(0);

    for (let i = 1; i <= 1234; i++) store.save(result('a', T0 + i));
    await store.close();
    await store.close(); // idempotent
    expect(() => store.save(result('a', T0))).toThrow(/closed/);
    await expect(store.runs({ probeId: 'a' })).rejects.toThrow(/closed/);

    const reopened = openStore();
    expect(await reopened.runs({ probeId: 'a', limit: 10_000 })).toHaveLength(1235);
  });

  it('commits at once when a full batch is queued', async () => {
    const store = openStore({ flushIntervalMs: 60_000, batchSize: 10 });
    for (let i = 0; i < 10; i++) store.save(result('a', T0 + i));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.pending()).toBe(0);
  });

  it('keeps results queued while writes fail, retries, and recovers', async () => {
    const store = openStore({ flushIntervalMs: 10, maxRetryDelayMs: 20, busyTimeoutMs: 1 });
    store.save(result('a', T0));
    await store.flush();
    // Another connection holds the write lock: every transaction fails with SQLITE_BUSY,
    // as it would on a locked, read-only or full disk.
    const other = new DatabaseSync(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 1; i <= 5; i++) store.save(result('a', T0 + i));
      await expect(store.flush()).rejects.toThrow(/locked|busy/i);
      expect(store.pending()).toBe(5);
      expect(store.healthy()).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
      expect(store.pending()).toBe(5);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The retry timer commits them without anybody calling flush.
    const deadline = Date.now() + 2_000;
    while (store.pending() > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(store.pending()).toBe(0);
    expect(store.healthy()).toBe(true);
    expect(store.dropped()).toBe(0);
    expect(await store.runs({ probeId: 'a' })).toHaveLength(6);
  });

  it('bounds the queue while writes fail: drops the oldest, counts them', async () => {
    const store = openStore({ maxPending: 3, busyTimeoutMs: 1, maxRetryDelayMs: 10 });
    const other = new DatabaseSync(file);
    other.exec('BEGIN IMMEDIATE');
    const saved = [1, 2, 3, 4, 5].map((i) => result('a', T0 + i));
    try {
      for (const r of saved) store.save(r);
      expect(store.pending()).toBe(3);
      expect(store.dropped()).toBe(2);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.flush();
    expect((await store.runs({ probeId: 'a' })).map((r) => r.runId)).toEqual(
      saved
        .slice(2)
        .reverse()
        .map((r) => r.runId),
    );
  });

  it('close reports results it could not write, and still closes', async () => {
    const lines: string[] = [];
    const capture = pino({ level: 'error' }, { write: (l: string) => void lines.push(l) });
    const store = openStore({ logger: capture, busyTimeoutMs: 1 });
    const other = new DatabaseSync(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      store.save(result('a', T0));
      await expect(store.close()).rejects.toThrow(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.healthy()).toBe(false);
    expect(lines.some((l) => l.includes('"lost":1'))).toBe(true);
  });

  it('drops a malformed result alone instead of blocking the queue', async () => {
    const store = openStore();
    const good = result('a', T0);
    const bad = result('a', T0 + 1, { duration: Number.NaN }); // NaN binds as NULL
    const alsoGood = result('a', T0 + 2);
    store.save(good);
    store.save(bad);
    store.save(alsoGood);
    await store.flush();
    expect(store.pending()).toBe(0);
    expect(store.dropped()).toBe(1);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.runId)).toEqual([
      alsoGood.runId,
      good.runId,
    ]);
  });

  it('creates a fresh store in an empty file, in WAL mode, at the current schema version', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    const store = openStore();
    store.save(result('a', T0));
    await store.close();
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('refuses a file with a newer schema and leaves it untouched', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE runs (x); INSERT INTO runs VALUES (1); PRAGMA user_version = 99');
    db.close();
    const before = readFileSync(file);
    expect(() => openSqliteStore({ path: file, logger })).toThrow(
      `store at ${file} has schema version 99, this ozgwatch supports up to ${SCHEMA_VERSION}; upgrade ozgwatch`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses an SQLite file that is not an ozgwatch store', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE customers (name TEXT)');
    db.close();
    expect(() => openSqliteStore({ path: file, logger })).toThrow(
      /not an ozgwatch store|other tables/,
    );
  });

  it('serves its queries from the (probe_id, started_at) index', () => {
    openStore(); // creates the schema
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const plan = (sql: string, ...params: (string | number)[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      const runsPlan = plan(SQL.selectRuns, 'a', 0, 1, 10);
      expect(runsPlan).toMatch(
        /SEARCH runs USING INDEX runs_by_probe_time \(probe_id=\? AND started_at>\? AND started_at<\?\)/,
      );
      // Newest first comes straight from the index: no sort step.
      expect(runsPlan).not.toMatch(/TEMP B-TREE/);
      expect(plan(SQL.deleteRuns, 'a', 0, 10)).toMatch(
        /SEARCH runs USING COVERING INDEX runs_by_probe_time \(probe_id=\? AND started_at<\?\)/,
      );
      expect(plan(SQL.selectRun, 'x')).toMatch(/USING INDEX sqlite_autoindex_runs_1 \(run_id=\?\)/);
      expect(plan(SQL.selectLatestAll)).toMatch(/SEARCH r USING INDEX sqlite_autoindex_runs_1/);
    } finally {
      db.close();
    }
  });

  it('says which file it cannot open', () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    expect(() => openSqliteStore({ path: path.join(dir, 'a-file/sub/x.db'), logger })).toThrow(
      /a-file/,
    );
  });

  it('works in memory', async () => {
    const store = openSqliteStore({ path: ':memory:', logger });
    open.push(store);
    store.save(result('a', T0));
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
  });
});
