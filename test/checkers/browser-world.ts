import { pino } from 'pino';
import type { CheckContext } from '../../src/checkers/checker.ts';
import { BrowserHost } from '../../src/runner/browser-host.ts';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';

/** The fixture portal and one browser for the checkers that read pages in Chromium. */
export interface BrowserWorld {
  portal: Portal;
  host: BrowserHost;
  /** A run's context: 30 s deadline, silent logger, the shared browser. */
  context(now?: () => number): CheckContext;
  close(): Promise<void>;
}

export async function startBrowserWorld(): Promise<BrowserWorld> {
  const portal = await startPortal();
  const host = new BrowserHost({
    args: [],
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
  });
  return {
    portal,
    host,
    context: (now = () => Date.now()) => ({
      signal: AbortSignal.timeout(30_000),
      logger: pino({ level: 'silent' }),
      userAgent: 'ozgwatch/test',
      hosts: new HostLimiter(2),
      now,
      browser: host,
    }),
    async close() {
      await host.close();
      await portal.close();
    },
  };
}
