/**
 * Browser journeys per minute and peak memory (PSS of Node plus every Chromium process)
 * for a 3-step journey at 1, 2 and 4 concurrent contexts: ozgwatch's shared browser
 * against the naive way, a browser launched per run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { checkBrowser } from '../src/checkers/browser/journey.ts';
import { browserSpecSchema, type BrowserSpec } from '../src/checkers/browser/spec.ts';
import { ArtifactStore } from '../src/runner/artifacts.ts';
import { BrowserHost } from '../src/runner/browser-host.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';
import { treeMemoryBytes } from '../src/runner/process-tree.ts';

export interface JourneyFigures {
  mode: 'shared' | 'per-run';
  concurrency: number;
  runs: number;
  failed: number;
  seconds: number;
  journeysPerMinute: number;
  peakPssMb: number;
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
  mode: JourneyFigures['mode'],
  concurrency: number,
  seconds: number,
  maxRuns: number,
): Promise<JourneyFigures> {
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
      logger,
      prewarm: mode === 'shared',
    });
  const shared = mode === 'shared' ? newHost() : undefined;
  let peak = 0;
  const sampler = setInterval(
    () => (peak = Math.max(peak, treeMemoryBytes(process.pid, 'smaps_rollup', 'Pss') / 2 ** 20)),
    250,
  );
  let runs = 0;
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
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    let started = 0;
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
      failed,
      seconds: elapsed,
      journeysPerMinute: (runs / elapsed) * 60,
      peakPssMb: peak,
    };
  } finally {
    clearInterval(sampler);
    await shared?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
