import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/scheduler/cron.ts';
import { MAX_CRON_INTERVAL_MS } from '../../src/scheduler/cron-gap.ts';
import { staleAfter } from '../../src/scheduler/staleness.ts';
import { probe } from '../metrics/helpers.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Berlin wall time in winter (CET, UTC+1) as epoch ms; month 1–12. */
const winter = (month: number, day: number, hour: number, minute = 0, second = 0): number =>
  Date.UTC(2026, month - 1, day, hour - 1, minute, second);
/** Berlin wall time in summer (CEST, UTC+2). */
const summer = (month: number, day: number, hour: number, minute = 0, second = 0): number =>
  Date.UTC(2026, month - 1, day, hour - 2, minute, second);

describe('staleAfter: when a result stops standing', () => {
  it('is three intervals after the end of the run for an interval probe', () => {
    const every = probe('kfz', { every: '5m' });
    const ended = winter(11, 23, 9, 0, 20);
    expect(staleAfter(every, ended)).toBe(ended + 15 * MINUTE);
  });

  it('is the third start of a regular cron schedule after the end of the run', () => {
    const often = probe('often', { every: undefined, cron: '*/5 * * * *' });
    // The 09:00 run ended 20 s later; 09:05 and 09:10 are missed, 09:15 is the third.
    expect(staleAfter(often, winter(11, 23, 9, 0, 20))).toBe(winter(11, 23, 9, 15));
    const weekly = probe('weekly', { every: undefined, cron: '0 3 * * 1' });
    expect(staleAfter(weekly, winter(11, 23, 3, 2))).toBe(winter(12, 14, 3));
  });

  it('lets the Friday evening result of an office-hours schedule stand through the weekend, not a week', () => {
    const officeHours = probe('buergerbuero', { every: undefined, cron: '*/5 7-18 * * 1-5' });
    const fridayEvening = winter(11, 20, 18, 55, 30);
    const stale = staleAfter(officeHours, fridayEvening);
    // Monday 07:00 and 07:05 are missed, 07:10 is the third start.
    expect(stale).toBe(winter(11, 23, 7, 10));
    // Three of its longest gaps (Friday 18:55 to Monday 07:00) would be a week and more.
    expect(fridayEvening + 3 * (60 * 60 + 5) * MINUTE - stale).toBeGreaterThan(5 * DAY);
    // Within the day, as often as its schedule runs.
    expect(staleAfter(officeHours, winter(11, 24, 10, 0, 30))).toBe(winter(11, 24, 10, 15));
  });

  it('adds the probe’s jitter, by which each run may start late', () => {
    const jittered = probe('jittered', { every: undefined, cron: '0 * * * *', jitter: '2m' });
    expect(staleAfter(jittered, winter(11, 23, 9, 1))).toBe(winter(11, 23, 12, 2));
  });

  it('is never later than three of the schedule’s longest gaps', () => {
    // The night to 29 March 2026 has no 02:30: the schedule skips a day there, but its
    // interval stays a day, and three days after the end of the run it is stale.
    const nightly = probe('nightly', { every: undefined, cron: '30 2 * * *' });
    const ended = winter(3, 27, 2, 31);
    expect(new CronSchedule('30 2 * * *').next(winter(3, 28, 2, 31))).toBe(summer(3, 30, 2, 30));
    expect(staleAfter(nightly, ended)).toBe(ended + 3 * DAY);
    // 29 February: the next is four years away, beyond three of the longest interval.
    const leapDay = probe('leap-day', { every: undefined, cron: '0 0 29 2 *' });
    const lastLeapDay = Date.UTC(2028, 1, 28, 23, 1);
    expect(staleAfter(leapDay, lastLeapDay)).toBe(lastLeapDay + 3 * MAX_CRON_INTERVAL_MS);
  });
});
