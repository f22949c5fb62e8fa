import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { result, T0 } from './sample-results.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openSqliteStore, SQL, type SqliteStore } from '../../src/store/sqlite.ts';

const logger = pino({ level: 'silent' });

let dir: string;
let file: string;
const open: SqliteStore[] = [];

function openStore(options: Partial<Parameters<typeof openSqliteStore>[0]> = {}): SqliteStore {
  const store = openSqliteStore({ path: file, logger, ...options });
  open.push(store);
  return store;
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
  it('pruneExpired uses retentionDays and the clock', async () => {
    const now = T0 + 10 * 86_400_000;
    const store = openStore({ retentionDays: 7, clock: { now: () => now } });
    store.save(result('a', T0)); // 10 days old
    store.save(result('a', T0 + 5 * 86_400_000)); // 5 days old
    expect(await store.pruneExpired()).toBe(1);
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
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

  it('opens a second connection for reading only: sees commits, never writes, never migrates', async () => {
    const writer = openStore({ flushIntervalMs: 60_000 });
    writer.save(result('a', T0));
    await writer.flush();
    const reader = openStore({ readOnly: true });
    expect(await reader.runs({ probeId: 'a' })).toHaveLength(1);
    expect(() => reader.save(result('a', T0 + 1))).toThrow(/reading only/);
    await expect(reader.prune(T0 + 1)).rejects.toThrow(/readonly/);
    // The writer's next commit is seen; the reader holds no lock that would stop it.
    writer.save(result('a', T0 + 60_000));
    await writer.flush();
    expect(await reader.runs({ probeId: 'a' })).toHaveLength(2);
    await reader.close();
    expect(writer.healthy()).toBe(true);

    // A missing file is not created, and an old schema is not migrated.
    const missing = path.join(dir, 'missing.db');
    expect(() => openSqliteStore({ path: missing, logger, readOnly: true })).toThrow(/missing\.db/);
    expect(existsSync(missing)).toBe(false);
    const old = path.join(dir, 'old.db');
    const db = new DatabaseSync(old);
    db.exec('CREATE TABLE runs (x); PRAGMA user_version = 1');
    db.close();
    expect(() => openSqliteStore({ path: old, logger, readOnly: true })).toThrow(
      `store at ${old} has schema version 1, not ${SCHEMA_VERSION}; a read-only connection does not migrate it`,
    );
  });

  it('works in memory', async () => {
    const store = openSqliteStore({ path: ':memory:', logger });
    open.push(store);
    store.save(result('a', T0));
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
  });
});
