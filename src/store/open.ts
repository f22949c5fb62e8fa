import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/**
 * Where the configured store is, in a form that crosses into a worker thread: a worker
 * opens a connection of its own, as the report worker does.
 */
export type StoreLocation = { sqlite: string } | { postgres: string };

/**
 * A report reads a whole quarter in few, large queries: it may wait longer for an answer
 * than the daemon's pages (30 s) before PostgreSQL counts as unreachable.
 */
const REPORT_QUERY_TIMEOUT_MS = 300_000;
/**
 * Connections of a reader (the report worker, `ozgwatch report`), on top of the daemon's
 * `store.poolSize`. Two: a report asks at most two questions at once (this quarter's and the
 * last one's availability); with one, the second would wait for the first, and a wait longer
 * than the connection timeout (5 s) fails the report as if PostgreSQL were away.
 */
export const READER_POOL_SIZE = 2;

export function storeLocation(config: Config): StoreLocation {
  return config.store.url === undefined
    ? { sqlite: path.join(config.dataDir, 'ozgwatch.db') }
    : { postgres: config.store.url };
}

/**
 * The store the configuration names: PostgreSQL when `store.url` is set (its disk buffer
 * under dataDir), else the SQLite file under dataDir.
 */
export async function openConfiguredStore(
  config: Config,
  logger: Logger,
  /** `read`: a command that only reads (a report) keeps off the daemon's disk buffer. */
  use: 'daemon' | 'read' = 'daemon',
): Promise<Store> {
  const location = storeLocation(config);
  if ('sqlite' in location) return openSqliteStore({ path: location.sqlite, logger });
  return openPostgresStore({
    url: location.postgres,
    bufferPath: use === 'read' ? ':memory:' : path.join(config.dataDir, 'postgres-buffer.db'),
    bufferMaxBytes: config.store.bufferLimitMb * 2 ** 20,
    poolSize: use === 'read' ? READER_POOL_SIZE : config.store.poolSize,
    ...(use === 'read' ? { queryTimeoutMs: REPORT_QUERY_TIMEOUT_MS } : {}),
    logger,
  });
}

/**
 * A second connection, for reading only, to a store the daemon has open: SQLite read-only
 * (no migration, no write lock), PostgreSQL without the daemon's disk buffer.
 */
export async function openStoreReader(location: StoreLocation, logger: Logger): Promise<Store> {
  if ('sqlite' in location) {
    // Off the event loop of the daemon, a lock can be waited out longer.
    return openSqliteStore({ path: location.sqlite, logger, readOnly: true, busyTimeoutMs: 5_000 });
  }
  return openPostgresStore({
    url: location.postgres,
    bufferPath: ':memory:',
    poolSize: READER_POOL_SIZE,
    queryTimeoutMs: REPORT_QUERY_TIMEOUT_MS,
    logger,
  });
}
