import { isSuccess, type RunStatus } from '../results/result.ts';

interface FlapState {
  reported: RunStatus;
  /** Consecutive raw results that disagree with the reported state. */
  streak: number;
}

/**
 * Decides the *reported* state of each probe from its raw results: a probe turns
 * failing only after `failAfter` consecutive failures and recovers only after
 * `recoverAfter` consecutive successes. The raw result is stored regardless. A probe
 * starts presumed up.
 */
export class FlapDamper {
  readonly #states = new Map<string, FlapState>();

  /** Feeds one raw status and returns the status to report. */
  report(probeId: string, raw: RunStatus, failAfter: number, recoverAfter: number): RunStatus {
    let state = this.#states.get(probeId);
    if (!state) {
      // A probe without history (new, or its store was emptied) is presumed up, as a probe that
      // was up: a first failure is one of failAfter like any other. Reported at once, it would
      // page on a single failed run whenever the interval is longer than the alert's `for:`.
      state = { reported: 'pass', streak: 0 };
      this.#states.set(probeId, state);
    }
    const wasUp = isSuccess(state.reported);
    const isUp = isSuccess(raw);
    if (wasUp === isUp) {
      state.reported = raw;
      state.streak = 0;
      return raw;
    }
    state.streak++;
    if (state.streak >= (isUp ? recoverAfter : failAfter)) {
      state.reported = raw;
      state.streak = 0;
    }
    return state.reported;
  }

  /** Whether the damper has seen a result of the probe (or was seeded with one). */
  has(probeId: string): boolean {
    return this.#states.has(probeId);
  }

  /**
   * Starts a probe from what its last stored run reported, so that damping goes on across
   * a restart: a deploy must not turn one failed run of a probe that was up into an alert.
   * The streak is not stored; a last run that disagreed with its report counts as one.
   */
  seed(probeId: string, reported: RunStatus, lastRaw: RunStatus): void {
    if (this.#states.has(probeId)) return;
    this.#states.set(probeId, {
      reported,
      streak: isSuccess(reported) === isSuccess(lastRaw) ? 0 : 1,
    });
  }

  /** Forgets probes that are no longer configured. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#states.keys()) if (!ids.has(id)) this.#states.delete(id);
  }
}
