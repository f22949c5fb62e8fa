import { describe, expect, it } from 'vitest';
import { isStale } from '../../src/server/models.ts';
import { NOW, probe, result } from '../metrics/helpers.ts';

const DAY = 86_400_000;

describe('isStale: cron probes', () => {
  it('judges a weekly cron probe by three weeks, as OzgwatchStaleResults does', () => {
    const weekly = probe('portal-weekly', { every: undefined, cron: '0 3 * * 1' });
    const ranDaysAgo = (days: number) => result(weekly, { startedAt: NOW - days * DAY });
    expect(isStale(weekly, ranDaysAgo(3), NOW)).toBe(false);
    expect(isStale(weekly, ranDaysAgo(20), NOW)).toBe(false);
    expect(isStale(weekly, ranDaysAgo(22), NOW)).toBe(true);
  });

  it('judges a cron probe every 5 minutes by 15 minutes', () => {
    const often = probe('often', { every: undefined, cron: '*/5 * * * *' });
    expect(isStale(often, result(often, { startedAt: NOW - 14 * 60_000 }), NOW)).toBe(false);
    expect(isStale(often, result(often, { startedAt: NOW - 16 * 60_000 }), NOW)).toBe(true);
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
