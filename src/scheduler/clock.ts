/**
 * Time as the scheduler sees it; tests inject a {@link ManualClock}.
 *
 * Two readings on purpose: `now()` is wall time (results, cron, maintenance windows);
 * `monotonic()` never jumps, so an NTP step or a resumed VM neither fires a burst of
 * runs nor pauses every probe for an hour.
 */
export interface Clock {
  /** Wall time, epoch milliseconds. */
  now(): number;
  /** Milliseconds from an arbitrary origin; only differences mean anything. */
  monotonic(): number;
  /** Calls `fn` after `ms` of monotonic time; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/**
 * A clock that only moves when told to. `advance` fires due timers in time order,
 * each seeing the clock at its own due time; `jump` moves only the wall clock.
 */
export class ManualClock implements Clock {
  #wall: number;
  #mono = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 10, 23, 8, 0, 0)) {
    this.#wall = start;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#mono + Math.max(0, ms), fn });
    return () => this.#timers.delete(id);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way and
   * letting promises settle after each one, as the event loop would.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#mono + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const timer = this.#timers.get(nextId);
      this.#timers.delete(nextId);
      this.#moveTo(nextAt);
      timer?.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.#moveTo(end);
  }

  /** Steps the wall clock without monotonic time passing, as an NTP correction would. */
  jump(ms: number): void {
    this.#wall += ms;
  }

  pendingTimers(): number {
    return this.#timers.size;
  }

  #moveTo(mono: number): void {
    if (mono <= this.#mono) return;
    this.#wall += mono - this.#mono;
    this.#mono = mono;
  }
}
