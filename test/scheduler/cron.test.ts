import { createTask } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/scheduler/cron.ts';

const iso = (t: number): string => new Date(t).toISOString();

describe('CronSchedule', () => {
  it('finds the next matches in Europe/Berlin', () => {
    const every5 = new CronSchedule('*/5 * * * *');
    expect(iso(every5.next(Date.UTC(2026, 10, 23, 8, 1, 0)))).toBe('2026-11-23T08:05:00.000Z');
    const nightly = new CronSchedule('0 2 * * *');
    // Winter: 02:00 CET = 01:00 UTC; summer: 02:00 CEST = 00:00 UTC.
    expect(iso(nightly.next(Date.UTC(2026, 10, 23, 12)))).toBe('2026-11-24T01:00:00.000Z');
    expect(iso(nightly.next(Date.UTC(2026, 6, 1, 12)))).toBe('2026-07-02T00:00:00.000Z');
  });

  it('skips a local time that does not exist on the spring-forward day', () => {
    const c = new CronSchedule('30 2 * * *');
    expect(iso(c.next(Date.UTC(2026, 2, 28, 12)))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('supports the last day of the month and weekday names', () => {
    expect(iso(new CronSchedule('0 0 L * *').next(Date.UTC(2026, 1, 1)))).toBe(
      '2026-02-27T23:00:00.000Z',
    );
    expect(iso(new CronSchedule('0 6 * * mon').next(Date.UTC(2026, 10, 23, 12)))).toBe(
      '2026-11-30T05:00:00.000Z',
    );
  });

  it('agrees with node-cron on which minutes match', () => {
    const expressions = [
      '*/7 * * * *',
      '15 8-17 * * 1-5',
      '0 0 1 * *',
      '0 2 * * 0',
      '0 0 13 * 5',
      '10,40 */3 * 2,8 *',
    ];
    for (const expression of expressions) {
      const ours = new CronSchedule(expression);
      const theirs = createTask(expression, () => undefined, { timezone: 'Europe/Berlin' });
      try {
        // Every 13 minutes over ~3 months (both DST changes of 2026 not needed: one is enough).
        for (let t = Date.UTC(2026, 1, 20); t < Date.UTC(2026, 4, 20); t += 13 * 60_000) {
          expect(ours.matches(t), `${expression} at ${iso(t)}`).toBe(theirs.match(new Date(t)));
        }
      } finally {
        void theirs.destroy();
      }
    }
  });

  it('next() lands on a match, and nothing matches in between', () => {
    const c = new CronSchedule('15 8-17 * * 1-5');
    let t = Date.UTC(2026, 10, 20, 16);
    for (let i = 0; i < 20; i++) {
      const n = c.next(t);
      expect(c.matches(n)).toBe(true);
      for (let m = Math.ceil((t + 1) / 60_000) * 60_000; m < n; m += 60_000)
        expect(c.matches(m)).toBe(false);
      t = n;
    }
  });

  it('finds a leap day four years on, and one on a given weekday decades on', () => {
    const leapDay = new CronSchedule('0 0 29 2 *');
    // 29 February 2032, 00:00 CET.
    expect(iso(leapDay.next(Date.UTC(2028, 2, 1)))).toBe('2032-02-28T23:00:00.000Z');
    // 29 February that is a Monday: 2044, then 2072.
    const leapMonday = new CronSchedule('0 0 29 2 1');
    expect(iso(leapMonday.next(Date.UTC(2026, 10, 24)))).toBe('2044-02-28T23:00:00.000Z');
    expect(iso(leapMonday.next(Date.UTC(2044, 2, 1)))).toBe('2072-02-28T23:00:00.000Z');
  });

  it('steps over days that do not match without missing the first minutes after a clock change', () => {
    // The first Monday after each change of 2026 (29 March, 25 October), at 00:00 and 00:30.
    const monday = new CronSchedule('0,30 0 * * 1');
    expect(iso(monday.next(Date.UTC(2026, 2, 27, 12)))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(monday.next(Date.UTC(2026, 9, 23, 12)))).toBe('2026-10-25T23:00:00.000Z');
    // Midnight right after the spring-forward day, and the morning of the autumn one.
    const afterSpring = new CronSchedule('5 0 30 3 *');
    expect(iso(afterSpring.next(Date.UTC(2026, 2, 29, 0, 30)))).toBe('2026-03-29T22:05:00.000Z');
    const autumnMorning = new CronSchedule('0 4 25 10 *');
    expect(iso(autumnMorning.next(Date.UTC(2026, 9, 24, 20)))).toBe('2026-10-25T03:00:00.000Z');
  });
});
