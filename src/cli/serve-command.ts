import type { Config } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';
import { startDaemon, type Daemon } from '../main.ts';

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
  // Signals are taken from the first moment: a start with tens of thousands of probes takes
  // seconds, and Node's default for SIGHUP would end the process silently meanwhile.
  let running: Daemon | undefined;
  let reloadWhenStarted = false;
  let stopWhenStarted: string | undefined;
  let stopped: Promise<number> | undefined;
  process.on('SIGHUP', () => {
    if (!running) {
      logger.info('SIGHUP while starting: reloading probes once started');
      reloadWhenStarted = true;
      return;
    }
    logger.info('SIGHUP: reloading probes');
    void running.reload();
  });
  const stop = (signal: string): Promise<number> => {
    stopped ??= (async () => {
      logger.info({ signal }, 'shutting down');
      try {
        await running?.stop();
        return 0;
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        return 1;
      }
    })();
    return stopped;
  };
  let signalled: (signal: string) => void = (signal) => {
    stopWhenStarted = signal;
  };
  process.once('SIGTERM', () => signalled('SIGTERM'));
  process.once('SIGINT', () => signalled('SIGINT'));
  try {
    running = await startDaemon(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    return 1;
  }
  // A rejection nobody handled (Playwright emits some when a page goes away under it) is a
  // bug to report, not a reason to drop the queued results and every run in flight.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; please report it. Running on');
  });
  if (stopWhenStarted) return stop(stopWhenStarted);
  if (reloadWhenStarted) void running.reload();
  return new Promise<number>((resolve) => {
    signalled = (signal) => void stop(signal).then(resolve);
  });
}
