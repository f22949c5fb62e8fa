import type { CDPSession, Page } from 'playwright';

/**
 * Waits for `work` at most `ms`; undefined when it failed or took longer. For calls into a
 * page whose renderer may be stuck in a script: Playwright's `evaluate`, `content` and
 * `title` have no timeout of their own, and `screenshot` does not keep its timeout while
 * the renderer spins (measured with Chromium 156), so only the run's deadline would end them.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([work.catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the page's main frame runs a trivial script within `ms`. It does not while a
 * script loops without end, nor while a navigation waits for a document that never comes.
 * Asked over the page's own CDP `session` when there is one: a Playwright `evaluate` is an
 * action of the run's trace, and the trace of a failed run should show the probe's steps,
 * not ozgwatch asking whether the page still answers.
 */
export async function responsive(
  page: Page,
  session: CDPSession | undefined,
  ms = 1000,
): Promise<boolean> {
  if (page.isClosed()) return false;
  const answer = session
    ? session
        .send('Runtime.evaluate', { expression: '1', returnByValue: true })
        .then((r) => r.result.value as unknown)
    : page.evaluate('1');
  return (await within(answer, ms)) === 1;
}
