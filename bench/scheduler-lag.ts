/**
 * Scheduler lag with 5,000 HTTP probes due every minute, running for real against the
 * target (runner, store and metrics included): how late does each run start?
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { checkerFor } from '../src/checkers/registry.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { probeSchema, type Probe } from '../src/probes/schema.ts';
import { FlapDamper } from '../src/runner/flap-damper.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';
import { Runner } from '../src/runner/runner.ts';
import { systemClock } from '../src/scheduler/clock.ts';
import { Pool } from '../src/scheduler/pool.ts';
import { Scheduler } from '../src/scheduler/scheduler.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { percentile } from './lib/proc.ts';

export interface LagFigures {
  probes: number;
  seconds: number;
  runs: number;
  skipped: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  maxRssMb: number;
}

export async function schedulerLag(
  url: string,
  probesCount: number,
  seconds: number,
): Promise<LagFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-lag-'));
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore({ path: path.join(dir, 'lag.db'), logger });
  const metrics = createMetrics({ registry: new Registry(), version: 'bench' });
  const probes: Probe[] = Array.from({ length: probesCount }, (_, i) =>
    probeSchema.parse({
      id: `lag-${i}`,
      name: `Lag ${i}`,
      kind: 'http',
      every: '1m',
      timeout: '10s',
      labels: { service: 'bench', county: `county-${i % 35}` },
      http: { url },
    }),
  );
  metrics.setProbes(probes);
  const runner = new Runner({
    checkerFor,
    clock: systemClock,
    logger,
    userAgent: 'ozgwatch-bench',
    hosts: new HostLimiter(16),
    flap: new FlapDamper(),
    sinks: [
      { name: 'store', record: (_p, r) => store.save(r) },
      { name: 'metrics', record: (p, r) => metrics.record(p, r) },
    ],
    maintenance: () => undefined,
  });
  const pool = new Pool('http', 256);
  const lags: number[] = [];
  let runs = 0;
  let skipped = 0;
  let maxRss = 0;
  const scheduler = new Scheduler({
    clock: systemClock,
    dispatch: (probe) =>
      pool.run(async () => {
        await runner.run(probe);
        runs++;
      }),
    onLag: (s) => lags.push(s * 1000),
    onSkip: () => skipped++,
  });
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 500);
  try {
    scheduler.setProbes(probes);
    scheduler.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    scheduler.stop();
    // Let the runs in flight end before closing the store.
    while (scheduler.inFlight() > 0) await new Promise((r) => setTimeout(r, 50));
  } finally {
    clearInterval(sampler);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    probes: probesCount,
    seconds,
    runs,
    skipped,
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    lagMaxMs: Math.max(...lags),
    maxRssMb: maxRss / 2 ** 20,
  };
}
