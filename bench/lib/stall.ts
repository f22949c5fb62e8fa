import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `work` and measures the longest the event loop was held meanwhile, in ms: how long
 * a timer (a probe's next run, a timing in flight) or a scrape would have waited.
 */
export async function watchStalls<T>(
  work: () => Promise<T>,
): Promise<{ value: T; stallMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // The monitor measures from its timer's first tick on, and a stall shows at the tick after
  // it: a few ticks before and after `work`, or work that never yields goes unseen.
  const ticks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  try {
    await ticks();
    const value = await work();
    await ticks();
    return { value, stallMs: loop.max / 1e6 };
  } finally {
    loop.disable();
  }
}
