/**
 * The soak's verdict on made-up series: a level daemon passes; each kind of leak the soak
 * promises to catch fails the check named after it, and only that one.
 */
import { describe, expect, it } from 'vitest';
import { judge, type SoakSample, type ScrapeSummary } from '../../bench/lib/soak-judge.ts';

const MIB = 2 ** 20;
const SECONDS = 600;

/** One sample every 5 s over ten minutes; `change` alters the sample at `t`. */
function series(change: (s: SoakSample, t: number) => void = () => undefined): SoakSample[] {
  const out: SoakSample[] = [];
  for (let t = 5; t <= SECONDS; t += 5) {
    // V8's saw-tooth: the heap climbs for 150 s, then a major GC takes it back.
    const heapUsed = (70 + ((t % 150) / 150) * 180) * MIB;
    const s: SoakSample = {
      t,
      rss: 380 * MIB,
      rssReported: 380 * MIB,
      heapUsed,
      heapTotal: 260 * MIB,
      external: 10 * MIB,
      fds: 36,
      chromiumProcesses: 7,
      chromiumPss: 230 * MIB,
      escapedProcesses: 0,
      zombies: 0,
      storeBytes: t * 100_000,
      walBytes: 4 * MIB,
      storedRuns: t * 100,
      pendingWrites: 3,
      droppedWrites: 0,
      artifactBytes: 0,
      artifactRuns: 0,
      runs: t * 100,
      skipped: 0,
      browserRestarts: 0,
      cpuSeconds: t * 0.2,
      machineCpuSeconds: t * 0.5,
      eventLoopLagP99: 0.01,
    };
    change(s, t);
    out.push(s);
  }
  return out;
}

const scrapes: ScrapeSummary = {
  scrapes: 600,
  failures: 0,
  p50Ms: 4,
  p99Ms: 11,
  maxMs: 30,
  seconds: SECONDS,
};
const end = { stopSeconds: 1, exitCode: 0, chromiumLeft: 0, totalSeconds: SECONDS };

const failed = (samples: SoakSample[], s = scrapes): string[] =>
  judge(samples, s, end)
    .checks.filter((c) => !c.ok)
    .map((c) => c.name);

describe('soak verdict', () => {
  it('passes a daemon that stays level, saw-tooth heap included', () => {
    const verdict = judge(series(), scrapes, end);
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it('fails on a live-heap leak, a file-descriptor leak and a growing WAL', () => {
    const heap = failed(series((s, t) => (s.heapUsed += t * 100_000)));
    expect(heap).toHaveLength(1);
    expect(heap[0]).toMatch(/heap/i);
    const fds = failed(series((s, t) => (s.fds += Math.floor(t / 30))));
    expect(fds).toHaveLength(1);
    expect(fds[0]).toMatch(/fd|file/i);
    const wal = failed(series((s, t) => (s.walBytes = t * 200_000)));
    expect(wal.some((name) => /wal/i.test(name))).toBe(true);
  });

  it('fails on a Chromium that outlives its browser, a dropped result and a failed scrape', () => {
    expect(failed(series((s, t) => (s.escapedProcesses = t > 300 ? 1 : 0)))).toHaveLength(1);
    expect(failed(series((s, t) => (s.droppedWrites = t > 400 ? 5 : 0)))).toHaveLength(1);
    expect(failed(series(), { ...scrapes, failures: 1 })).toHaveLength(1);
  });
});
