import { berlinMidnight } from '../../src/report/period.ts';
import type { Result, RunStatus } from '../../src/results/result.ts';

/** Time helpers and a run builder for the report tests that build a small store by hand. */

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** `hour` o'clock in Berlin on a day of 2026. */
export const at = (month: number, d: number, hour = 9): number =>
  berlinMidnight(2026, month, d) + hour * HOUR;

/**
 * A builder of plain runs whose ids start with `prefix` and count up, so that each test file
 * has ids of its own in the store.
 */
export function runBuilder(
  prefix: string,
): (
  probeId: string,
  kind: string,
  startedAt: number,
  status: RunStatus,
  extra?: Partial<Result>,
) => Result {
  let seq = 0;
  return (probeId, kind, startedAt, status, extra = {}) => ({
    runId: `${prefix}-${++seq}`,
    probeId,
    kind,
    startedAt,
    duration: 0.2,
    attempts: 1,
    maintenance: false,
    status,
    reportedStatus: status,
    message: status,
    assertions: [],
    ...extra,
  });
}
