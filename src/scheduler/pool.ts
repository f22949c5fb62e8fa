/**
 * A concurrency limit with a FIFO queue. Runs of a kind take the kind's pool first and
 * the global pool second, always in that order, so no run holds a global slot while it
 * waits for its kind.
 */
export class Pool {
  readonly name: string;
  readonly limit: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(name: string, limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`pool ${name}: limit must be ≥ 1, got ${limit}`);
    this.name = name;
    this.limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.#queue.indexOf(grant);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason as Error);
      };
      this.#queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#active--;
  }
}
