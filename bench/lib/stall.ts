/**
 * The longest the event loop went without turning while `work` ran, in ms: how long a
 * timer (a probe's next run, a timing in flight) or a scrape would have waited.
 */
export async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
    // Work that never yielded shows only here.
    tick();
  }
  return longest;
}
