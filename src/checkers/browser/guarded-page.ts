import type { Page } from 'playwright';
import type { Outcome } from '../../results/result.ts';
import type { CheckContext } from '../checker.ts';
import { installGuard } from './guard.ts';

/**
 * For checkers that read pages rather than walk a journey (accessibility, BITV): a fresh
 * context of the daemon's browser with the request guard (nothing that changes state is
 * sent, navigations keep the per-host limit), closed at the deadline and released in
 * `finally`. Without a browser the run is an `error`: ozgwatch could not check.
 */
export async function withGuardedPage(
  ctx: CheckContext,
  work: (page: Page) => Promise<Outcome>,
): Promise<Outcome> {
  if (!ctx.browser) {
    return {
      status: 'error',
      reason: 'internal',
      message: 'no browser configured',
      assertions: [],
    };
  }
  const lease = await ctx.browser.lease({ userAgent: ctx.userAgent, locale: 'de-DE' }, ctx.signal);
  const closeOnAbort = (): void => void lease.context.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await installGuard(lease.context, [], ctx.hosts, ctx.signal);
    return await work(lease.page);
  } finally {
    ctx.signal.removeEventListener('abort', closeOnAbort);
    await lease.release();
  }
}
