/**
 * What only the PostgreSQL store does: buffer results on disk while the server is
 * unreachable and write them when it is back, start without it, migrate once when
 * several instances start together, and refuse what is not its database.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.ts';
import { storeBackends } from './backends.ts';
import { result, T0 } from './sample-results.ts';

const postgres = storeBackends().find((b) => b.name === 'postgres');
const silent = pino({ level: 'silent' });

async function until(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!postgres)('postgres store', () => {
  const backend = postgres!;
  const server = () => backend.postgres!.server();
  const open = (options: Partial<Parameters<typeof openPostgresStore>[0]> = {}) =>
    openPostgresStore({
      url: backend.postgres!.url(),
      bufferPath: path.join(backend.dir(), 'buffer.db'),
      logger: silent,
      flushIntervalMs: 10,
      maxRetryDelayMs: 100,
      connectTimeoutMs: 1_000,
      ...options,
    });

  it('buffers results on disk while PostgreSQL is down and writes them when it is back', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const store = await open({ logger });
    try {
      store.save(result('a', T0));
      await store.flush();
      await server().pause();
      const during = Array.from({ length: 50 }, (_, i) => result('a', T0 + 1 + i));
      try {
        for (const r of during) store.save(r);
        // Flushed means safe: in the disk buffer, since PostgreSQL cannot take them.
        await store.flush();
        expect(store.buffered().results).toBe(50);
        expect(store.buffered().bytes).toBeGreaterThan(50 * 100);
        expect(store.pending()).toBe(0);
        expect(store.healthy()).toBe(true);
        await expect(store.runs({ probeId: 'a' })).rejects.toThrow();
      } finally {
        await server().resume();
      }
      // The retry timer writes the buffer without anybody asking.
      await until(() => store.buffered().results === 0);
      const runs = await store.runs({ probeId: 'a', limit: 100 });
      expect(runs).toHaveLength(51);
      expect(store.dropped()).toBe(0);
      expect((await store.latest()).get('a')?.runId).toBe(during.at(-1)!.runId);
      const logged = lines.join('');
      expect(logged).toContain('results are buffered on disk');
      expect(logged).toContain('PostgreSQL reachable again');
    } finally {
      await store.close();
    }
  }, 60_000);

  it('keeps the buffer across a restart of the daemon, and starts while PostgreSQL is down', async () => {
    const first = await open();
    await server().pause();
    let second: PostgresStore | undefined;
    try {
      for (let i = 0; i < 20; i++) first.save(result('b', T0 + i));
      await first.close();
      // A new process, PostgreSQL still down: it starts, and takes results.
      second = await open();
      expect(second.buffered().results).toBe(20);
      second.save(result('b', T0 + 100));
      await second.flush();
      expect(second.buffered().results).toBe(21);
    } finally {
      await server().resume();
    }
    await until(() => second.buffered().results === 0);
    expect(await second.runs({ probeId: 'b', limit: 100 })).toHaveLength(21);
    await second.close();
  }, 60_000);

  it('writes a probe catalogue PostgreSQL could not take with the buffered results', async () => {
    await server().pause();
    let store: PostgresStore | undefined;
    try {
      store = await open();
      await expect(
        store.registerProbes(
          [{ probeId: 'f', name: 'Hundesteuer', kind: 'http', service: 'hund', county: 'ulm' }],
          T0,
        ),
      ).rejects.toThrow();
      store.save(result('f', T0));
      await store.flush();
    } finally {
      await server().resume();
    }
    await until(() => store.buffered().results === 0);
    expect(await store.probeCatalogue()).toEqual([
      {
        probeId: 'f',
        name: 'Hundesteuer',
        kind: 'http',
        service: 'hund',
        county: 'ulm',
        loadedAt: T0,
      },
    ]);
    await store.close();
  }, 60_000);

  it('bounds the buffer: drops the oldest results and counts them', async () => {
    const store = await open({ bufferMaxBytes: 4_000 });
    await server().pause();
    try {
      for (let i = 0; i < 40; i++) store.save(result('c', T0 + i));
      await store.flush();
      const { results, bytes } = store.buffered();
      expect(bytes).toBeLessThanOrEqual(4_000);
      expect(results).toBeGreaterThan(0);
      expect(store.dropped()).toBe(40 - results);
    } finally {
      await server().resume();
    }
    await until(() => store.buffered().results === 0);
    const kept = await store.runs({ probeId: 'c', limit: 100 });
    // The newest survive.
    expect(kept[0]?.startedAt).toBe(T0 + 39);
    await store.close();
  }, 60_000);

  it('holds at most maxPending results while neither PostgreSQL nor the disk buffer takes them', async () => {
    const bufferPath = path.join(backend.dir(), 'buffer-locked.db');
    const store = await open({ bufferPath, maxPending: 10 });
    // Another connection holds the buffer's write lock: its appends fail as on a broken disk.
    const locker = new DatabaseSync(bufferPath);
    locker.exec('BEGIN EXCLUSIVE');
    await server().pause();
    try {
      for (let i = 0; i < 30; i++) store.save(result('m', T0 + i));
      await store.flush();
      expect(store.buffered().results).toBe(0);
      expect(store.pending()).toBe(10);
      expect(store.dropped()).toBe(20);
      // Results are being lost: not ready, so an orchestrator can tell.
      expect(store.healthy()).toBe(false);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
      await server().resume();
    }
    await until(() => store.pending() === 0 && store.buffered().results === 0);
    const kept = await store.runs({ probeId: 'm', limit: 100 });
    // The newest ten survive.
    expect(kept.map((r) => r.startedAt)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + 29 - i));
    expect(store.healthy()).toBe(true);
    await store.close();
  }, 60_000);

  it('migrates once when several instances start together', async () => {
    const url = await server().createDatabase();
    const stores = await Promise.all(
      [0, 1, 2].map((i) => open({ url, bufferPath: path.join(backend.dir(), `buffer-${i}.db`) })),
    );
    const db = new URL(url).pathname.slice(1);
    const versions = await server().query<{ version: number }>(
      db,
      'SELECT version FROM ozgwatch_schema ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    stores[0]!.save(result('d', T0));
    await stores[0]!.flush();
    expect(await stores[2]!.runs({ probeId: 'd' })).toHaveLength(1);
    for (const s of stores) await s.close();
  });

  it('refuses a foreign database, a newer schema and a missing database, without the password', async () => {
    const foreign = await server().createDatabase();
    await server().query(new URL(foreign).pathname.slice(1), 'CREATE TABLE customers (name text)');
    await expect(open({ url: foreign })).rejects.toThrow(/other tables and no ozgwatch schema/);

    const newer = await server().createDatabase();
    const db = new URL(newer).pathname.slice(1);
    await server().query(db, 'CREATE TABLE ozgwatch_schema (version INTEGER NOT NULL)');
    await server().query(db, 'INSERT INTO ozgwatch_schema VALUES (99)');
    await expect(open({ url: newer })).rejects.toThrow(
      `schema version 99, this ozgwatch supports up to ${SCHEMA_VERSION}`,
    );

    const missing = `postgres://ozgwatch:s3cret-pw@127.0.0.1:${server().port}/no_such_db`;
    const error = await open({ url: missing }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:\d+\/no_such_db.*does not exist/);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('a rolling upgrade: instances of the older version go on writing after a newer one migrated', async () => {
    const url = await server().createDatabase();
    const db = new URL(url).pathname.slice(1);
    const old = await open({ url, bufferPath: path.join(backend.dir(), 'buffer-old.db') });
    old.save(result('u', T0));
    await old.flush();
    // The first pod of the next version migrates: a step as the rule in migrations.ts allows
    // (a new table, a column with a default), in one transaction with its version.
    await server().query(
      db,
      `BEGIN;
       CREATE TABLE maintenance_windows (probe_id TEXT NOT NULL, starts BIGINT NOT NULL);
       ALTER TABLE runs ADD COLUMN region TEXT NOT NULL DEFAULT '';
       INSERT INTO ozgwatch_schema (version) VALUES (${SCHEMA_VERSION + 1});
       COMMIT`,
    );
    // The older pods still running write and read as before, nothing is buffered or dropped.
    old.save(result('u', T0 + 1));
    await old.flush();
    expect(old.buffered().results).toBe(0);
    expect(old.dropped()).toBe(0);
    expect(await old.runs({ probeId: 'u' })).toHaveLength(2);
    // An older pod that restarts before its turn refuses, saying what to do.
    await expect(
      open({ url, bufferPath: path.join(backend.dir(), 'buffer-late.db') }),
    ).rejects.toThrow(
      `schema version ${SCHEMA_VERSION + 1}, this ozgwatch supports up to ${SCHEMA_VERSION}; upgrade ozgwatch`,
    );
    // One that could not reach PostgreSQL at its start meets the newer schema later: it keeps
    // its results on disk and says why, rather than dropping them.
    const lines: string[] = [];
    await server().pause();
    let late: PostgresStore;
    try {
      late = await open({
        url,
        bufferPath: path.join(backend.dir(), 'buffer-late-2.db'),
        logger: pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }),
      });
    } finally {
      await server().resume();
    }
    late.save(result('u', T0 + 2));
    await until(() => lines.some((l) => l.includes('PostgreSQL refuses ozgwatch')));
    expect(lines.join('')).toContain('upgrade ozgwatch');
    // The refusal may be logged (by the store's outage probe) before the write that fails
    // moves the result from memory to the disk buffer.
    await until(() => late.buffered().results === 1);
    expect(late.dropped()).toBe(0);
    await late.close();
    await old.close();
  });

  it('leaves retention to an instance deleting right now, and takes it up afterwards', async () => {
    const store = await open();
    for (let i = 0; i < 5; i++) store.save(result('g', T0 + i));
    await store.flush();
    // Another instance in the middle of a round holds the retention lock ("ozgw" + 1).
    const other = new pg.Client({ connectionString: backend.postgres!.url() });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [0x6f7a6777 + 1]);
      expect(await store.prune(T0 + 3)).toBe(0);
      expect(await store.runs({ probeId: 'g' })).toHaveLength(5);
    } finally {
      await other.end();
    }
    expect(await store.prune(T0 + 3)).toBe(3);
    expect(await store.runs({ probeId: 'g' })).toHaveLength(2);
    await store.close();
  });

  it('stores text with NUL characters, which PostgreSQL text cannot hold', async () => {
    const store = await open();
    const r = result('e', T0, { message: 'Seite enthält \u0000 ein NUL' });
    store.save(r);
    await store.flush();
    expect(store.dropped()).toBe(0);
    // The column holds U+FFFD where the NUL was, as SQLite's does (test/store/hostile-text.test.ts).
    expect((await store.runs({ probeId: 'e' }))[0]?.message).toBe('Seite enthält \ufffd ein NUL');
    // The whole result keeps it.
    expect((await store.run(r.runId))?.message).toBe(r.message);
    await store.close();
  });
});
