/**
 * HTTP probe throughput and CPU per run: ozgwatch's whole pipeline (fresh connection,
 * all phases, result stored in SQLite, metrics updated) against blackbox_exporter's
 * /probe endpoint, on the same target, in the same benchmark run.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Pool as HttpPool } from 'undici';
import { checkerFor } from '../src/checkers/registry.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { probeSchema, type Probe } from '../src/probes/schema.ts';
import { FlapDamper } from '../src/runner/flap-damper.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';
import { Runner } from '../src/runner/runner.ts';
import { systemClock } from '../src/scheduler/clock.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { freePort, ownCpuSeconds, processCpuSeconds, startChild, stopChild } from './lib/proc.ts';

export interface ThroughputFigures {
  runs: number;
  seconds: number;
  runsPerSecond: number;
  cpuMsPerRun: number;
  failed: number;
}

export interface ThroughputOptions {
  concurrency: number;
  seconds: number;
  /** Upper bound on runs, whatever the time. */
  maxRuns: number;
}

/** Probes spread over many ids, as a daemon would have them (series per probe). */
function benchProbes(url: string, count: number): Probe[] {
  return Array.from({ length: count }, (_, i) =>
    probeSchema.parse({
      id: `bench-${i}`,
      name: `Bench ${i}`,
      kind: 'http',
      every: '1m',
      timeout: '5s',
      labels: { service: 'bench', county: `county-${i % 35}` },
      http: { url, expect: { status: [200], bodyContains: ['Online-Antrag'] } },
    }),
  );
}

export async function ozgwatchThroughput(
  url: string,
  o: ThroughputOptions,
): Promise<ThroughputFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-'));
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore({ path: path.join(dir, 'bench.db'), logger });
  const metrics = createMetrics({ registry: new Registry(), version: 'bench' });
  const probes = benchProbes(url, 1000);
  metrics.setProbes(probes);
  const runner = new Runner({
    checkerFor,
    clock: systemClock,
    logger,
    userAgent: 'ozgwatch-bench',
    // All bench probes hit one host; the per-host limit is raised to the bench concurrency.
    hosts: new HostLimiter(o.concurrency),
    flap: new FlapDamper(),
    sinks: [
      { name: 'store', record: (_p, r) => store.save(r) },
      { name: 'metrics', record: (p, r) => metrics.record(p, r) },
    ],
    maintenance: () => undefined,
  });
  try {
    // Warm-up: JIT, SQLite pages, connection paths.
    await drive(o.concurrency, 1, 2000, async (i) => {
      await runner.run(probes[i % probes.length] as Probe);
    });
    await store.flush();
    let failed = 0;
    const cpu0 = ownCpuSeconds();
    const t0 = performance.now();
    const runs = await drive(o.concurrency, o.seconds, o.maxRuns, async (i) => {
      const r = await runner.run(probes[i % probes.length] as Probe);
      if (r.status !== 'pass') failed++;
    });
    await store.flush();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = ownCpuSeconds() - cpu0;
    return {
      runs,
      seconds,
      runsPerSecond: runs / seconds,
      cpuMsPerRun: (cpu * 1000) / runs,
      failed,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

export function blackboxAvailable(): boolean {
  return existsSync(BLACKBOX);
}

export async function blackboxThroughput(
  url: string,
  o: ThroughputOptions,
): Promise<ThroughputFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-bb-'));
  const config = path.join(dir, 'blackbox.yml');
  // The same expectations as the ozgwatch probes: status 200 and a body match.
  await writeFile(
    config,
    `modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ["Online-Antrag"]
`,
  );
  const port = await freePort();
  const { child } = await startChild(
    BLACKBOX,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'],
    /Listening on/,
    10_000,
  );
  const client = new HttpPool(`http://127.0.0.1:${port}`, { connections: o.concurrency });
  const probePath = `/probe?module=http_2xx&target=${encodeURIComponent(url)}`;
  const one = async (): Promise<boolean> => {
    const res = await client.request({ path: probePath, method: 'GET' });
    const text = await res.body.text();
    return /^probe_success 1$/m.test(text);
  };
  try {
    await drive(o.concurrency, 1, 2000, async () => {
      await one();
    });
    let failed = 0;
    const pid = child.pid as number;
    const cpu0 = processCpuSeconds(pid);
    const t0 = performance.now();
    const runs = await drive(o.concurrency, o.seconds, o.maxRuns, async () => {
      if (!(await one())) failed++;
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = processCpuSeconds(pid) - cpu0;
    return {
      runs,
      seconds,
      runsPerSecond: runs / seconds,
      cpuMsPerRun: (cpu * 1000) / runs,
      failed,
    };
  } finally {
    await client.close();
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `task` from `concurrency` workers until `seconds` pass or `maxRuns` started. */
async function drive(
  concurrency: number,
  seconds: number,
  maxRuns: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < maxRuns && performance.now() < end) {
      await task(started++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return started;
}

export async function startTarget(): Promise<{
  url: string;
  pid: number;
  stop: () => Promise<void>;
}> {
  const { child, match } = await startChild(
    process.execPath,
    [path.join(import.meta.dirname, 'target-server.ts')],
    /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
  );
  return { url: match[1] as string, pid: child.pid as number, stop: () => stopChild(child) };
}
