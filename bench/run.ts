/**
 * `npm run bench`: ozgwatch's performance figures on this machine, printed as a table
 * and written to bench/results/latest.json.
 *
 * Environment knobs (defaults are the documented figures):
 *   BENCH_SECONDS      seconds per throughput measurement      (10)
 *   BENCH_CONCURRENCY  runs in flight during throughput        (32)
 *   BENCH_LAG_SECONDS  how long the 5,000-probe schedule runs  (75; ≥ 60 covers every probe once)
 *   BENCH_ONLY         comma list: throughput,lag,scrape
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  blackboxAvailable,
  blackboxThroughput,
  ozgwatchThroughput,
  startTarget,
  type ThroughputFigures,
} from './http-throughput.ts';
import { metricsScrape } from './metrics-scrape.ts';
import { schedulerLag } from './scheduler-lag.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const lagSeconds = Number(process.env.BENCH_LAG_SECONDS ?? 75);
const only = new Set((process.env.BENCH_ONLY ?? 'throughput,lag,scrape').split(','));
const MAX_RUNS = 200_000;

const out: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
};
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2): string => n.toFixed(digits);

const target = await startTarget();
try {
  if (only.has('throughput')) {
    log(
      `HTTP probe throughput: ${seconds} s each, ${concurrency} in flight, target ${target.url} (separate process)`,
    );
    const ours = await ozgwatchThroughput(target.url, { concurrency, seconds, maxRuns: MAX_RUNS });
    let theirs: ThroughputFigures | undefined;
    if (blackboxAvailable())
      theirs = await blackboxThroughput(target.url, { concurrency, seconds, maxRuns: MAX_RUNS });
    else
      log(
        '  blackbox_exporter not installed (apt-get install prometheus-blackbox-exporter): no comparison',
      );
    const row = (name: string, f: ThroughputFigures): string =>
      `| ${name} | ${f.runs} | ${fmt(f.runsPerSecond, 0)} | ${fmt(f.cpuMsPerRun, 3)} | ${f.failed} |`;
    log('| prober | runs | runs/s | CPU ms/run | failed |');
    log('|---|---:|---:|---:|---:|');
    log(row('ozgwatch (run + store + metrics)', ours));
    if (theirs) log(row('blackbox_exporter /probe', theirs));
    if (theirs) {
      log(
        `  ratio ozgwatch/blackbox: throughput ${fmt(ours.runsPerSecond / theirs.runsPerSecond)}×, CPU per run ${fmt(ours.cpuMsPerRun / theirs.cpuMsPerRun)}× (lower is better)`,
      );
    }
    out.throughput = { ozgwatch: ours, blackbox: theirs ?? null, concurrency, seconds };
  }

  if (only.has('lag')) {
    log(`\nScheduler lag: 5,000 probes every 1m, real runs, ${lagSeconds} s`);
    const lag = await schedulerLag(target.url, 5000, lagSeconds);
    log(
      `  runs ${lag.runs}, skipped ${lag.skipped}, lag p50 ${fmt(lag.lagP50Ms)} ms, p99 ${fmt(lag.lagP99Ms)} ms, max ${fmt(lag.lagMaxMs)} ms, max RSS ${fmt(lag.maxRssMb, 0)} MB`,
    );
    out.schedulerLag = lag;
  }

  if (only.has('scrape')) {
    log('\n/metrics with 10,000 probes (results arriving meanwhile)');
    const scrape = await metricsScrape(10_000, 30);
    log(
      `  ${scrape.series} series, ${fmt(scrape.bytes / 2 ** 20, 1)} MiB; scrape p50 ${fmt(scrape.p50Ms, 1)} ms, p99 ${fmt(scrape.p99Ms, 1)} ms; RSS ${fmt(scrape.rssMb, 0)} MB`,
    );
    out.scrape = scrape;
  }
} finally {
  await target.stop();
}

out.maxRssMb = process.resourceUsage().maxRSS / 1024;
log(`\nmax RSS of the benchmark process: ${fmt(out.maxRssMb as number, 0)} MB`);
const file = path.join(import.meta.dirname, 'results', 'latest.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
log(`figures written to ${path.relative(process.cwd(), file)}`);
