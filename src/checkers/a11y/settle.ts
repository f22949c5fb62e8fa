import type { Frame, Page, Request } from 'playwright';
import { within } from '../browser/bounded.ts';

/** The DOM counts as settled after this long without a change. */
const QUIET_MS = 300;
/** Scroll steps at most: a page of 30 screens has shown its lazy parts by then. */
const SCROLL_STEPS = 30;
/** At most this long for the network to go quiet after `load`: a page that polls never does. */
const NETWORK_MS = 3_000;
/** Client-side redirects followed after `load` (a meta refresh, `location.href = …`). */
const MAX_HOPS = 3;

/**
 * What a page does after `load`, in the page: wait until the DOM is quiet, scroll through
 * it once so that lazy content (images, iframes, blocks loaded when they come into view)
 * arrives, scroll back and wait again. Bounded by `max` ms however busy the page is.
 */
const SETTLE_SCRIPT = `async (max) => {
  const started = performance.now();
  const left = () => max - (performance.now() - started);
  const quiet = () => new Promise((resolve) => {
    let timer;
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(done, Math.min(${QUIET_MS}, Math.max(0, left())));
    });
    const done = () => { observer.disconnect(); clearTimeout(cap); resolve(); };
    const cap = setTimeout(done, Math.max(0, left()));
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    timer = setTimeout(done, Math.min(${QUIET_MS}, Math.max(0, left())));
  });
  await quiet();
  const root = document.scrollingElement || document.documentElement;
  if (!root || root.scrollHeight <= innerHeight) return;
  for (let i = 1; i <= ${SCROLL_STEPS} && i * innerHeight < root.scrollHeight && left() > 0; i++) {
    scrollTo(0, i * innerHeight);
    await new Promise((r) => setTimeout(r, 30));
  }
  scrollTo(0, 0);
  await quiet();
}`;

/** Whether anything in the page can change it after `load`. */
const DYNAMIC_SCRIPT = `document.scripts.length > 0 ||
  document.querySelector('meta[http-equiv="refresh" i], iframe, frame, object, embed') !== null`;

/**
 * Lets a loaded page become what a visitor sees before axe-core reads it: content a
 * script adds after `load`, lazy content below the fold, and the page a client-side
 * redirect leads to (an interstitial "Sie werden weitergeleitet" is not the service).
 * Without this a scan reads a half-built page and may call it free of violations.
 * Never throws; at most about `ms`. False when the page did not answer at all in that time:
 * a script holds its renderer, and whatever else asks the page waits just as long.
 */
export async function settle(page: Page, ms: number): Promise<boolean> {
  // Without a script, a refresh or a frame nothing changes a document after `load`: no wait.
  // (Every real portal has scripts and pays the wait; a static page need not.)
  // One deadline for all of it, this question included: a page must not get `ms` twice.
  const deadline = performance.now() + ms;
  // A context destroyed by a redirect rejects: the page changes, so it is dynamic. No answer
  // in all the time means a script holds the renderer: nothing in it can settle any more.
  const dynamic = await within(
    page.evaluate<boolean>(DYNAMIC_SCRIPT).catch(() => true),
    ms,
  );
  if (dynamic === undefined) return false;
  if (!dynamic) return true;
  const left = (): number => Math.max(0, deadline - performance.now());
  // Requested and committed navigations of the top frame: a redirect whose response is
  // still on its way when the page looked quiet must be waited for too.
  let pending = false;
  let committed = 0;
  const top = (request: Request): boolean =>
    request.isNavigationRequest() && request.frame() === page.mainFrame();
  const onRequest = (request: Request): void => {
    if (top(request)) pending = true;
  };
  const onFailed = (request: Request): void => {
    if (top(request)) pending = false;
  };
  const onNavigated = (frame: Frame): void => {
    if (frame !== page.mainFrame()) return;
    committed++;
    pending = false;
  };
  page.on('request', onRequest);
  page.on('requestfailed', onFailed);
  page.on('framenavigated', onNavigated);
  try {
    for (let hop = 0; hop <= MAX_HOPS && left() > 0; hop++) {
      const before = committed;
      // Content a script fetches after `load` (a single-page app, a form loaded by an
      // embed script) arrives before the network goes quiet: 500 ms without a request.
      await page
        .waitForLoadState('networkidle', { timeout: Math.max(100, Math.min(NETWORK_MS, left())) })
        .catch(() => undefined);
      // A redirect destroys the context mid-way: evaluate rejects, within() says undefined.
      await within(page.evaluate(`(${SETTLE_SCRIPT})(${Math.round(left())})`), left() + 500);
      if (pending) {
        await page
          .waitForEvent('framenavigated', {
            predicate: (frame) => frame === page.mainFrame(),
            timeout: Math.max(100, left()),
          })
          .catch(() => undefined);
      }
      if (committed === before) return true;
      await page
        .waitForLoadState('load', { timeout: Math.max(100, left()) })
        .catch(() => undefined);
    }
    return true;
  } finally {
    page.off('request', onRequest);
    page.off('requestfailed', onFailed);
    page.off('framenavigated', onNavigated);
  }
}
