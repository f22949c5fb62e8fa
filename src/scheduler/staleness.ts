import { intervalOf, type Probe } from '../probes/schema.ts';
import { CronSchedule } from './cron.ts';

/** A result is stale once this many runs after it are due and none has ended. */
const MISSED_RUNS = 3;

/** Reloads may bring new expressions; the memo is dropped rather than grown without end. */
const MEMO_LIMIT = 10_000;
const schedules = new Map<string, CronSchedule>();

function scheduleOf(expression: string): CronSchedule {
  let schedule = schedules.get(expression);
  if (schedule === undefined) {
    if (schedules.size >= MEMO_LIMIT) schedules.clear();
    schedule = new CronSchedule(expression);
    schedules.set(expression, schedule);
  }
  return schedule;
}

/**
 * When the result of a run that ended at `endedAt` (epoch ms) stops standing for the present,
 * if no later run has ended by then: the moment the third run after it is due. From then on
 * `OzgwatchStaleResults` fires, the availability ratios leave the probe out, and the pages mark
 * it _veraltet_.
 *
 * An interval probe: three intervals after the end of the run. A `cron` probe: its third
 * scheduled start after the end, plus its jitter. Counting the schedule's own starts matters
 * for an uneven one: `*\/5 7-18 * * 1-5` (office hours) has a longest gap of 60 hours, from
 * Friday evening to Monday morning, so three such gaps would let a stuck probe go unnoticed for
 * a week; counted by its starts, a result of Friday evening stands through the weekend and is
 * stale at 07:10 on Monday. Never later than three of the longest gaps, which also bounds the
 * search through a rare schedule.
 */
export function staleAfter(probe: Probe, endedAt: number): number {
  const bound = endedAt + MISSED_RUNS * intervalOf(probe);
  if (probe.cron === undefined) return bound;
  const schedule = scheduleOf(probe.cron);
  let due = endedAt;
  for (let i = 0; i < MISSED_RUNS && due < bound; i++) {
    due = schedule.nextUntil(due, bound) ?? bound;
  }
  return due + (probe.jitter ?? 0);
}
