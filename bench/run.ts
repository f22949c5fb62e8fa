/**
 * `npm run bench`: ozgwatch's performance figures on this machine, printed as a table
 * and written to bench/results/latest.json. Each section runs in a fresh process
 * (bench/section.ts) against one target server, itself a separate process.
 *
 * Environment knobs (defaults are the documented figures):
 *   BENCH_SECONDS      seconds per throughput measurement      (10)
 *   BENCH_CONCURRENCY  runs in flight during throughput        (32)
 *   BENCH_LAG_SECONDS  how long the 5,000-probe schedule runs  (75; ≥ 60 covers every probe once)
 *   BENCH_JOURNEY_SECONDS seconds per journey measurement      (20; per mode and concurrency)
 *   BENCH_CHROMIUM     Chromium for the journey section        (the daemon's choice)
 *   BENCH_ONLY         comma list: throughput,lag,scrape,journeys,a11y,media-breaks,report,scale
 *   BENCH_REPORT_SERVICES services in the quarterly report's store (200)
 *   BENCH_MEDIA_SCANS  media-break scans measured                (15)
 *   BENCH_SCALE_SECONDS seconds per step of the scale section      (70; the first 10 not measured)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTarget, type ThroughputFigures } from './http-throughput.ts';
import type { ScrapeFigures } from './metrics-scrape.ts';
import { a11yThroughput, type ScanRun } from './a11y-scan.ts';
import type { MediaBreakFigures } from './media-breaks.ts';
import {
  JOURNEY_MODES,
  type BrowserCosts,
  type JourneyFigures,
  type JourneyMode,
} from './browser-journeys.ts';
import type { DaemonReportFigures, ReportFigures, SeedFigures } from './report.ts';
import { processRssBytes, startChild, stopChild } from './lib/proc.ts';
import { durationMs } from '../src/probes/duration.ts';
import { treeMemoryBytes } from '../src/runner/process-tree.ts';
import { DAEMON_V8_FLAGS } from './lib/daemon-flags.ts';
import type { LagFigures } from './scheduler-lag.ts';
import {
  CRITERIA,
  HTTP_PROBES,
  JOURNEYS,
  shardShares,
  WARMUP_SECONDS,
  memoryPeaks,
  type MemorySample,
  type ScaleFigures,
  type ScaleStep,
} from './scale.ts';

const execFileAsync = promisify(execFile);
const only = new Set(
  (process.env.BENCH_ONLY ?? 'throughput,lag,scrape,journeys,a11y,media-breaks,report,scale').split(
    ',',
  ),
);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

const out: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
};
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function section<T>(
  name: string,
  url: string,
  env: Record<string, string> = {},
  samples?: MemorySample[],
  sampleEveryMs = 3000,
): Promise<{ figures: T; maxRssMb: number }> {
  const running = execFileAsync(
    process.execPath,
    // The daemon's own V8 setting (see package.json "start"): the figures are those of the daemon as shipped.
    [...DAEMON_V8_FLAGS, path.join(import.meta.dirname, 'section.ts'), name, url],
    // Bounded: no section may run away with the machine.
    { timeout: 10 * 60_000, maxBuffer: 16 * 2 ** 20, env: { ...process.env, ...env } },
  );
  // Memory of the section and its Chromium, read from here: in the section it would be lag.
  const pid = running.child.pid;
  const sampler =
    samples && pid
      ? setInterval(() => {
          samples.push({
            at: Date.now(),
            rss: processRssBytes(pid),
            pss: treeMemoryBytes(pid, 'smaps_rollup', 'Pss'),
          });
        }, sampleEveryMs)
      : undefined;
  try {
    const { stdout } = await running;
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { figures: T; maxRssMb: number };
  } finally {
    clearInterval(sampler);
  }
}

const target = await startTarget();
try {
  if (only.has('throughput')) {
    log(
      `HTTP probe throughput: ${seconds} s each, ${concurrency} in flight, target ${target.url} (separate process)`,
    );
    const ours = await section<ThroughputFigures>('throughput', target.url);
    const theirs = await section<ThroughputFigures | null>('blackbox', target.url);
    if (!theirs.figures)
      log(
        '  blackbox_exporter not installed (apt-get install prometheus-blackbox-exporter): no comparison',
      );
    const row = (name: string, f: ThroughputFigures, rss?: number): string =>
      `| ${name} | ${f.runs} | ${fmt(f.runsPerSecond, 0)} | ${fmt(f.cpuMsPerRun, 3)} | ${f.failed} | ${rss === undefined ? '–' : fmt(rss, 0)} |`;
    log('| prober | runs | runs/s | CPU ms/run | failed | max RSS MB |');
    log('|---|---:|---:|---:|---:|---:|');
    log(row('ozgwatch (run + store + metrics)', ours.figures, ours.maxRssMb));
    if (theirs.figures) {
      log(row('blackbox_exporter /probe', theirs.figures));
      log(
        `  ratio ozgwatch/blackbox: throughput ${fmt(ours.figures.runsPerSecond / theirs.figures.runsPerSecond)}×, CPU per run ${fmt(ours.figures.cpuMsPerRun / theirs.figures.cpuMsPerRun)}× (lower is better)`,
      );
    }
    out.throughput = {
      ozgwatch: ours.figures,
      ozgwatchMaxRssMb: ours.maxRssMb,
      blackbox: theirs.figures,
      concurrency,
      seconds,
    };
  }

  if (only.has('lag')) {
    log('\nScheduler lag: 5,000 probes every 1m, real runs (store + metrics), own process');
    const { figures: lag, maxRssMb } = await section<LagFigures>('lag', target.url);
    log(
      `  ${lag.seconds} s: runs ${lag.runs}, skipped ${lag.skipped}, lag p50 ${fmt(lag.lagP50Ms)} ms, p99 ${fmt(lag.lagP99Ms)} ms, max ${fmt(lag.lagMaxMs)} ms; max RSS ${fmt(maxRssMb, 0)} MB`,
    );
    out.schedulerLag = { ...lag, maxRssMb };
  }

  if (only.has('scrape')) {
    log('\n/metrics with 10,000 probes (results arriving meanwhile; scraper in its own process)');
    const { figures: scrape, maxRssMb } = await section<ScrapeFigures>('scrape', target.url);
    log(
      `  ${scrape.series} series, ${fmt(scrape.bytes / 2 ** 20, 1)} MiB; ${scrape.scrapes} scrapes: p50 ${fmt(scrape.p50Ms, 1)} ms, p99 ${fmt(scrape.p99Ms, 1)} ms; max RSS ${fmt(maxRssMb, 0)} MB`,
    );
    out.scrape = { ...scrape, maxRssMb };
  }
  if (only.has('journeys')) {
    const portal = await startChild(
      process.execPath,
      [path.join(import.meta.dirname, 'portal-server.ts')],
      /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
    );
    try {
      const url = portal.match[1] as string;
      log(
        `\nBrowser journeys (3 steps, county portal in its own process): shared browser vs. a browser per run`,
      );
      const costs = (await section<BrowserCosts>('browser-costs', url)).figures;
      log(
        `  ${costs.executable}: launch + close ${fmt(costs.launchCloseMs, 0)} ms, ${fmt(costs.launchCloseCpuS, 3)} CPU-s; a fresh context + page + close ${fmt(costs.contextMs, 0)} ms, ${fmt(costs.contextCpuS, 3)} CPU-s`,
      );
      out.browserCosts = costs;
      const journeySeconds = Number(process.env.BENCH_JOURNEY_SECONDS ?? 20);
      const figures: (JourneyFigures & { peakPssMb: number })[] = [];
      for (const concurrency of [1, 2, 4]) {
        // Each mode runs twice for half the time, in mirrored order (shared, per-run, plain-shared,
        // plain-per-run, then back): a VM whose speed drifts during the measurement (seen here:
        // ±15 % within minutes) then weighs on all modes alike instead of on whichever ran later.
        for (const mode of [...JOURNEY_MODES, ...[...JOURNEY_MODES].reverse()]) {
          const samples: MemorySample[] = [];
          const part = await section<JourneyFigures>(
            'journeys',
            url,
            {
              BENCH_JOURNEY_MODE: mode,
              BENCH_JOURNEY_CONTEXTS: String(concurrency),
              BENCH_JOURNEY_SECONDS: String(journeySeconds / 2),
            },
            samples,
            500,
          );
          const peakPssMb = Math.max(0, ...samples.map((m) => m.pss)) / 2 ** 20;
          const sum = figures.find((f) => f.mode === mode && f.concurrency === concurrency);
          if (!sum) {
            figures.push({ ...part.figures, peakPssMb });
            continue;
          }
          sum.runs += part.figures.runs;
          sum.failed += part.figures.failed;
          sum.seconds += part.figures.seconds;
          sum.journeysPerMinute = (sum.runs / sum.seconds) * 60;
          sum.peakPssMb = Math.max(sum.peakPssMb, peakPssMb);
        }
      }
      const of = (mode: JourneyMode): (JourneyFigures & { peakPssMb: number })[] =>
        figures.filter((f) => f.mode === mode);
      log('| mode | contexts | runs | failed | journeys/min | peak PSS MB (Node + Chromium) |');
      log('|---|---:|---:|---:|---:|---:|');
      for (const mode of JOURNEY_MODES) {
        for (const f of of(mode)) {
          log(
            `| ${f.mode} | ${f.concurrency} | ${f.runs} | ${f.failed} | ${fmt(f.journeysPerMinute, 0)} | ${fmt(f.peakPssMb, 0)} |`,
          );
        }
      }
      const ratio = (shared: JourneyMode, perRun: JourneyMode, concurrency: number): string => {
        const a = of(shared).find((f) => f.concurrency === concurrency);
        const b = of(perRun).find((f) => f.concurrency === concurrency);
        return a && b ? `${fmt(a.journeysPerMinute / b.journeysPerMinute)}×` : '–';
      };
      for (const concurrency of [1, 2, 4]) {
        log(
          `  ${concurrency} context(s): shared browser ${ratio('shared', 'per-run', concurrency)} the journeys per minute of a browser per run; plain Playwright, nothing of a daemon run, ${ratio('plain-shared', 'plain-per-run', concurrency)}`,
        );
      }
      out.journeys = {
        shared: of('shared'),
        perRun: of('per-run'),
        plainShared: of('plain-shared'),
        plainPerRun: of('plain-per-run'),
      };
    } finally {
      await stopChild(portal.child);
    }
  }
  if (only.has('media-breaks')) {
    const portal = await startChild(
      process.execPath,
      [path.join(import.meta.dirname, 'portal-server.ts')],
      /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
    );
    try {
      const { figures: f } = await section<MediaBreakFigures>(
        'media-breaks',
        portal.match[1] as string,
      );
      log(
        `\nMedia-break scan of a typical service page (corpus case ${f.page}: ${f.pathSteps} application page(s) followed, ${f.documents} document(s)), browser running`,
      );
      log(
        `  ${f.scans} scans: median ${fmt(f.medianSeconds, 2)} s, p90 ${fmt(f.p90Seconds, 2)} s (target < 3 s); breaks found: ${f.breaks.join(', ') || 'none'}`,
      );
      out.mediaBreaks = f;
    } finally {
      await stopChild(portal.child);
    }
  }
  if (only.has('report')) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ozgwatch-bench-report-'));
    try {
      const file = path.join(dir, 'ozgwatch.db');
      const { figures: seed } = await section<SeedFigures>('report-seed', file);
      const { figures: r, maxRssMb } = await section<ReportFigures>('report', file);
      const { figures: d } = await section<DaemonReportFigures>('report-daemon', file);
      log(
        `\nQuarterly report: ${seed.services} services, ${seed.runs} runs in the quarter (hourly HTTP, daily scans; seeded in ${fmt(seed.seconds, 0)} s)`,
      );
      log(
        `  HTML+CSV+JSON ${fmt(r.seconds, 1)} s (target < 30 s), max RSS ${fmt(maxRssMb, 0)} MB (target < 1024); ${r.findings} findings in the appendix, HTML ${fmt(r.htmlMb, 1)} MB`,
      );
      log(
        `  PDF printed by Chromium in ${fmt(r.pdfSeconds, 1)} s (${fmt(r.pdfMb, 1)} MB; Chromium's memory is its own process)`,
      );
      log(
        `  event loop held ${fmt(r.stallMs, 0)} ms at most on the thread that makes it; through the daemon's /reports (worker thread, ${fmt(d.seconds, 1)} s) ${fmt(d.stallMs, 0)} ms`,
      );
      out.report = { seed, ...r, maxRssMb, daemon: d };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (only.has('scale')) {
    const portal = await startChild(
      process.execPath,
      [path.join(import.meta.dirname, 'portal-server.ts')],
      /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
    );
    try {
      const scaleSeconds = Number(process.env.BENCH_SCALE_SECONDS ?? 70);
      log(
        `\nScale: ${HTTP_PROBES} HTTP probes (1m) and ${JOURNEYS} journeys (10m) defined; one daemon runs shard 0/N; ${scaleSeconds} s per step, the first ${fmt(Math.min(WARMUP_SECONDS, scaleSeconds / 5), 0)} s (and until the first journey ran) not measured`,
      );
      const shares = shardShares([2, 4, 8, 16]);
      for (const s of shares) {
        log(
          `  ${s.shards} shards: each instance ${fmt(s.minShare * 100, 1)}–${fmt(s.maxShare * 100, 1)} % of the probes (ideal ${fmt(100 / s.shards, 1)} %); adding one moves ${fmt(s.movedToNext * 100, 1)} % (ideal ${fmt(100 / (s.shards + 1), 1)} %)`,
        );
      }
      log(
        '| shards | HTTP every | HTTP probes | ≙ at 1/min | HTTP runs/s | journeys | journeys due/min | started/min | skipped | lag p50 / p99 / max ms | HTTP start delay p99 ms | journey start delay p99 s | CPU daemon | CPU Chromium | CPU servers | CPU others | RSS MB | PSS MB | sustained |',
      );
      log(
        '|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      );
      const steps: (ScaleFigures & ReturnType<typeof memoryPeaks> & { maxRssMb: number })[] = [];
      const step = async (
        shards: number,
        httpEvery: string,
        journeyEvery = '10m',
        contexts = 2,
        seconds = scaleSeconds,
      ) => {
        const samples: MemorySample[] = [];
        const { figures: f, maxRssMb } = await section<ScaleFigures>(
          'scale',
          target.url,
          {
            BENCH_SCALE_STEP: JSON.stringify({
              shards,
              httpEvery,
              journeyEvery,
              browserContexts: contexts,
            } satisfies ScaleStep),
            BENCH_SCALE_SECONDS: String(seconds),
            BENCH_PORTAL_URL: portal.match[1] as string,
            BENCH_TARGET_PID: String(target.pid),
            BENCH_PORTAL_PID: String(portal.child.pid),
          },
          samples,
        );
        const memory = memoryPeaks(samples, f);
        const skipped = Object.values(f.skipped).reduce((a, b) => a + b, 0);
        log(
          `| ${f.shards} | ${f.httpEvery} | ${f.http.probes} | ${f.httpProbesAt1m} | ${fmt(f.http.startedPerMinute / 60, 0)} | ${f.browser.probes} (${f.journeyEvery}, ${f.browserContexts} ctx) | ${fmt(f.browser.duePerMinute, 0)} | ${fmt(f.browser.startedPerMinute, 0)} | ${skipped} | ${fmt(f.lagP50Ms, 1)} / ${fmt(f.lagP99Ms, 1)} / ${fmt(f.lagMaxMs, 0)} | ${fmt(f.http.startDelayP99Ms, 1)} | ${fmt(f.browser.startDelayP99Ms / 1000, 1)} | ${fmt(f.cpu.daemon)} | ${fmt(f.cpu.chromium)} | ${fmt(f.cpu.target + f.cpu.portal)} | ${fmt(Math.max(0, f.cpu.machine - f.cpu.daemon - f.cpu.chromium - f.cpu.target - f.cpu.portal))} | ${fmt(memory.peakRssMb, 0)} | ${fmt(memory.peakPssMb, 0)} | ${f.sustained ? 'yes' : `no: ${f.failures.join('; ')}`} |`,
        );
        steps.push({ ...f, ...memory, maxRssMb });
        return f.sustained;
      };
      // A quarter of the set, shaped like one of the instances a state would run: its HTTP
      // share every minute and a hundred journeys a minute (its 50 journeys every 30 s).
      await step(4, '1m', '30s', 4);
      // The whole set on one instance; if it keeps up, the same probes more often until it
      // no longer does (20 s first, to keep the run short).
      // no longer does (20 s first, to keep the run short). A shorter interval is measured
      // over two intervals, at least 30 s: a backlog shows within seconds.
      const compressed = (every: string): Promise<boolean> =>
        step(
          1,
          every,
          '10m',
          2,
          WARMUP_SECONDS +
            Math.max(
              30,
              Math.min(scaleSeconds - WARMUP_SECONDS, (2 * durationMs.parse(every)) / 1000),
            ),
        );
      if (await step(1, '1m')) {
        if (await compressed('20s')) {
          for (const every of ['15s', '12s', '10s']) if (!(await compressed(every))) break;
        } else await compressed('30s');
      }
      // How many journeys one instance makes at most, next to the 20,000 HTTP probes: all
      // 200 due every 30 s (400 a minute, more than it can run), with the default 2
      // contexts and with 4. A queue that only grows needs no long window.
      const short = Math.min(scaleSeconds, WARMUP_SECONDS + 30);
      await step(1, '1m', '30s', 2, short);
      await step(1, '1m', '30s', 4, short);
      const best = steps
        .filter((f) => f.sustained && f.shards === 1 && f.journeyEvery === '10m')
        .sort((a, b) => b.httpProbesAt1m - a.httpProbesAt1m)[0];
      log(
        best
          ? `  largest sustained (${CRITERIA}): ${best.httpProbesAt1m} HTTP probes at 1/min (${fmt(best.http.startedPerMinute / 60, 0)} runs/s) with ${fmt(best.browser.startedPerMinute, 0)} journeys/min; daemon ${fmt(best.cpu.daemon)} cores, Chromium ${fmt(best.cpu.chromium)}`
          : '  no step sustained its load',
      );
      for (const j of steps.filter((f) => f.journeyEvery !== '10m')) {
        log(
          `  ${j.browserContexts} browser contexts, ${j.browser.probes} journeys every ${j.journeyEvery} next to ${j.http.probes} HTTP probes at 1/min: ${fmt(j.browser.startedPerMinute, 0)} of ${fmt(j.browser.duePerMinute, 0)} due per minute started, ${j.browser.notPassed} not passed, median ${fmt(j.browser.durationP50Ms / 1000, 2)} s; ${j.sustained ? 'sustained' : `not sustained (${j.failures.join('; ')})`}`,
        );
      }
      out.scale = { criteria: CRITERIA, seconds: scaleSeconds, shares, steps };
    } finally {
      await stopChild(portal.child);
    }
  }
  if (only.has('a11y')) {
    const site = await startChild(
      process.execPath,
      [path.join(import.meta.dirname, 'a11y-site.ts')],
      /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
    );
    try {
      log('\nAccessibility scans: 20 pages of ~300 elements, whole commands, same Chromium');
      const f = await a11yThroughput(site.match[1] as string);
      log(`browser for both tools: ${f.browser}`);
      log('| tool | pages in parallel | seconds | pages/min | pages not scanned |');
      log('|---|---:|---:|---:|---:|');
      for (const r of f.runs) {
        log(
          `| ${r.tool === 'ozgwatch' ? 'ozgwatch scan --checks a11y' : 'pa11y-ci (axe runner)'} | ${r.parallel} | ${fmt(r.seconds, 1)} | ${fmt(r.pagesPerMinute, 0)} | ${r.failedPages}${r.firstError ? ` (${r.firstError})` : ''} |`,
        );
      }
      if (f.pa11yCiMissing) log('  pa11y-ci could not be installed: no comparison');
      const run = (tool: string, parallel: number) =>
        f.runs.find((r) => r.tool === tool && r.parallel === parallel);
      const compare = (label: string, ours?: ScanRun, theirs?: ScanRun): void => {
        if (!ours || !theirs) return;
        const lost = ours.failedPages + theirs.failedPages > 0;
        log(
          `  ${label}: ozgwatch ${fmt(ours.pagesPerMinute / theirs.pagesPerMinute)}× pa11y-ci's pages per minute${lost ? ' (not valid: pages were not scanned)' : ''}`,
        );
      };
      compare('each at its default (2 against 1)', run('ozgwatch', 2), run('pa11y-ci', 1));
      compare('both at 1 page at a time', run('ozgwatch', 1), run('pa11y-ci', 1));
      compare('both at 2 pages at a time', run('ozgwatch', 2), run('pa11y-ci', 2));
      log(`  axe per page in ozgwatch (median): ${fmt(f.ozgwatchAxeMedianSeconds * 1000, 0)} ms`);
      out.a11y = f;
    } finally {
      await stopChild(site.child);
    }
  }
} finally {
  await target.stop();
}

const file = path.join(import.meta.dirname, 'results', 'latest.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
log(`\nfigures written to ${path.relative(process.cwd(), file)}`);
