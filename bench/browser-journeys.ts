/**
 * Browser journeys per minute for a 3-step journey at a given number of concurrent
 * contexts: ozgwatch's shared browser against the naive way, a browser launched per run.
 * Memory (PSS of Node plus every Chromium process) is sampled by bench/run.ts from outside:
 * reading /proc of every Chromium process in here would take this process's CPU.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { pino } from 'pino';
import { checkBrowser } from '../src/checkers/browser/journey.ts';
import { browserSpecSchema, type BrowserSpec } from '../src/checkers/browser/spec.ts';
import { ArtifactStore } from '../src/runner/artifacts.ts';
import { BrowserHost, CHROMIUM_ARGS, chromiumExecutable } from '../src/runner/browser-host.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';

/**
 * `shared` and `per-run` run ozgwatch's journey. The `plain-` modes run the same three steps
 * written in plain Playwright, with none of a daemon run's instruments (request guard, trace,
 * vitals, redirect watch, evidence): the ratio of those two is the most that reusing a
 * browser can give a journey on this machine, whatever ozgwatch adds to it.
 */
export type JourneyMode = 'shared' | 'per-run' | 'plain-shared' | 'plain-per-run';

export const JOURNEY_MODES: readonly JourneyMode[] = [
  'shared',
  'per-run',
  'plain-shared',
  'plain-per-run',
];

export interface JourneyFigures {
  mode: JourneyMode;
  concurrency: number;
  runs: number;
  failed: number;
  seconds: number;
  journeysPerMinute: number;
}

/** What a browser and a context cost on their own, the bound on what reusing a browser saves. */
export interface BrowserCosts {
  executable: string;
  launchCloseMs: number;
  launchCloseCpuS: number;
  contextMs: number;
  contextCpuS: number;
}

const logger = pino({ level: 'silent' });

function threeSteps(portalUrl: string): BrowserSpec {
  return browserSpecSchema.parse({
    steps: [
      { name: 'start', goto: `${portalUrl}dienste/wohngeld/` },
      { name: 'antrag-oeffnen', click: { role: 'link', name: 'Online beantragen' } },
      { name: 'formular', expectText: 'Schritt 1 von 2' },
    ],
  });
}

export async function journeyThroughput(
  portalUrl: string,
  mode: JourneyMode,
  concurrency: number,
  seconds: number,
  maxRuns: number,
): Promise<JourneyFigures> {
  if (mode === 'plain-shared' || mode === 'plain-per-run')
    return plainThroughput(portalUrl, mode, concurrency, seconds, maxRuns);
  const spec = threeSteps(portalUrl);
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-journeys-'));
  const artifacts = new ArtifactStore(dir);
  const hosts = new HostLimiter(concurrency);
  // The naive baseline launches a browser for one run: nothing to keep warm for a next one.
  const newHost = (): BrowserHost =>
    new BrowserHost({
      args: [],
      restartAfterRuns: 100_000,
      memoryLimitMb: 100_000,
      downloadLimitMb: 20,
      logger,
      prewarm: mode === 'shared',
      ...executable(),
    });
  const shared = mode === 'shared' ? newHost() : undefined;
  let failed = 0;
  const one = async (i: number): Promise<void> => {
    const host = shared ?? newHost();
    try {
      const out = await checkBrowser(
        {
          signal: AbortSignal.timeout(30_000),
          logger,
          userAgent: 'ozgwatch-bench',
          hosts,
          now: Date.now,
          browser: host,
          artifacts: artifacts.forRun('bench', `run-${i}`),
        },
        spec,
      );
      if (out.status !== 'pass') failed++;
    } finally {
      if (!shared) await host.close();
    }
  };
  try {
    if (shared) await one(-1); // launch outside the measurement, as a running daemon has
    return await runFor(mode, one, () => failed, { concurrency, seconds, maxRuns });
  } finally {
    await shared?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `one` on `concurrency` lanes until `seconds` have passed or `maxRuns` were started;
 * `failed` tells how many of them failed.
 */
async function runFor(
  mode: JourneyMode,
  one: (i: number) => Promise<void>,
  failed: () => number,
  { concurrency, seconds, maxRuns }: { concurrency: number; seconds: number; maxRuns: number },
): Promise<JourneyFigures> {
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let started = 0;
  let runs = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < maxRuns && performance.now() < end) {
        await one(started++);
        runs++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return {
    mode,
    concurrency,
    runs,
    failed: failed(),
    seconds: elapsed,
    journeysPerMinute: (runs / elapsed) * 60,
  };
}

/** The three steps of `threeSteps` in plain Playwright, in a fresh context as a daemon run has. */
async function plainThroughput(
  portalUrl: string,
  mode: 'plain-shared' | 'plain-per-run',
  concurrency: number,
  seconds: number,
  maxRuns: number,
): Promise<JourneyFigures> {
  const { chromium } = await import('playwright');
  const executablePath = executable().executablePath ?? (await chromiumExecutable());
  const launch = (): Promise<Browser> =>
    chromium.launch({ ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS] });
  const shared = mode === 'plain-shared' ? await launch() : undefined;
  let failed = 0;
  const one = async (): Promise<void> => {
    const browser = shared ?? (await launch());
    try {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${portalUrl}dienste/wohngeld/`, { timeout: 30_000 });
        await page.getByRole('link', { name: 'Online beantragen' }).click({ timeout: 30_000 });
        await page.getByText('Schritt 1 von 2').first().waitFor({ timeout: 30_000 });
      } catch {
        failed++;
      } finally {
        await context.close();
      }
    } finally {
      if (!shared) await browser.close();
    }
  };
  try {
    if (shared) await one(); // as above: the browser and Playwright are warm before measuring
    failed = 0;
    return await runFor(mode, one, () => failed, { concurrency, seconds, maxRuns });
  } finally {
    await shared?.close();
  }
}

/** `BENCH_CHROMIUM`: another Chromium than the daemon would pick (e.g. the full browser). */
function executable(): { executablePath?: string } {
  const chosen = process.env.BENCH_CHROMIUM;
  return chosen ? { executablePath: chosen } : {};
}

/**
 * CPU seconds the whole machine has spent so far (user, nice, system, irq, softirq).
 * Chromium's own processes are not all reaped by their parents (a zygote outlives the
 * browser and ends as a child of init), so per-process accounting loses much of a launch;
 * on an otherwise quiet machine this is the complete figure.
 */
function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number);
  if (!f) return 0;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = f;
  return (user + nice + system + irq + softirq) / 100;
}

/**
 * A Chromium launch and close, and a fresh context with its page (made and closed in a
 * running browser), each timed over `rounds` rounds: the ratio of the two is what a shared
 * browser can save per run at most.
 */
export async function browserCosts(rounds: number): Promise<BrowserCosts> {
  const { chromium } = await import('playwright');
  const executablePath = executable().executablePath ?? (await chromiumExecutable());
  const launch = () =>
    chromium.launch({ ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS] });
  await (await launch()).close(); // load Playwright and warm the file cache first
  let t0 = performance.now();
  let c0 = machineCpuSeconds();
  for (let i = 0; i < rounds; i++) await (await launch()).close();
  const launchCloseMs = (performance.now() - t0) / rounds;
  const launchCloseCpuS = (machineCpuSeconds() - c0) / rounds;
  // Measured as one launch-to-close span, less a launch and close: a context's renderer
  // ends after `close` returns.
  t0 = performance.now();
  c0 = machineCpuSeconds();
  const browser = await launch();
  for (let i = 0; i < rounds; i++) {
    const context = await browser.newContext();
    await context.newPage();
    await context.close();
  }
  await browser.close();
  return {
    executable: executablePath ?? chromium.executablePath(),
    launchCloseMs,
    launchCloseCpuS,
    contextMs: Math.max(0, (performance.now() - t0) / rounds - launchCloseMs / rounds),
    contextCpuS: Math.max(0, (machineCpuSeconds() - c0 - launchCloseCpuS) / rounds),
  };
}
