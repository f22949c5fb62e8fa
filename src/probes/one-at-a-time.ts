/**
 * Runs an async task one at a time. A call while it runs does not start a second run beside
 * it but one more after it, which every call made meanwhile shares.
 *
 * For reloading the probes: SIGHUP and the folder watch can ask at nearly the same moment,
 * and a reload that read the files first (slowed by a TypeScript probe's import, or by
 * reading the last results from the store) would otherwise finish last and put the older
 * files in force. Run in order, the last reload always reads the files as they are after the
 * last request, and no reload is lost.
 */
export function oneAtATime<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const run = task().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
