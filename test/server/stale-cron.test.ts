import { describe, expect, it } from 'vitest';
import { isStale } from '../../src/server/models.ts';
import { NOW, probe, result } from '../metrics/helpers.ts';

const DAY = 86_400_000;

describe('isStale: cron probes', () => {
  it('judges a weekly cron probe by its third Monday, as OzgwatchStaleResults does', () => {
    const weekly = probe('portal-weekly', { every: undefined, cron: '0 3 * * 1' });
    // NOW is Monday 23 November 2026, 09:00 in Berlin; the runs were at 03:00 on Mondays.
    const ranWeeksAgo = (weeks: number) =>
      result(weekly, { startedAt: NOW - 6 * 3_600_000 - weeks * 7 * DAY });
    expect(isStale(weekly, ranWeeksAgo(1), NOW)).toBe(false);
    expect(isStale(weekly, ranWeeksAgo(2), NOW)).toBe(false);
    expect(isStale(weekly, ranWeeksAgo(3), NOW)).toBe(true);
  });

  it('judges a cron probe every 5 minutes by 15 minutes', () => {
    const often = probe('often', { every: undefined, cron: '*/5 * * * *' });
    expect(isStale(often, result(often, { startedAt: NOW - 14 * 60_000 }), NOW)).toBe(false);
    expect(isStale(often, result(often, { startedAt: NOW - 16 * 60_000 }), NOW)).toBe(true);
  });

  it('judges an office-hours probe by its own starts: a Friday evening run is stale on Monday morning', () => {
    const office = probe('buergerbuero', { every: undefined, cron: '*/5 7-18 * * 1-5' });
    // Friday 20 November, 18:55 in Berlin.
    const friday = result(office, { startedAt: Date.UTC(2026, 10, 20, 17, 55) });
    expect(isStale(office, friday, Date.UTC(2026, 10, 22, 12))).toBe(false);
    // 09:00 on Monday: two hours of runs are missing.
    expect(isStale(office, friday, NOW)).toBe(true);
  });
});

describe('isStale: from the end of the run', () => {
  it('counts three intervals from when the last run ended, as the alert does', () => {
    const journey = probe('long-journey', { every: '1m', timeout: '50s' });
    // Started 3½ minutes ago and took 45 s: it ended 2¾ minutes ago, within three intervals.
    const long = result(journey, { startedAt: NOW - 210_000, duration: 45 });
    expect(isStale(journey, long, NOW)).toBe(false);
    expect(isStale(journey, long, NOW + 20_000)).toBe(true);
  });
});

describe('isStale: a probe without any run', () => {
  it('counts from when it got its schedule, and is not stale without that time', () => {
    const fresh = probe('fresh', { every: '5m' });
    expect(isStale(fresh, undefined, NOW)).toBe(false);
    expect(isStale(fresh, undefined, NOW, NOW - 14 * 60_000)).toBe(false);
    expect(isStale(fresh, undefined, NOW, NOW - 16 * 60_000)).toBe(true);
    const disabled = probe('disabled', { every: '5m', enabled: false });
    expect(isStale(disabled, undefined, NOW, NOW - 16 * 60_000)).toBe(false);
  });
});
