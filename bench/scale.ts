/**
 * Scale: how much one ozgwatch instance carries. 20,000 HTTP probes (1,000 municipalities ×
 * 20 services, every minute) and 200 browser journeys (every 10 minutes) are defined; the
 * real daemon (`startDaemon`: SQLite store, metrics, server on port 0) runs shard 0 of N of
 * them against the bench target (HTTP) and the county portal (journeys), both in processes
 * of their own. One step per process (bench/section.ts), so that memory figures are the
 * step's own.
 *
 * What a step measures, after a warm-up that is not counted (loading, first Chromium launch):
 * - scheduler lag of every run, exactly (the daemon's `observeSchedulerLag` hook, the value
 *   its histogram gets): how late the scheduler hands a run to the pools;
 * - start delay of every run: lag plus the wait for a pool slot, i.e. how late the run
 *   really starts. The lag metric alone does not see runs queueing behind the pools;
 * - skipped runs by reason, runs handed on, started and finished by kind, results that
 *   did not pass;
 * - CPU of the daemon, of Chromium (every descendant process, the ended ones included) and
 *   of the target and portal servers;
 * - memory is sampled from outside, by bench/run.ts ({@link memoryPeaks}): reading
 *   /proc for every Chromium process takes 0.1–0.2 s, which in here would be lag.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { configSchema } from '../src/config/config.ts';
import { startDaemon } from '../src/main.ts';
import { durationMs } from '../src/probes/duration.ts';
import type { Probe } from '../src/probes/schema.ts';
import type { Result } from '../src/results/result.ts';
import { Pool } from '../src/scheduler/pool.ts';
import { ownerOf } from '../src/scheduler/shard.ts';
import { ownCpuSeconds, percentile, processCpuSeconds } from './lib/proc.ts';

export const MUNICIPALITIES = 1_000;
export const SERVICES = [
  'wohngeld',
  'elterngeld',
  'bafoeg',
  'kfz-zulassung',
  'meldebescheinigung',
  'wohnsitz-anmeldung',
  'personalausweis',
  'reisepass',
  'fuehrungszeugnis',
  'gewerbeanmeldung',
  'baugenehmigung',
  'hundesteuer',
  'bewohnerparkausweis',
  'kita-anmeldung',
  'geburtsurkunde',
  'eheschliessung',
  'sterbeurkunde',
  'fischereischein',
  'sondernutzung',
  'abfallgebuehren',
] as const;
export const HTTP_PROBES = MUNICIPALITIES * SERVICES.length;
export const JOURNEYS = 200;

/** Baden-Württemberg's 9 Stadtkreise and 35 Landkreise with their Kreisschlüssel. */
const COUNTIES: [code: string, slug: string][] = [
  ['111', 'stuttgart'],
  ['121', 'heilbronn-stadt'],
  ['211', 'baden-baden'],
  ['212', 'karlsruhe-stadt'],
  ['221', 'heidelberg'],
  ['222', 'mannheim'],
  ['231', 'pforzheim'],
  ['311', 'freiburg-im-breisgau'],
  ['421', 'ulm'],
  ['115', 'boeblingen'],
  ['116', 'esslingen'],
  ['117', 'goeppingen'],
  ['118', 'ludwigsburg'],
  ['119', 'rems-murr-kreis'],
  ['125', 'heilbronn'],
  ['126', 'hohenlohekreis'],
  ['127', 'schwaebisch-hall'],
  ['128', 'main-tauber-kreis'],
  ['135', 'heidenheim'],
  ['136', 'ostalbkreis'],
  ['215', 'karlsruhe'],
  ['216', 'rastatt'],
  ['225', 'neckar-odenwald-kreis'],
  ['226', 'rhein-neckar-kreis'],
  ['235', 'calw'],
  ['236', 'enzkreis'],
  ['237', 'freudenstadt'],
  ['315', 'breisgau-hochschwarzwald'],
  ['316', 'emmendingen'],
  ['317', 'ortenaukreis'],
  ['325', 'rottweil'],
  ['326', 'schwarzwald-baar-kreis'],
  ['327', 'tuttlingen'],
  ['335', 'konstanz'],
  ['336', 'loerrach'],
  ['337', 'waldshut'],
  ['415', 'reutlingen'],
  ['416', 'tuebingen'],
  ['417', 'zollernalbkreis'],
  ['425', 'alb-donau-kreis'],
  ['426', 'biberach'],
  ['435', 'bodenseekreis'],
  ['436', 'ravensburg'],
  ['437', 'sigmaringen'],
];
const CITY_COUNTIES = 9;

interface Municipality {
  ags: string;
  county: string;
}

/** The 9 Stadtkreise are one municipality each; the others are dealt round the Landkreise. */
function municipalities(): Municipality[] {
  const seen = new Map<string, number>();
  return Array.from({ length: MUNICIPALITIES }, (_, m) => {
    const [code, county] = (
      m < CITY_COUNTIES
        ? COUNTIES[m]
        : COUNTIES[CITY_COUNTIES + ((m - CITY_COUNTIES) % (COUNTIES.length - CITY_COUNTIES))]
    ) as [string, string];
    const n = m < CITY_COUNTIES ? 0 : (seen.get(code) ?? 0) + 1;
    seen.set(code, n);
    return { ags: `08${code}${String(n).padStart(3, '0')}`, county };
  });
}

/** Ids of every defined probe, HTTP first; the same as in the probe files. */
export function probeIds(): string[] {
  const places = municipalities();
  return [
    ...places.flatMap((m) => SERVICES.map((s) => `g${m.ags}-${s}`)),
    ...journeyPlaces(places).map((m) => `g${m.ags}-wohngeld-antrag`),
  ];
}

/** Every fifth municipality has a journey: spread over all counties. */
function journeyPlaces(places: Municipality[]): Municipality[] {
  return places.filter((_, m) => m % (MUNICIPALITIES / JOURNEYS) === 0).slice(0, JOURNEYS);
}

/** One YAML file per county, as a state IT provider might keep them. */
function probeFiles(
  target: string,
  portal: string,
  httpEvery: string,
  journeyEvery: string,
): Map<string, string> {
  const files = new Map<string, string[]>();
  const add = (county: string, ...lines: string[]): void => {
    const list = files.get(county) ?? [];
    list.push(...lines);
    files.set(county, list);
  };
  const places = municipalities();
  for (const m of places) {
    for (const s of SERVICES) {
      add(
        m.county,
        `- id: g${m.ags}-${s}`,
        `  name: "${s} – Gemeinde ${m.ags}"`,
        `  kind: http`,
        `  every: ${httpEvery}`,
        // Below every interval stepped through; a local target answers in milliseconds.
        `  timeout: 8s`,
        `  ags: "${m.ags}"`,
        `  labels: { service: ${s}, county: ${m.county} }`,
        `  http: { url: "${target}${m.ags}/${s}" }`,
      );
    }
  }
  for (const m of journeyPlaces(places)) {
    add(
      m.county,
      `- id: g${m.ags}-wohngeld-antrag`,
      `  name: "Wohngeld-Antrag – Gemeinde ${m.ags}"`,
      `  kind: browser`,
      `  every: ${journeyEvery}`,
      // Below the shortest interval stepped through (30 s); a journey here takes 1–3 s.
      `  timeout: 20s`,
      `  ags: "${m.ags}"`,
      `  labels: { service: wohngeld, county: ${m.county} }`,
      `  browser:`,
      `    steps:`,
      `      - { name: start, goto: "${portal}dienste/wohngeld/" }`,
      `      - { name: antrag-oeffnen, click: { role: link, name: Online beantragen } }`,
      `      - { name: formular, expectText: Schritt 1 von 2 }`,
    );
  }
  return new Map([...files].map(([county, lines]) => [county, `${lines.join('\n')}\n`]));
}

/** What one step runs: shard 0 of `shards`, the HTTP probes every `httpEvery`. */
export interface ScaleStep {
  shards: number;
  /** `every` of the HTTP probes: `1m` as defined; shorter is the same probes compressed. */
  httpEvery: string;
  journeyEvery: string;
  /** Browser contexts at once (`concurrency.kinds.browser`; the daemon's default is 2). */
  browserContexts: number;
}

export interface KindFigures {
  /** Probes of this kind the instance runs (its share). */
  probes: number;
  /** Runs due by the schedule per minute: probes × 60 s / interval. */
  duePerMinute: number;
  /** Runs the scheduler handed to the pools in the window. */
  handedOn: number;
  /** Runs that got their pool slots and began in the window. */
  started: number;
  startedPerMinute: number;
  /** Results other than pass or degraded, of runs that ended in the window. */
  notPassed: number;
  startDelayP50Ms: number;
  startDelayP99Ms: number;
  startDelayMaxMs: number;
  /** Run duration (all attempts), of runs that ended in the window. */
  durationP50Ms: number;
}

export interface ScaleFigures extends ScaleStep {
  /** The HTTP load as probes due once a minute. */
  httpProbesAt1m: number;
  /** Seconds `startDaemon` took (load and validate every probe, register them in the store). */
  startupSeconds: number;
  /** Seconds after start-up that were not measured. */
  warmupSeconds: number;
  /** The measured window. */
  seconds: number;
  http: KindFigures;
  browser: KindFigures;
  /** Runs skipped in the window, by reason. */
  skipped: Record<string, number>;
  lagRuns: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Largest lag during the warm-up (not in the figures above). */
  warmupLagMaxMs: number;
  /**
   * CPU seconds per second of the window: the daemon, its Chromium, the two servers, the
   * whole machine (all processes, the harness included) and the time the hypervisor stole.
   */
  cpu: {
    daemon: number;
    chromium: number;
    target: number;
    portal: number;
    machine: number;
    steal: number;
  };
  /** The window in epoch ms, for samples taken outside. */
  windowStart: number;
  windowEnd: number;
  sustained: boolean;
  /** Why not, when not. */
  failures: string[];
}

/** What the scheduler may do without the step failing; see {@link sustainedCheck}. */
export const CRITERIA =
  'lag p99 < 1 s, nothing skipped, HTTP start delay p99 < 1 s, runs started ≥ 99 % (HTTP) and ≥ 95 % (journeys) of those handed on';

function sustainedCheck(f: Omit<ScaleFigures, 'sustained' | 'failures'>): string[] {
  const failures: string[] = [];
  const skipped = Object.values(f.skipped).reduce((a, b) => a + b, 0);
  if (!(f.lagP99Ms < 1000)) failures.push(`lag p99 ${f.lagP99Ms.toFixed(0)} ms`);
  if (skipped > 0) failures.push(`${skipped} runs skipped`);
  if (!(f.http.startDelayP99Ms < 1000))
    failures.push(`HTTP start delay p99 ${f.http.startDelayP99Ms.toFixed(0)} ms`);
  // A queue that keeps growing: fewer runs begin than are handed on.
  if (f.http.started < 0.99 * f.http.handedOn)
    failures.push(`HTTP runs started ${f.http.started} of ${f.http.handedOn} handed on`);
  if (f.browser.started < Math.floor(0.95 * f.browser.handedOn))
    failures.push(`journeys started ${f.browser.started} of ${f.browser.handedOn} handed on`);
  return failures;
}

/**
 * CPU seconds of every descendant of this process: the living ones, and the ended ones
 * through their parents' cutime/cstime (Chromium's renderers end with every context).
 */
function descendantsCpuSeconds(): number {
  const procs = new Map<number, { ppid: number; own: number; reaped: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), {
        ppid: Number(f[1]),
        own: (Number(f[11]) + Number(f[12])) / 100,
        reaped: (Number(f[13]) + Number(f[14])) / 100,
      });
    } catch {
      // ended while we looked
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const total = (pid: number): number =>
    (procs.get(pid)?.own ?? 0) +
    (procs.get(pid)?.reaped ?? 0) +
    (children.get(pid) ?? []).reduce((sum, c) => sum + total(c), 0);
  return (
    (procs.get(process.pid)?.reaped ?? 0) +
    (children.get(process.pid) ?? []).reduce((sum, c) => sum + total(c), 0)
  );
}

/** Seconds after start-up that are not measured (more if the first journey is later). */
export const WARMUP_SECONDS = 10;

/** Busy and stolen CPU seconds of the whole machine, from /proc/stat. */
function machineCpuSeconds(): [busy: number, steal: number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  const n = (i: number): number => Number(f[i] ?? 0) / 100;
  // user nice system idle iowait irq softirq steal
  return [n(0) + n(1) + n(2) + n(5) + n(6), n(7)];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface KindLog {
  handedOn: number;
  started: number;
  notPassed: number;
  startDelays: number[];
  durations: number[];
}

export async function scaleStep(
  step: ScaleStep,
  servers: { target: string; portal: string; targetPid?: number; portalPid?: number },
  totalSeconds: number,
): Promise<ScaleFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-scale-'));
  await mkdir(path.join(dir, 'probes'));
  for (const [county, text] of probeFiles(
    servers.target,
    servers.portal,
    step.httpEvery,
    step.journeyEvery,
  )) {
    await writeFile(path.join(dir, 'probes', `${county}.yaml`), text);
  }
  const config = {
    ...configSchema.parse({
      probes: path.join(dir, 'probes'),
      dataDir: path.join(dir, 'data'),
      shard: `0/${step.shards}`,
      // One target host stands for 20,000 services. The per-host limit (2 by default, to be
      // gentle with one real service) would make this a benchmark of that limit: even at 64
      // the runs queued behind it at 1,000 runs/s. 256 is the global limit, i.e. none.
      concurrency: { perHost: 256, kinds: { browser: step.browserContexts } },
    }),
    server: { host: '127.0.0.1', port: 0 },
    watch: false,
  };

  // Everything is timed in ms of performance.now(); only the window [from, to) counts.
  let from = Infinity;
  let to = Infinity;
  const inWindow = (t: number): boolean => t >= from && t < to;
  const kinds = new Map<string, KindLog>();
  const kindLog = (kind: string): KindLog => {
    let log = kinds.get(kind);
    if (!log) {
      log = { handedOn: 0, started: 0, notPassed: 0, startDelays: [], durations: [] };
      kinds.set(kind, log);
    }
    return log;
  };
  const lags: number[] = [];
  let warmupLagMax = 0;
  const skipped: Record<string, number> = {};

  // Start delay, exactly: the scheduler reports a run's lag and, in the same tick, hands
  // the run to its kind's pool; the kind pool's slot then asks the global pool for one.
  // Wrapping Pool.run follows each run through both without touching the daemon's code.
  let lagOfNextRun: number | undefined;
  // At the end of a step, runs still waiting for a slot are dropped: the daemon would work
  // through its queue during the grace period, and abort what then runs.
  let stepOver = false;
  let handingOn: { lagMs: number; since: number; kind: string } | undefined;
  // Always called with a pool as `this`; restored when the step ends.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const poolRun = Pool.prototype.run;
  Pool.prototype.run = function <T>(
    this: Pool,
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.name !== 'global') {
      const run = { lagMs: lagOfNextRun ?? 0, since: performance.now(), kind: this.name };
      lagOfNextRun = undefined;
      if (inWindow(run.since)) kindLog(run.kind).handedOn++;
      return poolRun.call(
        this,
        () => {
          if (stepOver) return Promise.reject(new Error('step over'));
          handingOn = run;
          try {
            return fn();
          } finally {
            handingOn = undefined;
          }
        },
        signal,
      ) as Promise<T>;
    }
    const run = handingOn;
    handingOn = undefined;
    if (!run) return poolRun.call(this, fn, signal) as Promise<T>;
    return poolRun.call(
      this,
      () => {
        const now = performance.now();
        if (inWindow(now)) {
          const log = kindLog(run.kind);
          log.started++;
          log.startDelays.push(run.lagMs + (now - run.since));
        }
        return fn();
      },
      signal,
    ) as Promise<T>;
  };

  let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
  try {
    const t0 = performance.now();
    daemon = await startDaemon(config, { logger: pino({ level: 'silent' }) });
    const startupSeconds = (performance.now() - t0) / 1000;
    const { metrics } = daemon;
    const observe = metrics.observeSchedulerLag.bind(metrics);
    const skip = metrics.runSkipped.bind(metrics);
    const record = metrics.record.bind(metrics);
    let journeyDone: () => void = () => undefined;
    const firstJourney = new Promise<void>((resolve) => (journeyDone = resolve));
    Object.assign(metrics, {
      observeSchedulerLag: (s: number): void => {
        const now = performance.now();
        lagOfNextRun = s * 1000;
        if (inWindow(now)) lags.push(s * 1000);
        else if (now < from) warmupLagMax = Math.max(warmupLagMax, s * 1000);
        observe(s);
      },
      runSkipped: (reason: string): void => {
        if (inWindow(performance.now())) skipped[reason] = (skipped[reason] ?? 0) + 1;
        skip(reason);
      },
      record: (probe: Probe, result: Result): void => {
        if (probe.kind === 'browser') journeyDone();
        if (inWindow(performance.now())) {
          const log = kindLog(probe.kind);
          if (result.status !== 'pass' && result.status !== 'degraded') log.notPassed++;
          log.durations.push(result.duration * 1000);
        }
        record(probe, result);
      },
    });
    const assigned = daemon.active()?.assigned ?? [];

    // Warm-up: JIT, and the first journey, which loads Playwright (a one-off stall of the
    // event loop of about 0.7 s) and launches Chromium. Bounded: at most a minute more.
    await sleep(Math.min(WARMUP_SECONDS, totalSeconds / 5) * 1000);
    if (assigned.some((p) => p.kind === 'browser')) {
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([firstJourney, new Promise((r) => (giveUp = setTimeout(r, 60_000)))]);
      clearTimeout(giveUp);
    }
    const warmupSeconds = (performance.now() - t0) / 1000 - startupSeconds;
    const cpuAt = (): number[] => [
      ...machineCpuSeconds(),
      ownCpuSeconds(),
      descendantsCpuSeconds(),
      servers.targetPid ? processCpuSeconds(servers.targetPid) : 0,
      servers.portalPid ? processCpuSeconds(servers.portalPid) : 0,
    ];
    const cpu0 = cpuAt();
    from = performance.now();
    to = from + (totalSeconds - Math.min(WARMUP_SECONDS, totalSeconds / 5)) * 1000;
    await sleep(to - performance.now());
    const cpu1 = cpuAt();
    const seconds = (performance.now() - from) / 1000;
    const [machine, steal, daemonCpu, chromiumCpu, targetCpu, portalCpu] = cpu1.map(
      (v, i) => (v - (cpu0[i] as number)) / seconds,
    ) as [number, number, number, number, number, number];

    const kindFigures = (kind: string, pool: string): KindFigures => {
      const probes = assigned.filter((p) => p.kind === kind);
      const log = kindLog(pool);
      return {
        probes: probes.length,
        duePerMinute: probes.reduce((sum, p) => sum + 60_000 / (p.every ?? Infinity), 0),
        handedOn: log.handedOn,
        started: log.started,
        startedPerMinute: (log.started / seconds) * 60,
        notPassed: log.notPassed,
        startDelayP50Ms: percentile(log.startDelays, 50),
        startDelayP99Ms: percentile(log.startDelays, 99),
        startDelayMaxMs: Math.max(0, ...log.startDelays),
        durationP50Ms: percentile(log.durations, 50),
      };
    };
    // Starts are logged under the pool's name, results under the probe's kind: for these
    // two kinds the names are the same.
    const http = kindFigures('http', 'http');
    const browser = kindFigures('browser', 'browser');
    const figures = {
      ...step,
      httpProbesAt1m: Math.round((http.probes * 60_000) / durationMs.parse(step.httpEvery)),
      startupSeconds,
      warmupSeconds,
      seconds,
      http,
      browser,
      skipped,
      lagRuns: lags.length,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      lagMaxMs: Math.max(0, ...lags),
      warmupLagMaxMs: warmupLagMax,
      cpu: {
        daemon: daemonCpu,
        chromium: chromiumCpu,
        target: targetCpu,
        portal: portalCpu,
        machine,
        steal,
      },
      windowStart: performance.timeOrigin + from,
      windowEnd: performance.timeOrigin + from + seconds * 1000,
    };
    const failures = sustainedCheck(figures);
    return { ...figures, sustained: failures.length === 0, failures };
  } finally {
    to = Math.min(to, performance.now());
    stepOver = true;
    await daemon?.stop();
    Pool.prototype.run = poolRun;
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ShardShare {
  shards: number;
  /** Smallest and largest share of one instance, of all defined probes. */
  minShare: number;
  maxShare: number;
  /** Share of the probes that change instance when one more instance is added. */
  movedToNext: number;
}

/** How rendezvous hashing shares out the defined probes (the daemon's own `ownerOf`). */
export function shardShares(counts: readonly number[]): ShardShare[] {
  const ids = probeIds();
  return counts.map((shards) => {
    const per = new Array<number>(shards).fill(0);
    let moved = 0;
    for (const id of ids) {
      const owner = ownerOf(id, shards);
      per[owner] = (per[owner] ?? 0) + 1;
      if (ownerOf(id, shards + 1) !== owner) moved++;
    }
    return {
      shards,
      minShare: Math.min(...per) / ids.length,
      maxShare: Math.max(...per) / ids.length,
      movedToNext: moved / ids.length,
    };
  });
}

/** Memory of the daemon process and its Chromium, sampled from another process. */
export interface MemorySample {
  /** Epoch ms. */
  at: number;
  /** RSS of the daemon process. */
  rss: number;
  /** PSS of the daemon and every Chromium process. */
  pss: number;
}

/** Largest RSS and PSS (MiB) sampled in the window. */
export function memoryPeaks(
  samples: readonly MemorySample[],
  f: Pick<ScaleFigures, 'windowStart' | 'windowEnd'>,
): { peakRssMb: number; peakPssMb: number } {
  const inside = samples.filter((s) => s.at >= f.windowStart && s.at <= f.windowEnd);
  return {
    peakRssMb: Math.max(0, ...inside.map((s) => s.rss)) / 2 ** 20,
    peakPssMb: Math.max(0, ...inside.map((s) => s.pss)) / 2 ** 20,
  };
}
