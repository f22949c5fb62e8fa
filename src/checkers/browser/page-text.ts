import type { CDPSession } from 'playwright';

/**
 * The value of `expression` in the page, read over the page's own CDP session;
 * undefined when it cannot be read now (no CDP, a navigation under way, a crashed page,
 * an exception). Not a Playwright call, so not an action of the run's trace: each
 * Playwright read would leave two DOM snapshots of the page there.
 */
export async function evaluateUntraced<T>(
  session: CDPSession | undefined,
  expression: string,
): Promise<T | undefined> {
  if (!session) return undefined;
  return session
    .send('Runtime.evaluate', { expression, returnByValue: true })
    .then((r) => (r.exceptionDetails ? undefined : (r.result.value as T | undefined)))
    .catch(() => undefined);
}

/**
 * The text of the page's body as a reader sees it (`innerText`: hidden elements left
 * out), untraced: waiting for a text reads it every 100 ms.
 */
export function readPageText(session: CDPSession | undefined): Promise<string | undefined> {
  return evaluateUntraced<string>(session, 'document.body ? document.body.innerText : ""');
}
