/**
 * `npm run soak`: an hour of monitoring compressed into minutes, to find what grows. The
 * real daemon (`node src/cli/main.ts serve`, SQLite store, Chromium) runs about a hundred
 * HTTP probes every second, four browser journeys every 5–10 s (one of them failing, so
 * evidence files are written) and two accessibility scans every 30 s against the fixture
 * portal, while a scraper in its own process fetches /metrics every second.
 *
 * Every 5 s the harness samples, from outside: the daemon's RSS, its open fds and CPU, its
 * V8 heap (from its /metrics), Chromium's processes and summed PSS, the store file, its WAL
 * and its run count, results pending for the store, the evidence folder. After a warm-up,
 * the first half of the window is compared with the second half against the bounds in
 * bench/lib/soak-judge.ts (which says why halves and how each is reduced); a broken bound
 * exits non-zero. SOAK_MINUTES=1 checks the machinery; its growth verdict means little,
 * for its window is shorter than one GC cycle.
 *
 * Not part of `npm test`. Knobs:
 *   SOAK_MINUTES  length of the soak (10; 1 for a quick check)
 *   SOAK_KEEP=1   keep the temporary folder (probes, config, store, evidence, daemon log)
 *   SOAK_DAEMON_FLAGS  extra Node flags for the daemon, for diagnosis only (the figures are
 *                 those of the daemon as shipped without it), e.g. --max-old-space-size=128
 *
 * Bounded: the scraper ends by itself, the daemon is stopped with SIGTERM and killed (with
 * every Chromium process it left) if it does not end, and a watchdog ends everything a few
 * minutes after the soak's length whatever hangs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, percentile, startChild, stopChild } from './lib/proc.ts';
import { BOUNDS, judge, warmupSeconds, type SoakSample, type Verdict } from './lib/soak-judge.ts';
import { DAEMON_V8_FLAGS } from './lib/daemon-flags.ts';
import { A11Y_EVERY, HTTP_PROBES, JOURNEYS, soakSetup } from './lib/soak-probes.ts';
import {
  artifactUsage,
  descendants,
  fileBytes,
  isZombie,
  machineBusySeconds,
  openFds,
  ownCpuSeconds,
  pssBytes,
  rssBytes,
  runsByKindAndStatus,
  stillRunning,
  storedRuns,
  type ProcessId,
} from './lib/soak-sample.ts';
import type { ScrapeLine } from './lib/soak-scraper.ts';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
if (!(minutes > 0 && minutes <= 120)) throw new Error('SOAK_MINUTES: a number of minutes, 1–120');
const totalSeconds = Math.round(minutes * 60);
const SAMPLE_MS = 5_000;
/** Contexts before Chromium is replaced: low, so that the soak sees several replacements. */
const RESTART_AFTER_RUNS = 100;
/** The daemon's own V8 setting (package.json "start"): the figures are those of the daemon as shipped. */
const extraFlags = (process.env.SOAK_DAEMON_FLAGS ?? '').split(/\s+/).filter(Boolean);
const root = path.join(import.meta.dirname, '..');

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Waits for the daemon's "ozgwatch serving" log line and returns its URL (bounded). */
async function serverUrl(
  logFile: string,
  daemon: ChildProcess,
  timeoutMs: number,
): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/?".*"msg":"ozgwatch serving"/.exec(text);
    if (m) return m[1] as string;
    if (daemon.exitCode !== null || daemon.signalCode !== null) break;
    await sleep(200);
  }
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).slice(-3000);
  const why =
    daemon.exitCode !== null || daemon.signalCode !== null
      ? `ended (${daemon.exitCode ?? daemon.signalCode}) before serving`
      : `did not start serving within ${timeoutMs} ms`;
  throw new Error(`the daemon ${why}:\n${tail}`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** Kills what is left of the daemon's process tree (by pid and start time, nothing else). */
function killAll(list: readonly ProcessId[]): number {
  let killed = 0;
  for (const p of list) {
    if (!stillRunning(p) || isZombie(p)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
      killed++;
    } catch {
      // ended meanwhile
    }
  }
  return killed;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'ozgwatch-soak-'));
const probesDir = path.join(dir, 'probes');
const dataDir = path.join(dir, 'data');
const storeFile = path.join(dataDir, 'ozgwatch.db');
const logFile = path.join(dir, 'daemon.log');
await mkdir(probesDir, { recursive: true });

let portal: ChildProcess | undefined;
let daemon: ChildProcess | undefined;
let scraper: ChildProcess | undefined;
/** Every Chromium process ever seen under the daemon, for the cleanup. */
const seen = new Map<string, ProcessId>();
const remember = (list: readonly ProcessId[]): void => {
  for (const p of list) seen.set(`${p.pid}:${p.startTicks}`, p);
};

// Whatever hangs, the soak ends: the scraper runs `totalSeconds`, the stop takes seconds.
const watchdog = setTimeout(
  () => {
    process.stderr.write('soak: watchdog fired, killing everything\n');
    if (daemon?.pid) remember(descendants(daemon.pid));
    daemon?.kill('SIGKILL');
    scraper?.kill('SIGKILL');
    portal?.kill('SIGKILL');
    killAll([...seen.values()]);
    process.exit(3);
  },
  (totalSeconds + 240) * 1000,
);

let verdict: Verdict | undefined;
try {
  const started = await startChild(
    process.execPath,
    [path.join(import.meta.dirname, 'portal-server.ts')],
    /(http:\/\/127\.0\.0\.1:\d+)\/\n/,
  );
  portal = started.child;
  const portalUrl = started.match[1] as string;
  const setup = soakSetup({
    portal: portalUrl,
    refused: `http://127.0.0.1:${await freePort()}`,
    probesDir,
    dataDir,
    restartAfterRuns: RESTART_AFTER_RUNS,
  });
  for (const [name, text] of setup.probeFiles) await writeFile(path.join(probesDir, name), text);
  const configFile = path.join(dir, 'config.yaml');
  await writeFile(configFile, setup.config);

  log(
    `Soak: ${minutes} min, ${HTTP_PROBES} HTTP probes every 1 s, ${JOURNEYS.length} journeys (${JOURNEYS.map((j) => j.every).join(', ')}), 2 accessibility probes every ${A11Y_EVERY}; /metrics every 1 s; samples every ${SAMPLE_MS / 1000} s; first ${warmupSeconds(totalSeconds)} s not judged`,
  );
  log(`  folder ${dir}${process.env.SOAK_KEEP ? ' (kept)' : ''}`);

  const logHandle = await open(logFile, 'w');
  try {
    daemon = spawn(
      process.execPath,
      [
        ...DAEMON_V8_FLAGS,
        ...extraFlags,
        path.join(root, 'src/cli/main.ts'),
        'serve',
        '--config',
        configFile,
      ],
      { cwd: root, stdio: ['ignore', logHandle.fd, logHandle.fd] },
    );
  } finally {
    // The child holds its own copy of the descriptor.
    await logHandle.close();
  }
  const daemonPid = daemon.pid as number;
  const t0 = performance.now();
  const startedAt = Date.now();
  // Others on the machine change every figure here: the load is recorded with them.
  const loadAtStart = os.loadavg()[0] as number;
  const url = await serverUrl(logFile, daemon, 30_000);
  const startupSeconds = (performance.now() - t0) / 1000;

  const scrapes: ScrapeLine[] = [];
  let latest: Record<string, number> = {};
  scraper = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'lib/soak-scraper.ts'), `${url}/metrics`, String(totalSeconds)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const scraperDone = exited(scraper);
  createInterface({ input: scraper.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const s = JSON.parse(line) as ScrapeLine;
    scrapes.push(s);
    if (s.ok) latest = s.values;
  });

  const samples: SoakSample[] = [];
  const sample = (): void => {
    const chromium = descendants(daemonPid);
    const inTree = new Set(chromium.map((p) => `${p.pid}:${p.startTicks}`));
    let escaped = 0;
    let zombies = 0;
    for (const [key, p] of seen) {
      if (!stillRunning(p)) seen.delete(key);
      else if (isZombie(p)) zombies++;
      else if (!inTree.has(key)) escaped++;
    }
    remember(chromium);
    const artifacts = artifactUsage(path.join(dataDir, 'artifacts'));
    samples.push({
      t: (performance.now() - t0) / 1000,
      rss: rssBytes(daemonPid),
      rssReported: latest.process_resident_memory_bytes ?? NaN,
      heapUsed: latest.nodejs_heap_size_used_bytes ?? NaN,
      heapTotal: latest.nodejs_heap_size_total_bytes ?? NaN,
      external: latest.nodejs_external_memory_bytes ?? NaN,
      fds: openFds(daemonPid),
      chromiumProcesses: chromium.length,
      chromiumPss: pssBytes(chromium.map((p) => p.pid)),
      escapedProcesses: escaped,
      zombies,
      storeBytes: fileBytes(storeFile),
      walBytes: fileBytes(`${storeFile}-wal`),
      storedRuns: storedRuns(storeFile),
      pendingWrites: latest.ozgwatch_store_pending_writes ?? 0,
      droppedWrites: latest.ozgwatch_store_dropped_writes_total ?? 0,
      artifactBytes: artifacts.bytes,
      artifactRuns: artifacts.runs,
      runs: latest.ozgwatch_probe_runs_total ?? 0,
      skipped: latest.ozgwatch_runs_skipped_total ?? 0,
      browserRestarts: latest.ozgwatch_browser_restarts_total ?? 0,
      cpuSeconds: ownCpuSeconds(daemonPid),
      machineCpuSeconds: machineBusySeconds(),
      eventLoopLagP99: latest.nodejs_eventloop_lag_p99_seconds ?? NaN,
    });
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const minuteTimer = setInterval(() => {
    const s = samples.at(-1);
    if (!s) return;
    log(
      `  ${s.t.toFixed(0).padStart(4)} s: RSS ${mib(s.rss)} MiB, heap ${mib(s.heapUsed)} MiB, fds ${s.fds}, Chromium ${s.chromiumProcesses} procs ${mib(s.chromiumPss)} MiB (escaped ${s.escapedProcesses}, zombies ${s.zombies}), WAL ${mib(s.walBytes)} MiB, runs stored ${s.storedRuns}, pending ${s.pendingWrites}, scrapes ${scrapes.length} (${scrapes.filter((x) => !x.ok).length} failed)`,
    );
  }, 60_000);

  // The soak: until the scraper's time is up, or the daemon ends early (which fails it).
  const daemonEnded = exited(daemon).then(() => 'daemon' as const);
  const ended = await Promise.race([scraperDone.then(() => 'scraper' as const), daemonEnded]);
  clearInterval(sampler);
  clearInterval(minuteTimer);
  if (ended === 'daemon') {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).slice(-3000);
    throw new Error(`the daemon ended during the soak (exit ${daemon.exitCode}):\n${tail}`);
  }
  sample();
  const last = samples.at(-1) as SoakSample;
  const loadAtEnd = os.loadavg()[0] as number;

  // The stop is measured too: SIGTERM, runs in flight finish, Chromium closes, store flushed.
  remember(descendants(daemonPid));
  const stopT0 = performance.now();
  daemon.kill('SIGTERM');
  await Promise.race([exited(daemon), sleep((BOUNDS.stopSeconds + 10) * 1000)]);
  const stopSeconds = (performance.now() - stopT0) / 1000;
  const exitCode = daemon.exitCode;
  // Chromium's processes end with their browser; give the kernel a moment to reap them.
  await sleep(1000);
  const chromiumLeft = [...seen.values()].filter((p) => stillRunning(p) && !isZombie(p)).length;
  const zombiesLeft = [...seen.values()].filter(isZombie).length;

  const warmup = warmupSeconds(totalSeconds);
  const window = samples.filter((s) => s.t >= warmup);
  // Latency over the judged window (the first journey loads Playwright and blocks the
  // daemon's event loop once, by design); failures over the whole soak.
  const lat = scrapes.filter((s) => s.ok && (s.at - startedAt) / 1000 >= warmup).map((s) => s.ms);
  const scrapeSummary = {
    scrapes: scrapes.length,
    failures: scrapes.filter((s) => !s.ok).length,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    maxMs: Math.max(0, ...lat),
    seconds: totalSeconds,
  };
  verdict = judge(samples, scrapeSummary, { stopSeconds, exitCode, chromiumLeft, totalSeconds });

  const first = window[0] ?? last;
  const span = last.t - first.t || 1;
  const byKind = runsByKindAndStatus(storeFile);
  const figures = {
    runsPerSecond: (last.runs - first.runs) / span,
    storedRuns: last.storedRuns,
    storeBytesPerRun: last.storeBytes / Math.max(1, last.storedRuns),
    skipped: last.skipped,
    browserRestarts: last.browserRestarts,
    artifactRuns: last.artifactRuns,
    artifactBytes: last.artifactBytes,
    daemonCores: (last.cpuSeconds - first.cpuSeconds) / span,
    machineCores: (last.machineCpuSeconds - first.machineCpuSeconds) / span,
    skippedByReason: Object.fromEntries(
      Object.entries(latest)
        .filter(([k]) => k.startsWith('ozgwatch_runs_skipped_total:'))
        .map(([k, v]) => [k.slice(k.indexOf(':') + 1), v]),
    ),
    eventLoopLagP99MaxMs: Math.max(0, ...window.map((s) => s.eventLoopLagP99 * 1000)),
  };

  log('\n| measure (half reduced to) | first half | second half | slope per hour | bound | ok |');
  log('|---|---:|---:|---:|---|---|');
  const row = (
    name: string,
    g: { first: number; second: number; perHour: number },
    unit: 'MiB' | '',
    bound: string,
    ok: boolean | undefined,
  ): void => {
    const v = (x: number): string => (unit === 'MiB' ? `${mib(x)} MiB` : x.toFixed(1));
    log(
      `| ${name} | ${v(g.first)} | ${v(g.second)} | ${g.perHour >= 0 ? '+' : ''}${v(g.perHour)} | ${bound} | ${ok ? 'yes' : '**no**'} |`,
    );
  };
  const ok = (name: string): boolean | undefined =>
    verdict?.checks.find((c) => c.name === name)?.ok;
  row(
    'daemon RSS (peak)',
    verdict.rss,
    'MiB',
    `max ${mib(BOUNDS.rssMaxBytes)} MiB (growth not judged)`,
    ok('daemon RSS'),
  );
  row(
    'V8 heap in use (floor)',
    verdict.heapFloor,
    'MiB',
    `+${BOUNDS.heapFloorGrowth * 100} %`,
    ok('V8 heap floor'),
  );
  row(
    'RSS beyond the largest V8 heap (peak)',
    verdict.beyondHeap,
    'MiB',
    `+${BOUNDS.beyondHeapGrowth * 100} %`,
    ok('RSS beyond the heap'),
  );
  row('open fds (median)', verdict.fds, '', `+${BOUNDS.fdGrowth}`, ok('open fds'));
  row(
    'Chromium PSS (peak)',
    verdict.chromiumPss,
    'MiB',
    `+${BOUNDS.chromiumPssGrowth * 100} %, max ${mib(BOUNDS.chromiumPssMaxBytes)} MiB`,
    ok('Chromium PSS'),
  );
  row(
    'Chromium processes (median)',
    verdict.chromiumProcesses,
    '',
    `+${BOUNDS.chromiumProcessGrowth}, max ${BOUNDS.chromiumProcessesMax}`,
    ok('Chromium processes'),
  );
  row('WAL (peak)', verdict.wal, 'MiB', `max ${mib(BOUNDS.walMaxBytes)} MiB`, ok('WAL size'));
  log('');
  for (const c of verdict.checks) log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  log(
    `\n  ${figures.runsPerSecond.toFixed(1)} runs/s; ${figures.storedRuns} runs stored (${mib(last.storeBytes)} MiB, ${(figures.storeBytesPerRun / 1024).toFixed(2)} KiB per run); ${figures.skipped} runs skipped ${JSON.stringify(figures.skippedByReason)}; Chromium replaced ${figures.browserRestarts} times; evidence of ${figures.artifactRuns} runs (${mib(figures.artifactBytes)} MiB); CPU: daemon ${figures.daemonCores.toFixed(2)} cores, whole machine ${figures.machineCores.toFixed(2)} (Chromium, portal, scraper, harness and anything else included; load average ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)}); event-loop lag p99 at most ${figures.eventLoopLagP99MaxMs.toFixed(1)} ms; start-up ${startupSeconds.toFixed(1)} s; after the stop ${zombiesLeft} Chromium zombies (orphans this machine's PID 1 does not reap)`,
  );
  for (const k of byKind)
    log(`  ${k.kind} ${k.status}${k.reason ? ` (${k.reason})` : ''}: ${k.runs}`);

  const date = new Date().toISOString();
  const file = path.join(
    import.meta.dirname,
    'results',
    // A shorter soak or one with diagnostic flags never overwrites the day's figures.
    `soak-${date.slice(0, 10)}${minutes === 10 ? '' : `-${minutes}min`}${extraFlags.length ? '-flags' : ''}.json`,
  );
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify(
      {
        date,
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        minutes,
        daemonFlags: [...DAEMON_V8_FLAGS, ...extraFlags],
        load: {
          httpProbes: HTTP_PROBES,
          httpEvery: '1s',
          journeys: JOURNEYS,
          a11yProbes: 2,
          a11yEvery: A11Y_EVERY,
          restartAfterRuns: RESTART_AFTER_RUNS,
        },
        bounds: BOUNDS,
        startupSeconds,
        loadAverage1m: { start: loadAtStart, end: loadAtEnd },
        stop: { seconds: stopSeconds, exitCode, chromiumLeft, zombiesLeft },
        figures,
        scrapes: { ...scrapeSummary, latenciesMs: scrapes.map((s) => Math.round(s.ms * 10) / 10) },
        runsByKindAndStatus: byKind,
        verdict,
        samples,
      },
      null,
      2,
    )}\n`,
  );
  log(`\nfigures written to ${path.relative(process.cwd(), file)}`);
  log(verdict.ok ? 'soak passed' : 'soak FAILED: a bound was broken');
} finally {
  scraper?.kill('SIGKILL');
  if (daemon?.pid && daemon.exitCode === null && daemon.signalCode === null) {
    remember(descendants(daemon.pid));
    daemon.kill('SIGKILL');
    await Promise.race([exited(daemon), sleep(5000)]);
  }
  const killed = killAll([...seen.values()]);
  if (killed > 0) process.stderr.write(`soak: killed ${killed} Chromium processes left behind\n`);
  if (portal) await stopChild(portal);
  if (!process.env.SOAK_KEEP) await rm(dir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exitCode = verdict?.ok ? 0 : 1;
