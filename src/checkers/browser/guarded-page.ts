import type { Page } from 'playwright';
import type { Outcome } from '../../results/result.ts';
import type { CheckContext } from '../checker.ts';
import { installGuard, type Guard } from './guard.ts';
import { blockedSocketWarnings, onPage, unguardedSocketWarnings } from './guard-warnings.ts';

/**
 * For checkers that read pages rather than walk a journey (accessibility, BITV, media
 * breaks): a fresh context of the daemon's browser with the request guard in place before
 * the page makes its first request (nothing that changes state is sent, navigations keep
 * the per-host limit), closed at the deadline and released in `finally`. What the guard
 * held back is in the outcome (`blockedRequests`), so a page that stopped working for it
 * says why; it does not change the status. A blocked WebSocket, and one a worker opened past
 * the guard, are warnings too (`warnings`): the page was read without what its socket would
 * have shown, or its socket was not held back. Without a browser the run is an `error`:
 * ozgwatch could not check.
 */
export async function withGuardedPage(
  ctx: CheckContext,
  work: (page: Page, guard: Guard) => Promise<Outcome>,
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
    const guard = await installGuard(lease.context, [], ctx.hosts, ctx.signal);
    const outcome = await work(lease.page, guard);
    const warnings = [
      ...(outcome.warnings ?? []),
      ...blockedSocketWarnings(guard.blocked, onPage),
      ...unguardedSocketWarnings(guard.unguarded, onPage),
    ];
    return {
      ...outcome,
      ...(guard.blocked.length > 0 ? { blockedRequests: guard.blocked } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    ctx.signal.removeEventListener('abort', closeOnAbort);
    await lease.release();
  }
}
