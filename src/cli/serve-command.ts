import type { Config } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';
import { startDaemon } from '../main.ts';

/** `ozgwatch serve`: the daemon. SIGHUP reloads probes; SIGTERM/SIGINT stop gracefully. */
export async function serveCommand(config: Config): Promise<number> {
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  if (config.shard && config.shard.count > 1 && !config.store.url) {
    // Each instance would keep its share in a SQLite file of its own: the pages and reports
    // of every instance would miss the others' probes. One share of one (a StatefulSet
    // scaled to a single pod) is all probes, as without sharding.
    logger.fatal(
      { shard: `${config.shard.index}/${config.shard.count}` },
      'cannot start: sharing the probes among instances needs their shared store (store.url, DATABASE_URL)',
    );
    return 1;
  }
  let daemon;
  try {
    daemon = await startDaemon(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    return 1;
  }
  const running = daemon;
  // A rejection nobody handled (Playwright emits some when a page goes away under it) is a
  // bug to report, not a reason to drop the queued results and every run in flight.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; please report it. Running on');
  });
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading probes');
    void running.reload();
  });
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
