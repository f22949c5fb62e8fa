/**
 * One Lighthouse audit, in a process of its own: Lighthouse holds ~0.3–1.5 GB while it
 * works and must not share the daemon's heap or event loop. Reads its task as JSON on
 * standard input, starts its own headless Chromium (in this process's group, so that the
 * parent kills both at once), writes the full report to the given file and prints one
 * JSON line with the scores and main metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lighthouse, { desktopConfig, type Flags } from 'lighthouse';
import type { AllowedRequest } from '../browser/guard.ts';
import { proxyAuthenticator, type ProxyAuthenticator, type ProxyLogin } from './proxy-login.ts';
import { guardBrowser, type BrowserRequestGuard, type HeldBack } from './request-guard.ts';

export interface LighthouseTask {
  url: string;
  categories: string[];
  formFactor: 'desktop' | 'mobile';
  executablePath: string;
  chromeFlags: string[];
  userAgent: string;
  reportPath: string;
  /** Requests the probe lets through although they could change state. */
  allowed: AllowedRequest[];
  /**
   * The outbound proxies that want a login, with their credentials: Chromium's
   * `--proxy-server` takes none, so their 407 is answered over the DevTools protocol.
   */
  proxyLogins: ProxyLogin[];
}

export interface LighthouseSummary {
  lighthouseVersion: string;
  finalUrl: string;
  /** 0–1 per category; null when Lighthouse could not score it. */
  scores: Record<string, number | null>;
  /** Seconds, except `cls` (unitless). */
  metrics: Record<string, number>;
  /** Why Lighthouse could not audit the page; `netError` is Chromium's `net::ERR_…` when one was logged. */
  runtimeError?: { code: string; message: string; netError?: string };
  warnings: string[];
  /** What the request guard held back during the audit. */
  blocked: HeldBack[];
  /** The outbound proxy (its origin) that answered 407 to the credentials, if one did. */
  proxyRefused?: string;
}

/** Lighthouse audit ids of the main metrics, by the name ozgwatch reports them under. */
const METRICS: Record<string, [audit: string, toBase: number]> = {
  fcp: ['first-contentful-paint', 1e-3],
  lcp: ['largest-contentful-paint', 1e-3],
  tbt: ['total-blocking-time', 1e-3],
  cls: ['cumulative-layout-shift', 1],
  speedIndex: ['speed-index', 1e-3],
  tti: ['interactive', 1e-3],
};

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** Chromium with a debugging port; resolves once it listens, with its DevTools address. */
async function startChromium(
  task: LighthouseTask,
  profile: string,
): Promise<{ browser: ChildProcess; endpoint: string }> {
  const browser = spawn(
    task.executablePath,
    [
      '--headless',
      // Without the sandbox, as Playwright launches the daemon's own Chromium by default
      // (it cannot start as root or in most containers otherwise).
      '--no-sandbox',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      ...task.chromeFlags,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    browser.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (m) resolve(m[1] as string);
      else if (seen.length > 64 * 1024) seen = seen.slice(-1024);
    });
    browser.once('error', reject);
    browser.once('exit', (code) =>
      reject(new Error(`Chromium exited with code ${code}: ${seen.trim().slice(-300)}`)),
    );
  });
  return { browser, endpoint };
}

async function audit(task: LighthouseTask): Promise<LighthouseSummary> {
  const profile = await mkdtemp(path.join(tmpdir(), 'ozgwatch-lighthouse-'));
  const chrome = await startChromium(task, profile).catch(async (error: unknown) => {
    await rm(profile, { recursive: true, force: true });
    throw error;
  });
  let guard: BrowserRequestGuard | undefined;
  // Also without a proxy login: a page that asks for its own login is declined the same way.
  const login: ProxyAuthenticator = proxyAuthenticator(task.proxyLogins);
  try {
    // Before Lighthouse opens its page: from the first request on, nothing that could change
    // state is sent unless the probe allows it. Without the guard there is no audit.
    guard = await guardBrowser(chrome.endpoint, task.allowed, login);
    const flags: Flags = {
      port: Number(new URL(chrome.endpoint).port),
      output: 'json',
      logLevel: 'error',
      onlyCategories: task.categories,
      emulatedUserAgent: task.userAgent,
    };
    const result = await lighthouse(
      task.url,
      flags,
      task.formFactor === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error('Lighthouse returned no result');
    const { lhr } = result;
    const netError = lhr.runtimeError ? documentNetError(result.artifacts) : undefined;
    await writeFile(task.reportPath, String(result.report));
    const metrics: Record<string, number> = {};
    for (const [name, [id, toBase]] of Object.entries(METRICS)) {
      const value = lhr.audits[id]?.numericValue;
      if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value * toBase;
    }
    return {
      lighthouseVersion: lhr.lighthouseVersion,
      finalUrl: lhr.finalDisplayedUrl,
      scores: Object.fromEntries(task.categories.map((c) => [c, lhr.categories[c]?.score ?? null])),
      metrics,
      ...(lhr.runtimeError
        ? {
            runtimeError: {
              code: lhr.runtimeError.code,
              message: lhr.runtimeError.message,
              ...(netError ? { netError } : {}),
            },
          }
        : {}),
      warnings: lhr.runWarnings.map(String),
      blocked: [...guard.blocked],
      ...(login.refusedBy ? { proxyRefused: login.refusedBy } : {}),
    };
  } finally {
    chrome.browser.kill('SIGKILL');
    await new Promise((r) => chrome.browser.once('exit', r));
    // Only after Chromium is gone: without its DevTools client, Chromium would let what it
    // still sends (a beacon as Lighthouse closes the page) go out unguarded.
    guard?.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * The network error of the audited document (`net::ERR_CONNECTION_REFUSED` …). Lighthouse
 * names a refused connection only "CHROME_INTERSTITIAL_ERROR"; its DevTools logs hold what
 * Chromium said. They are an internal artifact of Lighthouse: when their shape changes, the
 * error is simply not named.
 */
function documentNetError(artifacts: unknown): string | undefined {
  const logs = artifacts as
    | Partial<Record<'DevtoolsLog' | 'DevtoolsLogError', { method: string; params: unknown }[]>>
    | undefined;
  for (const log of [logs?.DevtoolsLogError, logs?.DevtoolsLog]) {
    if (!Array.isArray(log)) continue;
    const params = (m: { params: unknown }) =>
      (m.params ?? {}) as { requestId?: string; type?: string; errorText?: string };
    const documents = new Set(
      log
        .filter((m) => m.method === 'Network.requestWillBeSent' && params(m).type === 'Document')
        .map((m) => params(m).requestId),
    );
    const failed = log.find(
      (m) => m.method === 'Network.loadingFailed' && documents.has(params(m).requestId),
    );
    const text = failed ? params(failed).errorText : undefined;
    if (text?.startsWith('net::')) return text;
  }
  return undefined;
}

const summary = await audit(JSON.parse(await readStdin()) as LighthouseTask);
process.stdout.write(`${JSON.stringify(summary)}\n`);
