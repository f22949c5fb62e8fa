/**
 * Accessibility scan throughput: `ozgwatch scan --checks a11y` against `pa11y-ci` (axe
 * runner, the same Chromium) on the same 20 pages, each tool as a whole command, in one
 * benchmark run. pa11y-ci is not a dependency of ozgwatch: it is installed on first use
 * into a cache folder (its Puppeteer's browser download is skipped; it uses Chromium).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

export interface A11yBenchFigures {
  pages: number;
  ozgwatchSeconds: number;
  ozgwatchPagesPerMinute: number;
  ozgwatchAxeMedianSeconds: number;
  pa11yCiSeconds: number | null;
  pa11yCiPagesPerMinute: number | null;
  ratio: number | null;
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
  const urls = Array.from({ length: 20 }, (_, i) => `${siteUrl}seite/${i}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-a11y-'));
  try {
    const cli = path.join(import.meta.dirname, '../src/cli/main.ts');
    const t0 = performance.now();
    const { stdout } = await execFileAsync(
      process.execPath,
      [cli, 'scan', '--checks', 'a11y', '--json', '--data', dir, ...urls],
      { maxBuffer: 64 * 2 ** 20, timeout: 600_000 },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout })); // exit 1: violations found
    const ozgwatchSeconds = (performance.now() - t0) / 1000;
    const docs = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { a11y: { violations: unknown[]; seconds?: number } });
    if (docs.length !== urls.length)
      throw new Error(`ozgwatch scanned ${docs.length} of ${urls.length} pages`);
    const axeSeconds = docs
      .map((d) => (d.a11y as { seconds?: number }).seconds ?? NaN)
      .sort((a, b) => a - b);

    let pa11yCiSeconds: number | null = null;
    if (ensurePa11yCi()) {
      await mkdir(dir, { recursive: true });
      const executablePath = (await chromiumExecutable()) ?? undefined;
      const config = path.join(dir, 'pa11yci.json');
      await writeFile(
        config,
        JSON.stringify({
          defaults: {
            runners: ['axe'],
            concurrency: 2,
            timeout: 60_000,
            chromeLaunchConfig: {
              ...(executablePath ? { executablePath } : {}),
              args: ['--no-sandbox', ...CHROMIUM_ARGS],
            },
          },
          urls,
        }),
      );
      const t1 = performance.now();
      await execFileAsync(PA11Y_CI, ['--config', config, '--json'], {
        maxBuffer: 64 * 2 ** 20,
        timeout: 600_000,
      }).catch(
        () => undefined, // exit 2: issues found
      );
      pa11yCiSeconds = (performance.now() - t1) / 1000;
    }
    const perMinute = (s: number): number => (urls.length / s) * 60;
    return {
      pages: urls.length,
      ozgwatchSeconds,
      ozgwatchPagesPerMinute: perMinute(ozgwatchSeconds),
      ozgwatchAxeMedianSeconds: axeSeconds[Math.floor(axeSeconds.length / 2)] ?? NaN,
      pa11yCiSeconds,
      pa11yCiPagesPerMinute: pa11yCiSeconds === null ? null : perMinute(pa11yCiSeconds),
      ratio: pa11yCiSeconds === null ? null : pa11yCiSeconds / ozgwatchSeconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
