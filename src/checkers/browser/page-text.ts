import type { CDPSession } from 'playwright';

/**
 * The text of the page's body as a reader sees it (`innerText`: hidden elements left out),
 * read over the page's own CDP session; undefined when it cannot be read now (no CDP, a
 * navigation under way, a crashed page). Not a Playwright call, so not an action of the
 * run's trace: waiting for a text reads it every 100 ms, and each Playwright read would
 * leave two DOM snapshots of the page there (see `readVitals`).
 */
export async function readPageText(session: CDPSession | undefined): Promise<string | undefined> {
  if (!session) return undefined;
  return session
    .send('Runtime.evaluate', {
      expression: 'document.body ? document.body.innerText : ""',
      returnByValue: true,
    })
    .then((r) => (r.exceptionDetails ? undefined : (r.result.value as string)))
    .catch(() => undefined);
}
