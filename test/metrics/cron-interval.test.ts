import { describe, expect, it } from 'vitest';
import { buildMetrics, has, NOW, probe, result, valueOf } from './helpers.ts';

const DAY = 86_400_000;
/** The weekly accessibility scan the docs suggest: Mondays at 03:00. */
const weekly = () => probe('portal-weekly', { every: undefined, cron: '0 3 * * 1' });
const LABELS = { probe: 'portal-weekly' };

describe('metrics: the interval of cron probes', () => {
  it('exports the longest gap between runs of the schedule', async () => {
    const metrics = buildMetrics();
    metrics.setProbes([
      weekly(),
      probe('quarterly', { every: undefined, cron: '0 3 1 1,4,7,10 *' }),
      probe('five-minutes', { every: undefined, cron: '*/5 * * * *' }),
    ]);
    const text = await metrics.render();
    expect(valueOf(text, 'ozgwatch_probe_interval_seconds', LABELS)).toBe(604_800);
    expect(valueOf(text, 'ozgwatch_probe_interval_seconds', { probe: 'quarterly' })).toBe(
      92 * 86_400,
    );
    expect(valueOf(text, 'ozgwatch_probe_interval_seconds', { probe: 'five-minutes' })).toBe(300);
  });

  it('after a restart, shows the last run of a weekly probe from 2 days ago: it still stands', async () => {
    const p = weekly();
    const metrics = buildMetrics();
    metrics.setProbes([p]);
    const last = result(p, { startedAt: NOW - 2 * DAY, status: 'fail', reportedStatus: 'fail' });
    metrics.seed(p, last);
    const text = await metrics.render();
    expect(valueOf(text, 'probe_success', LABELS)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_last_run_timestamp_seconds', LABELS)).toBe(
      (NOW - 2 * DAY + 250) / 1000,
    );
  });

  it('after a restart, leaves out a run older than the longest gap: the next one was due', async () => {
    const p = weekly();
    const metrics = buildMetrics();
    metrics.setProbes([p]);
    metrics.seed(p, result(p, { startedAt: NOW - 8 * DAY }));
    const text = await metrics.render();
    expect(has(text, 'probe_success', LABELS)).toBe(false);
    expect(has(text, 'ozgwatch_probe_last_run_timestamp_seconds', LABELS)).toBe(false);
  });
});

describe('metrics: when the last result goes stale', () => {
  const STALE = 'ozgwatch_probe_stale_after_timestamp_seconds';

  it('counts from the configuration before the first run, then from the run: the third scheduled start', async () => {
    // NOW is Monday 23 November 2026, 09:00 in Berlin.
    let now = NOW - 2 * 3_600_000;
    const office = probe('buergerbuero', { every: undefined, cron: '*/5 7-18 * * 1-5' });
    const metrics = buildMetrics(() => now);
    metrics.setProbes([office]);
    // Loaded at 07:00 (a restart, its stored result too old to stand): stale at 07:15 if no
    // run ever ends.
    expect(valueOf(await metrics.render(), STALE, { probe: 'buergerbuero' })).toBe(
      (NOW - 2 * 3_600_000 + 15 * 60_000) / 1000,
    );
    // A reload that changes nothing else keeps that.
    now = NOW - 3_600_000;
    metrics.setProbes([office]);
    expect(valueOf(await metrics.render(), STALE, { probe: 'buergerbuero' })).toBe(
      (NOW - 2 * 3_600_000 + 15 * 60_000) / 1000,
    );
    now = NOW;
    metrics.record(office, result(office, { startedAt: NOW - 1000 }));
    // Recorded at 09:00: 09:05 and 09:10 may be missed, 09:15 is the third start.
    expect(valueOf(await metrics.render(), STALE, { probe: 'buergerbuero' })).toBe(
      (NOW + 15 * 60_000) / 1000,
    );
  });

  it('a new schedule before the first run starts the wait afresh', async () => {
    let now = NOW;
    const metrics = buildMetrics(() => now);
    metrics.setProbes([probe('neu', { every: '1m' })]);
    expect(valueOf(await metrics.render(), STALE, { probe: 'neu' })).toBe((NOW + 180_000) / 1000);
    now = NOW + 120_000;
    metrics.setProbes([probe('neu', { every: '5m' })]);
    expect(valueOf(await metrics.render(), STALE, { probe: 'neu' })).toBe(
      (NOW + 120_000 + 900_000) / 1000,
    );
    expect(
      has(await metrics.render(), 'ozgwatch_probe_last_run_timestamp_seconds', { probe: 'neu' }),
    ).toBe(false);
  });

  it('follows a reload that changes the schedule, from the same last run', async () => {
    const metrics = buildMetrics();
    const p = weekly();
    metrics.setProbes([p]);
    metrics.record(p, result(p));
    // NOW is a Monday after 03:00: three weeks less six hours to the third Monday.
    expect(valueOf(await metrics.render(), STALE, LABELS)).toBe(
      (NOW + 21 * DAY - 6 * 3_600_000) / 1000,
    );
    metrics.setProbes([probe('portal-weekly', { every: '1m' })]);
    const text = await metrics.render();
    expect(valueOf(text, STALE, LABELS)).toBe((NOW + 3 * 60_000) / 1000);
    expect(valueOf(text, 'ozgwatch_probe_last_run_timestamp_seconds', LABELS)).toBe(NOW / 1000);
  });

  it('after a restart, counts from the end of the stored run', async () => {
    const p = probe('every-5', { every: '5m' });
    const metrics = buildMetrics();
    metrics.setProbes([p]);
    metrics.seed(p, result(p, { startedAt: NOW - 60_000, duration: 2 }));
    expect(valueOf(await metrics.render(), STALE, { probe: 'every-5' })).toBe(
      (NOW - 58_000 + 15 * 60_000) / 1000,
    );
  });
});
