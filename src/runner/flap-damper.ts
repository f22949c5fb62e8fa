import { isSuccess, type RunStatus } from '../results/result.ts';

interface FlapState {
  reported: RunStatus;
  /** Consecutive raw results that disagree with the reported state. */
  streak: number;
}

/**
 * Decides the *reported* state of each probe from its raw results: a probe turns
 * failing only after `failAfter` consecutive failures and recovers only after
 * `recoverAfter` consecutive successes. The raw result is stored regardless.
 */
export class FlapDamper {
  readonly #states = new Map<string, FlapState>();

  /** Feeds one raw status and returns the status to report. */
  report(probeId: string, raw: RunStatus, failAfter: number, recoverAfter: number): RunStatus {
    const state = this.#states.get(probeId);
    if (!state) {
      // The first result has no history to damp against.
      this.#states.set(probeId, { reported: raw, streak: 0 });
      return raw;
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

  /** Forgets probes that are no longer configured. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#states.keys()) if (!ids.has(id)) this.#states.delete(id);
  }
}
