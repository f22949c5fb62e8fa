import { CronSchedule } from './cron.ts';

const DAY_S = 86_400;

/**
 * How many days ahead the gaps of a schedule are looked for: more than two years, so that a
 * schedule that runs once a year shows a whole gap between two of its runs.
 */
export const GAP_LOOKAHEAD_DAYS = 800;

/**
 * The longest interval a `cron` probe is given: 400 days, about 13 months. A rarer schedule
 * (29 February, 1 January that is a Monday) gets this, and so does one that never matches
 * within the look-ahead: three such intervals are longer than anyone waits for a result.
 */
export const MAX_CRON_INTERVAL_MS = 400 * DAY_S * 1000;

/**
 * The longest gap between two consecutive runs of a cron schedule, in ms: how long one result
 * of a `cron` probe has to stand before the next run replaces it (weekly: 7 days; the first of
 * each quarter: the longest quarter, 92 days; every 5 minutes: 300 s).
 *
 * Measured on the local wall clock, where every day has 24 hours, so a weekly run is 7 days
 * apart in winter, in summer and across the changes of daylight saving time. The one run the
 * spring-forward night leaves out (02:00–02:59 do not exist then, {@link CronSchedule.next}
 * skips them) does not make `30 2 * * *` a two-day schedule: it stays at 24 hours, whose three
 * intervals of staleness still cover the missed night.
 *
 * Bounded work however often the schedule fires (`* * * * * *` included): a schedule fires at
 * the same times on every day it runs, so this is one pass over those times of day (at most
 * 86,400) and one over the next {@link GAP_LOOKAHEAD_DAYS} calendar days from `from`'s day. The
 * stretch before the first run and after the last one in that look-ahead count as gaps too
 * (the run before and after lies beyond them), which is what caps a rare schedule.
 */
export function longestCronGapMs(schedule: CronSchedule, from: number): number {
  const times = schedule.secondsOfDay();
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) return MAX_CRON_INTERVAL_MS;
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  }
  const start = schedule.dayOf(from);
  const startMs = Date.UTC(start.year, start.month - 1, start.day);
  // Seconds since the look-ahead began (local midnight of `from`'s day) of the last run seen.
  let previous: number | undefined;
  for (let d = 0; d < GAP_LOOKAHEAD_DAYS; d++) {
    // UTC arithmetic on the local date: only the calendar fields are read, never an instant.
    const date = new Date(startMs + d * DAY_S * 1000);
    const day = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
    };
    if (!schedule.runsOn(day)) continue;
    longest = Math.max(longest, d * DAY_S + first - (previous ?? 0));
    previous = d * DAY_S + last;
  }
  if (previous === undefined) return MAX_CRON_INTERVAL_MS;
  longest = Math.max(longest, GAP_LOOKAHEAD_DAYS * DAY_S - previous);
  return Math.min(longest * 1000, MAX_CRON_INTERVAL_MS);
}

/** Reloads may bring new expressions; the memo is dropped rather than grown without end. */
const MEMO_LIMIT = 10_000;
const memo = new Map<string, number>();

/**
 * {@link longestCronGapMs} of an expression, looked ahead from the first time it is asked for
 * (when the probes are loaded) and then kept: metrics, pages and the seeding after a restart ask
 * for it often, and for a schedule that repeats within the look-ahead the answer does not depend
 * on the day it is computed.
 */
export function cronIntervalMs(expression: string): number {
  let ms = memo.get(expression);
  if (ms === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    ms = longestCronGapMs(new CronSchedule(expression), Date.now());
    memo.set(expression, ms);
  }
  return ms;
}
