/**
 * The time a browser check may spend waiting before its run's deadline. A run cut off by
 * the deadline keeps nothing: a journey loses its screenshot and trace, a scan the pages it
 * already scanned. So every wait is cut to end while a reserve is left — a quarter of the
 * run, at most 2 s — for what the run keeps after it.
 */
export class TimeBudget {
  /** `performance.now()` of the deadline; undefined when the runner did not say. */
  readonly #deadlineAt: number | undefined;
  readonly #reserve: number;

  constructor(deadlineAt: number | undefined, now = performance.now()) {
    this.#deadlineAt = deadlineAt;
    this.#reserve = deadlineAt === undefined ? 0 : Math.min(RESERVE_MS, (deadlineAt - now) / 4);
  }

  /** Milliseconds left for waiting with the reserve kept; Infinity without a deadline. */
  left(now = performance.now()): number {
    return this.#deadlineAt === undefined ? Infinity : this.#deadlineAt - now - this.#reserve;
  }

  /** `wanted`, or less when the deadline is nearer (never under 100 ms: Playwright reads 0 as none). */
  cap(wanted: number): number {
    return Math.max(MIN_WAIT_MS, Math.min(wanted, Math.round(this.left())));
  }
}

const RESERVE_MS = 2_000;
const MIN_WAIT_MS = 100;
