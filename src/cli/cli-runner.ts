import path from 'node:path';
import type { Logger } from 'pino';
import { checkerFor } from '../checkers/registry.ts';
import { userAgentFor, type Config } from '../config/config.ts';
import { configuredProxy } from '../net/proxy.ts';
import type { Probe } from '../probes/schema.ts';
import type { Result } from '../results/result.ts';
import { ArtifactStore } from '../runner/artifacts.ts';
import { BrowserHost } from '../runner/browser-host.ts';
import { HostLimiter } from '../runner/host-limiter.ts';
import type { MaintenanceCalendar } from '../runner/maintenance.ts';
import { Runner } from '../runner/runner.ts';
import { systemClock } from '../scheduler/clock.ts';
import { Pool } from '../scheduler/pool.ts';
import { VERSION } from '../version.ts';

/**
 * Runs probes once, for `run` and `scan`: the daemon's runner without scheduler, store
 * or metrics. Browser journeys share one Chromium (launched only if needed) and run at
 * most as many at a time as the daemon would; evidence goes to the data folder.
 */
export async function runOnce(
  config: Config,
  probes: readonly Probe[],
  logger: Logger,
  calendar?: MaintenanceCalendar,
): Promise<Result[]> {
  const poolName = (kind: string): string => checkerFor(kind)?.pool ?? kind;
  const limitOf = (pool: string): number =>
    config.concurrency.kinds[pool] ?? checkerFor(pool)?.concurrency ?? 16;
  // A spare context pays off only when a run waits for a free slot; for a handful of
  // runs it would be made and thrown away.
  const browserRuns = probes.filter((p) => poolName(p.kind) === 'browser').length;
  // The daemon's start line, so that `OZGWATCH_LOG_LEVEL=info ozgwatch run` shows which way
  // its requests go (info: the commands are quiet by default).
  const proxy = configuredProxy(config.proxy, logger);
  const browser = new BrowserHost({
    ...config.browser,
    ...(proxy ? { proxy } : {}),
    prewarm: browserRuns > limitOf('browser'),
    logger,
  });
  const runner = new Runner({
    checkerFor,
    clock: systemClock,
    logger,
    userAgent: userAgentFor(config, VERSION),
    hosts: new HostLimiter(config.concurrency.perHost),
    ...(proxy ? { proxy } : {}),
    sinks: [],
    maintenance: () => calendar,
    browser,
    artifacts: new ArtifactStore(path.join(config.dataDir, 'artifacts')),
  });
  const pools = new Map<string, Pool>();
  const poolFor = (kind: string): Pool => {
    const name = poolName(kind);
    let pool = pools.get(name);
    if (!pool) {
      pool = new Pool(name, limitOf(name));
      pools.set(name, pool);
    }
    return pool;
  };
  try {
    return await Promise.all(probes.map((p) => poolFor(p.kind).run(() => runner.run(p))));
  } finally {
    await browser.close();
  }
}
