/**
 * The store backends the shared store tests run against: SQLite in a temporary folder,
 * and PostgreSQL (Debian's server, started for the test file on 127.0.0.1, a fresh
 * database per test). Call {@link storeBackends} at the top level of a test file: it
 * registers the hooks that give each test its own empty store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.ts';

export interface OpenOptions {
  logger?: Logger;
  flushIntervalMs?: number;
  batchSize?: number;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Opens this test's store; after a close, the same store again. */
  open(options?: OpenOptions): Promise<Store>;
  /** The folder this test may write to (the SQLite file, PostgreSQL's disk buffer). */
  dir(): string;
  /** For PostgreSQL: the server and this test's database URL. */
  postgres?: { server(): PostgresServer; url(): string };
}

const silent = pino({ level: 'silent' });

export function storeBackends(): Backend[] {
  let dir = '';
  let server: PostgresServer | undefined;
  let url = '';
  const opened: Store[] = [];

  // CI installs PostgreSQL: there a missing server is a failure, not a skip.
  const withPostgres = postgresAvailable || process.env.CI !== undefined;
  if (!withPostgres) console.warn('PostgreSQL not installed: store tests run on SQLite only');

  beforeAll(async () => {
    if (withPostgres) server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-store-'));
    if (server) url = await server.createDatabase();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const track = (store: Store): Store => {
    opened.push(store);
    return store;
  };
  const sqlite: Backend = {
    name: 'sqlite',
    dir: () => dir,
    open: async (options = {}) =>
      track(
        openSqliteStore({
          path: path.join(dir, 'store.db'),
          logger: options.logger ?? silent,
          ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        }),
      ),
  };
  const postgres: Backend = {
    name: 'postgres',
    dir: () => dir,
    open: async (options = {}) =>
      track(
        await openPostgresStore({
          url,
          bufferPath: path.join(dir, 'buffer.db'),
          logger: options.logger ?? silent,
          ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        }),
      ),
    postgres: {
      server: () => {
        if (!server) throw new Error('PostgreSQL not started');
        return server;
      },
      url: () => url,
    },
  };
  return withPostgres ? [sqlite, postgres] : [sqlite];
}
