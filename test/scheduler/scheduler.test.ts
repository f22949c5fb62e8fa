import { describe, expect, it } from 'vitest';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import { ManualClock } from '../../src/scheduler/clock.ts';
import { Scheduler, type SkipReason } from '../../src/scheduler/scheduler.ts';

function probe(id: string, fields: Record<string, unknown> = {}): Probe {
  return probeSchema.parse({
    id,
    name: id,
    kind: 'http',
    every: '1m',
    jitter: '0s',
    timeout: '10s',
    labels: { service: 'kfz' },
    http: { url: 'https://kfz.example.de/' },
    ...fields,
  });
}

interface World {
  clock: ManualClock;
  scheduler: Scheduler;
  starts: { id: string; at: number }[];
  skips: { id: string; reason: SkipReason }[];
  lags: number[];
  /** Resolves the run of a probe; runs stay "in flight" until then. */
  finish: (id: string) => Promise<void>;
}

function world(options: { random?: () => number; holdRuns?: boolean } = {}): World {
  const clock = new ManualClock();
  const starts: World['starts'] = [];
  const skips: World['skips'] = [];
  const lags: number[] = [];
  const pending = new Map<string, () => void>();
  const scheduler = new Scheduler({
    clock,
    random: options.random ?? (() => 0),
    dispatch: (p) => {
      starts.push({ id: p.id, at: clock.monotonic() });
      if (!options.holdRuns) return Promise.resolve();
      return new Promise<void>((resolve) => pending.set(p.id, resolve));
    },
    onSkip: (p, reason) => skips.push({ id: p.id, reason }),
    onLag: (s) => lags.push(s),
  });
  const finish = async (id: string): Promise<void> => {
    pending.get(id)?.();
    pending.delete(id);
    await new Promise((r) => setImmediate(r));
  };
  return { clock, scheduler, starts, skips, lags, finish };
}

describe('Scheduler', () => {
  it('spreads first runs over the interval with a random offset', async () => {
    let i = 0;
    const offsets = [0.1, 0.5, 0.9];
    const w = world({ random: () => offsets[i++ % 3] as number });
    w.scheduler.setProbes([probe('a'), probe('b'), probe('c')]);
    w.scheduler.start();
    await w.clock.advance(59_999);
    expect(w.starts).toEqual([
      { id: 'a', at: 6_000 },
      { id: 'b', at: 30_000 },
      { id: 'c', at: 54_000 },
    ]);
  });

  it('keeps interval runs on a fixed grid', async () => {
    const w = world({ random: () => 0.25 });
    w.scheduler.setProbes([probe('a')]);
    w.scheduler.start();
    await w.clock.advance(4 * 60_000);
    expect(w.starts.map((s) => s.at)).toEqual([15_000, 75_000, 135_000, 195_000]);
    expect(w.lags.every((l) => l === 0)).toBe(true);
  });

  it('adds jitter to each run within the configured bound', async () => {
    const values = [0, 0.5, 1 - 1e-9, 0.25];
    let i = 0;
    const w = world({ random: () => values[i++ % values.length] as number });
    w.scheduler.setProbes([probe('a', { jitter: '10s' })]);
    w.scheduler.start();
    await w.clock.advance(3 * 60_000 + 10_000);
    // first run at 0 (offset 0); then grid 60 s, 120 s, 180 s + jitter 5 s, ~10 s, 2.5 s
    expect(w.starts.map((s) => Math.round(s.at))).toEqual([0, 65_000, 130_000, 182_500]);
  });

  it('never starts a probe while its previous run is in flight, and counts the skip', async () => {
    const w = world({ holdRuns: true });
    w.scheduler.setProbes([probe('a')]);
    w.scheduler.start();
    await w.clock.advance(0);
    await w.clock.advance(2 * 60_000);
    expect(w.starts).toHaveLength(1);
    expect(w.skips).toEqual([
      { id: 'a', reason: 'overlap' },
      { id: 'a', reason: 'overlap' },
    ]);
    await w.finish('a');
    await w.clock.advance(60_000);
    expect(w.starts).toHaveLength(2);
  });

  it('keeps the timing of unchanged probes on reload, restarts changed ones, drops removed ones', async () => {
    const w = world({ random: () => 0.5 });
    w.scheduler.setProbes([probe('a'), probe('b')]);
    w.scheduler.start();
    const dueA = w.scheduler.nextDue('a');
    await w.clock.advance(10_000);
    w.scheduler.setProbes([probe('a', { name: 'renamed' }), probe('c', { every: '2m' })]);
    expect(w.scheduler.nextDue('a')).toBe(dueA);
    expect(w.scheduler.nextDue('b')).toBeUndefined();
    expect(w.scheduler.nextDue('c')).toBe(10_000 + 60_000);
    await w.clock.advance(3 * 60_000);
    expect(w.starts.some((s) => s.id === 'b')).toBe(false);
    expect(w.starts.filter((s) => s.id === 'a').map((s) => s.at)).toEqual([
      30_000, 90_000, 150_000,
    ]);
  });

  it('tells since when each probe has had its schedule: kept by a reload, restarted by a new one', async () => {
    const w = world();
    const start = w.clock.now();
    w.scheduler.setProbes([probe('a'), probe('b')]);
    await w.clock.advance(10_000);
    w.scheduler.setProbes([probe('a', { name: 'renamed' }), probe('b', { every: '2m' })]);
    expect(w.scheduler.scheduledSince('a')).toBe(start);
    expect(w.scheduler.scheduledSince('b')).toBe(start + 10_000);
    expect(w.scheduler.scheduledSince('c')).toBeUndefined();
  });

  it('does not schedule disabled probes', async () => {
    const w = world();
    w.scheduler.setProbes([probe('a', { enabled: false })]);
    w.scheduler.start();
    await w.clock.advance(5 * 60_000);
    expect(w.starts).toEqual([]);
    expect(w.clock.pendingTimers()).toBe(0);
  });

  it('runs cron probes when the expression matches in Europe/Berlin', async () => {
    const w = world();
    // 2026-11-23 08:00 UTC is 09:00 in Berlin (CET).
    w.scheduler.setProbes([probe('a', { every: undefined, cron: '30 9 * * *', timeout: '10s' })]);
    w.scheduler.start();
    await w.clock.advance(2 * 86_400_000);
    const walls = w.starts.map((s) => new Date(Date.UTC(2026, 10, 23, 8) + s.at).toISOString());
    expect(walls).toEqual(['2026-11-23T08:30:00.000Z', '2026-11-24T08:30:00.000Z']);
  });

  it('is immune to wall-clock jumps: no burst forward, no pause backward', async () => {
    const w = world();
    w.scheduler.setProbes([probe('a')]);
    w.scheduler.start();
    await w.clock.advance(0);
    w.clock.jump(3_600_000);
    await w.clock.advance(60_000);
    w.clock.jump(-7_200_000);
    await w.clock.advance(60_000);
    expect(w.starts.map((s) => s.at)).toEqual([0, 60_000, 120_000]);
  });

  it('skips missed grid points after a stall instead of catching up', async () => {
    const w = world();
    w.scheduler.setProbes([probe('a')]);
    w.scheduler.start();
    await w.clock.advance(0);
    w.scheduler.stop();
    await w.clock.advance(5 * 60_000 + 1_000);
    w.scheduler.start();
    await w.clock.advance(0);
    expect(w.starts.map((s) => s.at)).toEqual([0, 301_000]);
    // Late by the whole stall since the due grid point at 60 s.
    expect(w.lags.at(-1)).toBeCloseTo(241, 3);
    await w.clock.advance(59_000);
    expect(w.starts.map((s) => s.at)).toEqual([0, 301_000, 360_000]);
  });

  it('stops dispatching after stop()', async () => {
    const w = world();
    w.scheduler.setProbes([probe('a')]);
    w.scheduler.start();
    await w.clock.advance(0);
    w.scheduler.stop();
    await w.clock.advance(10 * 60_000);
    expect(w.starts).toHaveLength(1);
  });
});
