/**
 * Scale: 20,000 HTTP probes (every minute) and 200 browser journeys (every 10 minutes) are
 * defined; one daemon — the real one, `startDaemon` — runs shard 0 of N of them against
 * the bench target (HTTP) and the county portal (journeys), both in processes of their own.
 * Measured over the window: scheduler lag of every run, skipped runs, runs by kind, CPU of
 * the daemon and its Chromium, peak RSS.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { configSchema } from '../src/config/config.ts';
import { startDaemon } from '../src/main.ts';
import { defaultJitter } from '../src/scheduler/scheduler.ts';
import { percentile } from './lib/proc.ts';

export const HTTP_PROBES = 20_000;
export const JOURNEYS = 200;

export interface ScaleFigures {
  shards: number;
  /** `every` of the HTTP probes. */
  httpEvery: string;
  /** HTTP probes this instance ran (its share). */
  httpProbes: number;
  journeyProbes: number;
  /** The same load as HTTP probes due once a minute. */
  httpPerMinuteEquivalent: number;
  seconds: number;
  httpRuns: number;
  /** HTTP runs made since the probes were loaded, and those due by then. */
  httpMade: number;
  httpDue: number;
  journeyRuns: number;
  skipped: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** CPU seconds of the daemon and every Chromium process, per second of the window. */
  cpuCores: number;
  maxRssMb: number;
  sustained: boolean;
}

function probesYaml(target: string, portal: string, httpEvery: string): string {
  const lines: string[] = [];
  for (let i = 0; i < HTTP_PROBES; i++) {
    // 1,100 municipalities × ~20 services, as in Baden-Württemberg.
    const municipality = i % 1_100;
    lines.push(
      `- id: gemeinde-${municipality}-leistung-${Math.floor(i / 1_100)}`,
      `  name: Leistung ${i}`,
      `  kind: http`,
      `  every: ${httpEvery}`,
      `  timeout: 10s`,
      `  labels: { service: leistung-${Math.floor(i / 1_100)}, county: kreis-${municipality % 35} }`,
      `  http: { url: "${target}?p=${i}" }`,
    );
  }
  for (let i = 0; i < JOURNEYS; i++) {
    lines.push(
      `- id: wohngeld-journey-${i}`,
      `  name: Wohngeld ${i}`,
      `  kind: browser`,
      `  every: 10m`,
      `  timeout: 60s`,
      `  labels: { service: wohngeld, county: kreis-${i % 35} }`,
      `  browser:`,
      `    steps:`,
      `      - { name: start, goto: "${portal}dienste/wohngeld/" }`,
      `      - { name: antrag-oeffnen, click: { role: link, name: Online beantragen } }`,
      `      - { name: formular, expectText: Schritt 1 von 2 }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** utime, stime, cutime, cstime of this process in seconds (children: those reaped). */
async function treeCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

export async function scaleStep(
  target: string,
  portal: string,
  shards: number,
  httpEvery: string,
  seconds: number,
): Promise<ScaleFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-scale-'));
  await mkdir(path.join(dir, 'probes'));
  await writeFile(path.join(dir, 'probes', 'bw.yaml'), probesYaml(target, portal, httpEvery));
  const config = {
    ...configSchema.parse({
      probes: path.join(dir, 'probes'),
      dataDir: path.join(dir, 'data'),
      shard: `0/${shards}`,
      // One target host stands for 20,000 services: the per-host limit (2 by default, to be
      // gentle with one real service) would make this a test of that limit.
      concurrency: { perHost: 256, global: 256 },
    }),
    server: { host: '127.0.0.1', port: 0 },
    watch: false,
  };
  const daemon = await startDaemon(config, { logger: pino({ level: 'silent' }) });
  const lags: number[] = [];
  let skipped = 0;
  const runs = { http: 0, browser: 0 };
  // The daemon's own hooks, observed: the same numbers its metrics get, but every one.
  const { metrics } = daemon;
  const observe = metrics.observeSchedulerLag.bind(metrics);
  const skip = metrics.runSkipped.bind(metrics);
  const finished = metrics.runFinished.bind(metrics);
  Object.assign(metrics, {
    observeSchedulerLag: (s: number) => (lags.push(s), observe(s)),
    runSkipped: (reason: string) => (skipped++, skip(reason)),
    runFinished: (kind: string) => {
      if (kind === 'http' || kind === 'browser') runs[kind]++;
      finished(kind);
    },
  });
  const assigned = daemon.active()?.assigned ?? [];
  const cpuStart = await treeCpuSeconds();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const result = { lags: [...lags], skipped, runs: { ...runs } };
  // Runs due and made since the probes were loaded (the scheduler's start), including those
  // before the window: the daemon's own per-probe counters.
  const sinceLoad = (Date.now() - (daemon.active()?.loadedAt ?? Date.now())) / 1000;
  let httpMade = 0;
  for (const m of (await metrics.render()).matchAll(
    /^ozgwatch_probe_runs_total\{probe="gemeinde-[^"]*"[^}]*\} (\d+)$/gm,
  )) {
    httpMade += Number(m[1]);
  }
  await daemon.stop();
  const cpu = (await treeCpuSeconds()) - cpuStart;
  await rm(dir, { recursive: true, force: true });

  const httpProbes = assigned.filter((p) => p.kind === 'http').length;
  const everySeconds = Number(/^(\d+)s$/.exec(httpEvery)?.[1] ?? 60);
  // First runs fall evenly over the first interval; later ones at their grid point plus a
  // random jitter of up to a tenth of the interval (defaultJitter), half of it on average.
  const jitter = defaultJitter(everySeconds * 1000) / 1000;
  const due =
    (httpProbes * (sinceLoad > everySeconds ? sinceLoad - jitter / 2 : sinceLoad)) / everySeconds;
  const ms = result.lags.map((s) => s * 1000);
  const lagP99Ms = percentile(ms, 99);
  return {
    shards,
    httpEvery,
    httpProbes,
    journeyProbes: assigned.length - httpProbes,
    httpPerMinuteEquivalent: Math.round((httpProbes * 60) / everySeconds),
    seconds: elapsed,
    httpRuns: result.runs.http,
    httpMade,
    httpDue: Math.round(due),
    journeyRuns: result.runs.browser,
    skipped: result.skipped,
    lagP50Ms: percentile(ms, 50),
    lagP99Ms,
    lagMaxMs: Math.max(0, ...ms),
    cpuCores: cpu / elapsed,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    // Lag is taken when the scheduler hands a run to the pools; runs that then wait for a
    // slot show as fewer runs than due, so both must hold.
    sustained: lagP99Ms < 1000 && result.skipped === 0 && httpMade >= 0.97 * due,
  };
}
