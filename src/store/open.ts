import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

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
  if (config.store.url === undefined) {
    return openSqliteStore({ path: path.join(config.dataDir, 'ozgwatch.db'), logger });
  }
  return openPostgresStore({
    url: config.store.url,
    bufferPath: use === 'read' ? ':memory:' : path.join(config.dataDir, 'postgres-buffer.db'),
    bufferMaxBytes: config.store.bufferLimitMb * 2 ** 20,
    logger,
  });
}
