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
