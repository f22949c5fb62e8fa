/**
 * Limits how many requests ozgwatch has open against one host at a time, across
 * all probes and kinds, so that the daemon never becomes a load on what it watches.
 */
export class HostLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`host limit must be ≥ 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Runs `fn` once a slot for `host` is free. A wait ends early (with the signal's reason) on abort. */
  async run<T>(host: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(host, signal);
    try {
      return await fn();
    } finally {
      this.#release(host);
    }
  }

  /** Open slots per host, for tests and diagnostics. */
  active(host: string): number {
    return this.#active.get(host) ?? 0;
  }

  #acquire(host: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const active = this.#active.get(host) ?? 0;
    if (active < this.#limit) {
      this.#active.set(host, active + 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.#waiting.get(host) ?? [];
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(signal.reason as Error);
      };
      queue.push(grant);
      this.#waiting.set(host, queue);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(host: string): void {
    const next = this.#waiting.get(host)?.shift();
    if (next) {
      // The slot passes straight to the next waiter; the count stays.
      next();
      return;
    }
    this.#waiting.delete(host);
    const active = (this.#active.get(host) ?? 1) - 1;
    if (active === 0) this.#active.delete(host);
    else this.#active.set(host, active);
  }
}
