import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/scheduler/cron.ts';
import {
  cronIntervalMs,
  GAP_LOOKAHEAD_DAYS,
  longestCronGapMs,
  MAX_CRON_INTERVAL_MS,
} from '../../src/scheduler/cron-gap.ts';

const S = 1000;
const DAY = 86_400 * S;
const gap = (expression: string, from = Date.UTC(2026, 10, 24, 12)): number =>
  longestCronGapMs(new CronSchedule(expression), from);

/**
 * The same answer found the slow way: every run of the schedule on a clock without daylight
 * saving time (UTC, the wall clock's calendar) over the same look-ahead, gap by gap.
 */
function walked(expression: string, from: Date): number {
  const wallClock = new CronSchedule(expression, 'UTC');
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const end = start + GAP_LOOKAHEAD_DAYS * DAY;
  let previous = start;
  let longest = 0;
  for (let t = wallClock.next(start - 1); t < end; t = wallClock.next(t)) {
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return Math.min(Math.max(longest, end - previous), MAX_CRON_INTERVAL_MS);
}

describe('longestCronGapMs', () => {
  it('is the gap of a regular schedule', () => {
    expect(gap('*/5 * * * *')).toBe(300 * S);
    expect(gap('0 3 * * 1')).toBe(7 * DAY);
    expect(gap('0 2 * * *')).toBe(DAY);
    expect(gap('*/10 * * * * *')).toBe(10 * S);
  });

  it('is the longest of uneven gaps', () => {
    // Quarterly: 1 July → 1 October and 1 October → 1 January are 92 days.
    expect(gap('0 3 1 1,4,7,10 *')).toBe(92 * DAY);
    // Office hours on weekdays: Friday 17:45 → Monday 08:00.
    expect(gap('*/15 8-17 * * 1-5')).toBe(2 * DAY + 14 * 3600 * S + 15 * 60 * S);
    // The example of docs/probes.md: every 10 minutes by day, 22:50 → 06:00 at night.
    expect(gap('*/10 6-22 * * *')).toBe((7 * 3600 + 10 * 60) * S);
    // Within a day (08:00 → 20:00), and overnight (18:00 → 06:00).
    expect(gap('0 2,8,20 * * *')).toBe(12 * 3600 * S);
    expect(gap('0 6,12,18 * * *')).toBe(12 * 3600 * S);
    // The last day of each month: 31 January → 28 February is the shortest, 30 → 31 the longest.
    expect(gap('0 0 L * *')).toBe(31 * DAY);
    // Once a year: a leap year in the look-ahead makes one gap 366 days.
    expect(gap('0 0 1 3 *')).toBe(366 * DAY);
  });

  it('measures on the wall clock: the changes of daylight saving time neither add nor take an hour', () => {
    // From just before the autumn change (25 October 2026) and the spring one (29 March 2026),
    // where the UTC instants of two Monday runs are 7 days ± 1 hour apart.
    expect(gap('0 3 * * 1', Date.UTC(2026, 9, 20))).toBe(7 * DAY);
    expect(gap('0 3 * * 1', Date.UTC(2026, 2, 25))).toBe(7 * DAY);
    expect(gap('30 3 * * *', Date.UTC(2026, 2, 25))).toBe(DAY);
  });

  it('keeps a daily run in the hour that spring skips at 24 hours, though that night has no run', () => {
    const nightly = new CronSchedule('30 2 * * *');
    // The scheduler does skip it: from Saturday's run to Monday's (29 March 2026 has no 02:30).
    const saturday = Date.UTC(2026, 2, 28, 1, 30);
    expect(nightly.next(saturday) - saturday).toBe(2 * DAY - 3600 * S);
    // The interval stays a day: three of them cover the missed night.
    expect(longestCronGapMs(nightly, Date.UTC(2026, 2, 20))).toBe(DAY);
  });

  it('agrees with walking every run of the look-ahead', () => {
    const from = new Date(Date.UTC(2026, 10, 24, 12));
    for (const expression of [
      '15 8-17 * * 1-5',
      '0 0 13 * 5',
      '10,40 */3 * 2,8 *',
      '0 0 1 * 1',
      '0 9 * 1-3,10-12 mon,thu',
    ]) {
      expect(gap(expression, from.getTime()), expression).toBe(walked(expression, from));
    }
  });

  it('caps a schedule that runs more rarely than the look-ahead shows, and one that never runs', () => {
    // 29 February: once in four years; at most once in the 800 days looked at.
    expect(gap('0 0 29 2 *')).toBe(MAX_CRON_INTERVAL_MS);
    expect(gap('0 0 29 2 *', Date.UTC(2027, 5, 1))).toBe(MAX_CRON_INTERVAL_MS);
    // Friday the 13th: gaps of up to 14 months, beyond 400 days.
    expect(gap('0 0 13 * 5')).toBe(MAX_CRON_INTERVAL_MS);
    // 1 January that is a Monday (day of month and weekday must both match): 2029, then 2035.
    expect(gap('0 0 1 1 1')).toBe(MAX_CRON_INTERVAL_MS);
  });

  it('is kept per expression', () => {
    expect(cronIntervalMs('0 3 * * 1')).toBe(7 * DAY);
    expect(cronIntervalMs('0 3 * * 1')).toBe(7 * DAY);
    expect(cronIntervalMs('*/5 * * * *')).toBe(300 * S);
  });
});
