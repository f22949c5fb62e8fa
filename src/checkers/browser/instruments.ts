import type { BrowserContext, CDPSession, Page } from 'playwright';
import { prepareGuard, type Guard } from './guard.ts';
import { watchRedirects, type RedirectWatch } from './redirect-watch.ts';
import { VITALS_INIT_SCRIPT } from './vitals.ts';

/** What a journey watches its context with; set up before the run that uses it. */
export interface Instruments {
  guard: Guard;
  redirects: RedirectWatch;
  /** The first page's own CDP session (vitals are read over it); undefined without CDP. */
  session: CDPSession | undefined;
}

/**
 * Sets up a fresh context for a journey: the request guard (armed later, by the run), the
 * vitals observers, tracing and the redirect watch. None of it depends on the probe, so
 * the browser host does it for the next run's context while the current run is busy:
 * about 30 ms a run, most of it starting the tracer, are then off the run's clock.
 *
 * Tracing is started and its first chunk dropped at once; the run starts its own chunk
 * (`tracing.startChunk`, ~2 ms), so a trace begins with the run, not when its context was
 * made, which in a daemon can be minutes earlier.
 */
export async function prepareJourney(made: {
  context: BrowserContext;
  page: Page;
}): Promise<Instruments> {
  const { context, page } = made;
  const guard = await prepareGuard(context);
  await context.addInitScript(VITALS_INIT_SCRIPT);
  await context.tracing.start({ snapshots: true, screenshots: false });
  await context.tracing.stopChunk();
  const session = await context.newCDPSession(page).catch(() => undefined);
  return { guard, redirects: await watchRedirects(session), session };
}
