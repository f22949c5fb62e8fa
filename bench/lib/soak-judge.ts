/**
 * The verdict of `npm run soak`: does anything grow that should level off? Pure functions
 * over the samples, so that the bounds are in one place and can be read (and tried with
 * made-up series) without running a soak.
 *
 * Growth is judged after a warm-up, by comparing the first half of the measured window
 * with the second half: a level series compares equal, a leak shows as what it added in
 * half the window. Halves, not shorter pieces, because two things here move in cycles of
 * two to three minutes that are no leak: V8 lets the heap grow to about 250 MB before a
 * major GC brings it back to ~75 MB (RSS follows it up and, only sometimes, down), and
 * Chromium's PSS grows with the contexts a browser has served until it is replaced. A
 * piece shorter than a cycle compares phases, not levels. So each half is reduced to what
 * a leak must raise in every cycle: the peak (Chromium PSS, RSS beyond the heap), the floor
 * (V8 heap in use after a major GC) or the median (fds, process counts). The least-squares
 * slope over the window is reported too, per hour; with cycles this long it is a noisy figure.
 *
 * The daemon's RSS itself is not judged by its growth: its peak is V8's committed heap at
 * the top of a cycle plus native memory, and how far V8 lets the heap grow before a major
 * GC changes from cycle to cycle (in one 10-minute soak the peaks of the two halves were
 * 360 and 409 MiB with the live heap unchanged). A leak must show in one of the two parts
 * instead: the live heap (heap floor), or the RSS beyond the largest heap V8 has committed
 * so far. The latter, not RSS less the current heap: pages V8 gave back after a major GC
 * mostly stay resident, and would count as native memory until the heap grows into them
 * again (measured: "RSS less heap" rose by 21 % between the halves while RSS stayed at
 * 412–417 MiB all through the second half; with the heap capped by --max-old-space-size=128 RSS was flat at 225–229 MiB
 * and both figures level). RSS has a ceiling.
 */

/** One sample of the daemon, every few seconds. Byte figures in bytes. */
export interface SoakSample {
  /** Seconds since the daemon started. */
  t: number;
  /** Daemon RSS from /proc/<pid>/status. */
  rss: number;
  /**
   * From the daemon's own /metrics, all from the newest scrape (so one moment): RSS as the
   * daemon reports it, V8 heap in use and committed, memory of JS objects outside the heap.
   */
  rssReported: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Entries in /proc/<pid>/fd. */
  fds: number;
  /** Chromium: every descendant process of the daemon, their count and summed PSS. */
  chromiumProcesses: number;
  chromiumPss: number;
  /**
   * Processes once under the daemon that left its tree (their parent ended) and still run:
   * a Chromium that outlived its browser. Zombies are not counted here.
   */
  escapedProcesses: number;
  /** Processes once under the daemon that ended but were not reaped (see isZombie). */
  zombies: number;
  storeBytes: number;
  walBytes: number;
  storedRuns: number;
  /** ozgwatch_store_pending_writes (the daemon refreshes it every 5 s). */
  pendingWrites: number;
  /** ozgwatch_store_dropped_writes_total. */
  droppedWrites: number;
  artifactBytes: number;
  artifactRuns: number;
  /** Counters, for rates. */
  runs: number;
  skipped: number;
  browserRestarts: number;
  /** CPU seconds of the daemon process, and busy CPU seconds of the whole machine. */
  cpuSeconds: number;
  machineCpuSeconds: number;
  eventLoopLagP99: number;
}

/** The bounds; a broken one fails the soak (non-zero exit). */
export const BOUNDS = {
  /** Daemon RSS at most, at this load (about 100 runs a second and a browser). */
  rssMaxBytes: 512 * 2 ** 20,
  /** V8 heap floor (the lowest "used" of a half, i.e. after a major GC): the second half's at most this much above the first's. */
  heapFloorGrowth: 0.1,
  /** RSS beyond the largest heap V8 has committed so far, its peak: same comparison. */
  beyondHeapGrowth: 0.1,
  /**
   * Open fds: median of the second half at most this many above the first half's. In a
   * 10-minute soak (halves 4 minutes apart) that catches a leak of more than about one
   * descriptor a minute.
   */
  fdGrowth: 5,
  /** Chromium's summed PSS: peak of the second half at most this much above the first's. */
  chromiumPssGrowth: 0.25,
  /** …and never above the daemon's own browser.memoryLimitMb default. */
  chromiumPssMaxBytes: 1500 * 2 ** 20,
  /**
   * Chromium processes at most: two browsers' worth (a retiring browser lives until its
   * last context closes, next to its replacement), each browser, zygotes, GPU and network
   * service, and a renderer per context (2 in use, 1 prepared).
   */
  chromiumProcessesMax: 24,
  /** Chromium processes: median of the second half at most this many above the first's. */
  chromiumProcessGrowth: 2,
  /** WAL file: never above SQLite's journal_size_limit the store sets (64 MiB). */
  walMaxBytes: 64 * 2 ** 20,
  /** Results queued for the store: never more than 10 s of results at this load. */
  pendingMax: 1000,
  /** /metrics: not one failed scrape, and p99 latency below this. */
  scrapeFailures: 0,
  scrapeP99Ms: 250,
  /** Scrapes made, of one per second of the soak (a scraper that stalled is not a pass). */
  scrapeCoverage: 0.95,
  /** The daemon stops on SIGTERM within shutdownGrace (5 s) and this much more. */
  stopSeconds: 15,
} as const;

/** One series' first and second half, each reduced to one figure, and its slope. */
export interface Growth {
  first: number;
  second: number;
  /** Least-squares slope over the measured window, per hour. */
  perHour: number;
}

export interface Check {
  name: string;
  ok: boolean;
  /** What was measured against what bound, e.g. `peak 312 → 318 MiB (+1.9 %, bound +10 %)`. */
  detail: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const peak = (values: readonly number[]): number =>
  values.length === 0 ? NaN : Math.max(...values);
export const floor = (values: readonly number[]): number =>
  values.length === 0 ? NaN : Math.min(...values);

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: readonly [x: number, y: number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Seconds not judged at the start: two minutes, or a fifth of a shorter soak. */
export function warmupSeconds(totalSeconds: number): number {
  return Math.min(120, totalSeconds / 5);
}

/** Samples after the warm-up. */
export function measured(samples: readonly SoakSample[], warmup: number): SoakSample[] {
  return samples.filter((s) => s.t >= warmup);
}

/**
 * A series' first and second half (by time) reduced by `pick`, and its slope per hour.
 * Needs samples from the measured window only.
 */
export function growth(
  window: readonly SoakSample[],
  value: (s: SoakSample) => number,
  pick: (values: readonly number[]) => number,
): Growth {
  const from = window[0]?.t ?? 0;
  const to = window.at(-1)?.t ?? 0;
  const middle = (from + to) / 2;
  return {
    first: pick(window.filter((s) => s.t < middle).map(value)),
    second: pick(window.filter((s) => s.t >= middle).map(value)),
    perHour: slope(window.map((s) => [s.t, value(s)])) * 3600,
  };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const pct = (g: Growth): string =>
  `${g.second >= g.first ? '+' : ''}${(((g.second - g.first) / g.first) * 100).toFixed(1)} %`;

/** What the scrapes came to. */
export interface ScrapeSummary {
  scrapes: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Seconds the scraper was meant to run. */
  seconds: number;
}

/** Everything the soak judges, growth figures included, and the list of checks. */
export interface Verdict {
  warmupSeconds: number;
  samplesJudged: number;
  rss: Growth;
  heapFloor: Growth;
  beyondHeap: Growth;
  fds: Growth;
  chromiumPss: Growth;
  chromiumProcesses: Growth;
  wal: Growth;
  checks: Check[];
  ok: boolean;
}

export function judge(
  samples: readonly SoakSample[],
  scrapes: ScrapeSummary,
  end: {
    stopSeconds: number;
    exitCode: number | null;
    /** Chromium processes still running after the daemon ended (zombies not counted). */
    chromiumLeft: number;
    totalSeconds: number;
  },
): Verdict {
  const warmup = warmupSeconds(end.totalSeconds);
  const w = measured(samples, warmup);
  const rss = growth(w, (s) => s.rss, peak);
  const heapFloor = growth(w, (s) => s.heapUsed, floor);
  // Over every sample from the start: the largest heap may have been committed in the warm-up.
  const beyond = new Map<SoakSample, number>();
  let largestHeap = 0;
  for (const s of samples) {
    largestHeap = Math.max(largestHeap, s.heapTotal);
    beyond.set(s, s.rssReported - largestHeap);
  }
  const beyondHeap = growth(w, (s) => beyond.get(s) ?? NaN, peak);
  const fds = growth(w, (s) => s.fds, median);
  const chromiumPss = growth(w, (s) => s.chromiumPss, peak);
  const chromiumProcesses = growth(w, (s) => s.chromiumProcesses, median);
  const wal = growth(w, (s) => s.walBytes, peak);
  const max = (f: (s: SoakSample) => number): number => Math.max(0, ...w.map(f));

  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  // Ten samples at least, else the halves are a few samples each and mean nothing.
  check('enough samples', w.length >= 10, `${w.length} samples after the ${warmup} s warm-up`);
  check(
    'daemon RSS',
    max((s) => s.rss) <= BOUNDS.rssMaxBytes,
    `max ${mib(max((s) => s.rss))} (bound ${mib(BOUNDS.rssMaxBytes)}); peak per half ${mib(rss.first)} → ${mib(rss.second)} (${pct(rss)}, not judged)`,
  );
  check(
    'V8 heap floor',
    heapFloor.second <= heapFloor.first * (1 + BOUNDS.heapFloorGrowth),
    `${mib(heapFloor.first)} → ${mib(heapFloor.second)} (${pct(heapFloor)}, bound +${BOUNDS.heapFloorGrowth * 100} %)`,
  );
  check(
    'RSS beyond the heap',
    beyondHeap.second <= beyondHeap.first * (1 + BOUNDS.beyondHeapGrowth),
    `peak ${mib(beyondHeap.first)} → ${mib(beyondHeap.second)} (${pct(beyondHeap)}, bound +${BOUNDS.beyondHeapGrowth * 100} %)`,
  );
  check(
    'open fds',
    fds.second <= fds.first + BOUNDS.fdGrowth,
    `median ${fds.first} → ${fds.second} (bound +${BOUNDS.fdGrowth}), max ${max((s) => s.fds)}`,
  );
  check(
    'Chromium PSS',
    chromiumPss.second <= chromiumPss.first * (1 + BOUNDS.chromiumPssGrowth) &&
      max((s) => s.chromiumPss) <= BOUNDS.chromiumPssMaxBytes,
    `peak ${mib(chromiumPss.first)} → ${mib(chromiumPss.second)} (${pct(chromiumPss)}, bound +${BOUNDS.chromiumPssGrowth * 100} %), max ${mib(max((s) => s.chromiumPss))} (bound ${mib(BOUNDS.chromiumPssMaxBytes)})`,
  );
  check(
    'Chromium processes',
    chromiumProcesses.second <= chromiumProcesses.first + BOUNDS.chromiumProcessGrowth &&
      max((s) => s.chromiumProcesses) <= BOUNDS.chromiumProcessesMax,
    `median ${chromiumProcesses.first} → ${chromiumProcesses.second} (bound +${BOUNDS.chromiumProcessGrowth}), max ${max((s) => s.chromiumProcesses)} (bound ${BOUNDS.chromiumProcessesMax})`,
  );
  // Median: one sample may catch a process in the moment between its parent's end and its own.
  const escaped = growth(w, (s) => s.escapedProcesses, median);
  check(
    'no Chromium outlives its browser',
    escaped.second === 0,
    `escaped processes still running: median ${escaped.second} in the second half (bound 0), max ${max((s) => s.escapedProcesses)}`,
  );
  check(
    'WAL size',
    max((s) => s.walBytes) <= BOUNDS.walMaxBytes,
    `max ${mib(max((s) => s.walBytes))} (bound ${mib(BOUNDS.walMaxBytes)})`,
  );
  // Over every sample: a result dropped during the warm-up is lost all the same.
  const dropped = Math.max(0, ...samples.map((s) => s.droppedWrites));
  check(
    'store keeps up',
    max((s) => s.pendingWrites) <= BOUNDS.pendingMax && dropped === 0,
    `pending writes max ${max((s) => s.pendingWrites)} (bound ${BOUNDS.pendingMax}), dropped ${dropped} (bound 0)`,
  );
  check(
    '/metrics never failed',
    scrapes.failures <= BOUNDS.scrapeFailures &&
      scrapes.scrapes >= BOUNDS.scrapeCoverage * scrapes.seconds,
    `${scrapes.failures} failed of ${scrapes.scrapes} (${scrapes.seconds} s scraped)`,
  );
  check(
    '/metrics p99',
    scrapes.p99Ms < BOUNDS.scrapeP99Ms,
    `p50 ${scrapes.p50Ms.toFixed(1)} ms, p99 ${scrapes.p99Ms.toFixed(1)} ms (bound ${BOUNDS.scrapeP99Ms} ms), max ${scrapes.maxMs.toFixed(0)} ms`,
  );
  check(
    'clean stop',
    end.exitCode === 0 && end.stopSeconds <= BOUNDS.stopSeconds && end.chromiumLeft === 0,
    `exit ${end.exitCode} after ${end.stopSeconds.toFixed(1)} s (bound ${BOUNDS.stopSeconds} s), Chromium processes left: ${end.chromiumLeft}`,
  );
  return {
    warmupSeconds: warmup,
    samplesJudged: w.length,
    rss,
    heapFloor,
    beyondHeap,
    fds,
    chromiumPss,
    chromiumProcesses,
    wal,
    checks,
    ok: checks.every((c) => c.ok),
  };
}
