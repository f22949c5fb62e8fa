/**
 * Accessibility scan throughput: `ozgwatch scan --checks a11y` against `pa11y-ci` (axe
 * runner) on the same 20 pages, each tool as a whole command, in one benchmark run, at
 * one and at two pages in parallel (pa11y-ci's default is one; ozgwatch's is two on two
 * cores). Both run the Chromium ozgwatch would pick, or `OZGWATCH_BROWSER_PATH`.
 * pa11y-ci is not a dependency of ozgwatch: it is installed on first use into a cache
 * folder (its Puppeteer's browser download is skipped). Pages a tool could not scan are
 * counted: a run that lost pages is no throughput figure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM_ARGS, chromiumExecutable } from '../src/runner/browser-host.ts';

const execFileAsync = promisify(execFile);
const CACHE = path.join(
  process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'),
  'ozgwatch-bench',
);
const PA11Y_CI = path.join(CACHE, 'node_modules', '.bin', 'pa11y-ci');
const PAGES = 20;

export interface ScanRun {
  tool: 'ozgwatch' | 'pa11y-ci';
  /** Pages in parallel: ozgwatch's browser contexts, pa11y-ci's `concurrency`. */
  parallel: number;
  seconds: number;
  pagesPerMinute: number;
  /** Pages that ended with an error instead of findings. */
  failedPages: number;
  firstError?: string;
}

export interface A11yBenchFigures {
  pages: number;
  /** The Chromium both tools ran. */
  browser: string;
  /** ozgwatch's axe time per page (injection and run), median over the 2-context run. */
  ozgwatchAxeMedianSeconds: number;
  runs: ScanRun[];
  /** pa11y-ci was not installable: no comparison. */
  pa11yCiMissing: boolean;
}

function ensurePa11yCi(): boolean {
  if (existsSync(PA11Y_CI)) return true;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const installed = spawnSync(
    npm,
    ['install', '--prefix', CACHE, '--no-audit', '--no-fund', 'pa11y-ci@4'],
    { env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' }, stdio: 'ignore', timeout: 180_000 },
  );
  return installed.status === 0 && existsSync(PA11Y_CI);
}

export async function a11yThroughput(siteUrl: string): Promise<A11yBenchFigures> {
  const urls = Array.from({ length: PAGES }, (_, i) => `${siteUrl}seite/${i}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-a11y-'));
  try {
    const executablePath = process.env.OZGWATCH_BROWSER_PATH ?? (await chromiumExecutable());
    const runs: ScanRun[] = [];
    let axeMedian = NaN;
    for (const parallel of [1, 2]) {
      const { run, axeSeconds } = await runOzgwatch(dir, urls, parallel);
      runs.push(run);
      if (parallel === 2) axeMedian = axeSeconds[Math.floor(axeSeconds.length / 2)] ?? NaN;
    }
    const installed = ensurePa11yCi();
    if (installed) {
      for (const parallel of [1, 2])
        runs.push(await runPa11yCi(dir, urls, parallel, executablePath));
    }
    return {
      pages: urls.length,
      browser: executablePath ?? "Playwright's Chromium",
      ozgwatchAxeMedianSeconds: axeMedian,
      runs,
      pa11yCiMissing: !installed,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function perMinute(pages: number, seconds: number): number {
  return (pages / seconds) * 60;
}

async function runOzgwatch(
  dir: string,
  urls: string[],
  parallel: number,
): Promise<{ run: ScanRun; axeSeconds: number[] }> {
  const cli = path.join(import.meta.dirname, '../src/cli/main.ts');
  const config = path.join(dir, `ozgwatch-${parallel}.yaml`);
  await writeFile(config, `concurrency:\n  kinds:\n    browser: ${parallel}\n`);
  const started = performance.now();
  const { stdout } = await execFileAsync(
    process.execPath,
    [cli, 'scan', '--checks', 'a11y', '--json', '--config', config, '--data', dir, ...urls],
    { maxBuffer: 64 * 2 ** 20, timeout: 600_000 },
  ).catch((error: { stdout: string }) => ({ stdout: error.stdout })); // exit 1: violations found
  const seconds = (performance.now() - started) / 1000;
  const docs = stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { a11y?: { seconds?: number; error?: string } });
  const failed = docs.filter((d) => d.a11y?.error !== undefined);
  const firstError = failed[0]?.a11y?.error;
  return {
    run: {
      tool: 'ozgwatch',
      parallel,
      seconds,
      pagesPerMinute: perMinute(urls.length, seconds),
      failedPages: urls.length - docs.length + failed.length,
      ...(firstError ? { firstError } : {}),
    },
    axeSeconds: docs.map((d) => d.a11y?.seconds ?? NaN).sort((a, b) => a - b),
  };
}

async function runPa11yCi(
  dir: string,
  urls: string[],
  parallel: number,
  executablePath: string | undefined,
): Promise<ScanRun> {
  const config = path.join(dir, `pa11yci-${parallel}.json`);
  await writeFile(
    config,
    JSON.stringify({
      defaults: {
        runners: ['axe'],
        concurrency: parallel,
        timeout: 60_000,
        chromeLaunchConfig: {
          ...(executablePath ? { executablePath } : {}),
          args: ['--no-sandbox', ...CHROMIUM_ARGS],
        },
      },
      urls,
    }),
  );
  const started = performance.now();
  const { stdout } = await execFileAsync(PA11Y_CI, ['--config', config, '--json'], {
    maxBuffer: 64 * 2 ** 20,
    timeout: 600_000,
  }).catch((error: { stdout: string }) => ({ stdout: error.stdout })); // exit 2: issues found
  const seconds = (performance.now() - started) / 1000;
  // Per URL a list of issues; a page pa11y could not scan has one entry with only a message.
  const report = JSON.parse(stdout || '{"results":{}}') as {
    results: Record<string, { code?: string; message?: string }[]>;
  };
  const failed = Object.values(report.results).filter((issues) => issues.some((i) => !i.code));
  const firstError = failed[0]?.find((i) => !i.code)?.message;
  return {
    tool: 'pa11y-ci',
    parallel,
    seconds,
    pagesPerMinute: perMinute(urls.length, seconds),
    failedPages: urls.length - Object.keys(report.results).length + failed.length,
    ...(firstError ? { firstError: firstError.slice(0, 120) } : {}),
  };
}
