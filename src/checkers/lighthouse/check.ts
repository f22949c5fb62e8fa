import { spawn } from 'node:child_process';
import { fullChromium } from '../../runner/browser-host.ts';
import type { LighthouseReport, Outcome, ReasonCode } from '../../results/result.ts';
import { blockedSocketWarnings, onPage } from '../browser/guard-warnings.ts';
import { netReason } from '../browser/net-reason.ts';
import type { Checker, CheckContext } from '../checker.ts';
import type { LighthouseSummary, LighthouseTask } from './child.ts';
import { proxyLogins } from './proxy-login.ts';
import { lighthouseSpecSchema, type LighthouseSpec } from './spec.ts';

const CHILD = new URL('./child.ts', import.meta.url);
/** What the child may print (one summary line); more is a broken child, not a report. */
const STDOUT_LIMIT = 1024 * 1024;

export const lighthouseChecker: Checker<LighthouseSpec> = {
  kind: 'lighthouse',
  spec: lighthouseSpecSchema,
  // A pool of its own with one slot: an audit costs ~10 s of a core and up to 1.5 GB,
  // and must never take the browser pool's slots from journeys.
  pool: 'lighthouse',
  concurrency: 1,
  check: checkLighthouse,
};

/**
 * Audits one page with Lighthouse in a child process (its own Chromium, the daemon's
 * binary and flags), within the run's deadline and one slot of the per-host limit. The
 * full JSON report is kept as an artifact; scores and main metrics go into the result.
 * Behind an outbound proxy that wants a login, the child answers the proxy's 407 with its
 * credentials; a proxy that refuses them ends the run as ozgwatch's error.
 * Lighthouse's scores are findings, not availability: a scored page passes. The request
 * guard holds back what the page would send that could change state (`allowRequests`
 * aside), and the result lists it in `blockedRequests`.
 */
export async function checkLighthouse(ctx: CheckContext, spec: LighthouseSpec): Promise<Outcome> {
  if (!ctx.browser || !ctx.artifacts) {
    return {
      status: 'error',
      reason: 'internal',
      message: 'no browser configured',
      assertions: [],
    };
  }
  const settings = await ctx.browser.launchSettings();
  const executablePath = await fullChromium(settings.executablePath);
  if (!executablePath) {
    return {
      status: 'error',
      reason: 'internal',
      message: `Lighthouse needs a full Chromium; ${settings.executablePath} is the headless shell (install Debian's chromium or Playwright's full Chromium, or set browser.executablePath to one)`,
      assertions: [],
    };
  }
  const task: LighthouseTask = {
    url: spec.url,
    categories: spec.categories,
    formFactor: spec.formFactor,
    executablePath,
    chromeFlags: settings.args,
    userAgent: ctx.userAgent,
    reportPath: await ctx.artifacts.path('lighthouse.json'),
    allowed: spec.allowRequests,
    // Over the child's standard input, as the rest of the task: never in its argv or
    // environment, which `ps` shows to every user of the host.
    proxyLogins: proxyLogins(ctx.proxy),
  };
  const artifacts = ctx.artifacts;
  return ctx.hosts.run(new URL(spec.url).host, ctx.signal, async () => {
    const ran = await runChild(task, ctx.signal);
    if (typeof ran === 'string') {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return { status: 'error', reason: 'internal', message: ran, assertions: [] };
    }
    const report: LighthouseReport = {
      version: ran.lighthouseVersion,
      url: ran.finalUrl || spec.url,
      formFactor: spec.formFactor,
      scores: ran.scores,
      metrics: ran.metrics,
      ...(ran.warnings.length > 0 ? { warnings: ran.warnings } : {}),
    };
    const evidence = [await artifacts.describe('lighthouse.json', 'report', 'application/json')];
    const blocked = guarded(ran, spec.url);
    if (ran.proxyRefused) {
      // Whatever Lighthouse made of it, the page was not loaded as it is: no scores either.
      return {
        status: 'error',
        reason: 'proxy_error',
        message: `Lighthouse could not audit the page: the outbound proxy ${ran.proxyRefused} answered 407 Proxy Authentication Required to ozgwatch's credentials`,
        assertions: [],
        artifacts: evidence,
        ...blocked,
      };
    }
    if (ran.runtimeError) {
      const reason = lighthouseReason(ran.runtimeError);
      return {
        // The proxy failing is ours: nothing is known about the page.
        status: reason === 'proxy_error' ? 'error' : 'fail',
        reason,
        message: `Lighthouse could not audit the page: ${ran.runtimeError.code}${ran.runtimeError.netError ? `, ${ran.runtimeError.netError}` : ''} (${ran.runtimeError.message.split('\n')[0]})`,
        assertions: [],
        lighthouse: report,
        artifacts: evidence,
        ...blocked,
      };
    }
    const scores = Object.entries(ran.scores)
      .map(([c, s]) => `${c} ${s === null ? '–' : Math.round(s * 100)}`)
      .join(', ');
    return {
      status: 'pass',
      message: `Lighthouse ${ran.lighthouseVersion}: ${scores}`,
      assertions: [],
      lighthouse: report,
      artifacts: evidence,
      ...blocked,
    };
  });
}

/**
 * What the request guard held back, as a page scan reports it: listed under the audited
 * page, a blocked WebSocket also a warning (the page was audited without what its socket
 * would have shown). As in a scan, it does not change the status.
 */
function guarded(
  ran: LighthouseSummary,
  page: string,
): Pick<Outcome, 'blockedRequests' | 'warnings'> {
  if (ran.blocked.length === 0) return {};
  const blockedRequests = ran.blocked.map((b) => ({ ...b, step: page }));
  const warnings = blockedSocketWarnings(blockedRequests, onPage);
  return { blockedRequests, ...(warnings.length > 0 ? { warnings } : {}) };
}

/**
 * Runs the child in a process group of its own (its Chromium included), so that at the
 * deadline all of it is killed at once. The summary, or why there is none.
 */
function runChild(task: LighthouseTask, signal: AbortSignal): Promise<LighthouseSummary | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD.pathname], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    signal.addEventListener('abort', killGroup, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > STDOUT_LIMIT) killGroup();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.on('error', (error) => resolve(`Lighthouse did not start: ${error.message}`));
    child.on('close', (code) => {
      signal.removeEventListener('abort', killGroup);
      killGroup(); // a Chromium the child left behind
      if (signal.aborted) return resolve('aborted');
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as LighthouseSummary);
      } catch {
        const why =
          stderr
            .trim()
            .split('\n')
            .find((l) => /error/i.test(l)) ?? stderr.trim();
        resolve(`Lighthouse exited with code ${code}: ${why.slice(0, 300) || 'no output'}`);
      }
    });
    child.stdin.end(JSON.stringify(task));
  });
}

/**
 * Chromium's errors that name the proxy itself: unreachable, or wanting a login Chromium
 * cannot give. (ERR_TUNNEL_CONNECTION_FAILED is left to the target: Chromium gives it also
 * for the proxy's 502 when the target does not answer.)
 */
const PROXY_NET_ERRORS =
  /^ERR_(PROXY_CONNECTION_FAILED|PROXY_AUTH_UNSUPPORTED|PROXY_AUTH_REQUESTED|PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION|MANDATORY_PROXY_CONFIGURATION_FAILED|INVALID_AUTH_CREDENTIALS)$/;

/**
 * The reason code of a page Lighthouse could not load, from its `runtimeError`: the same
 * names a journey gives (`dns`, `connect`, `http_status` …); `navigation_timeout` for a page
 * that answered but never painted or hung (NO_FCP, PAGE_HUNG and the like).
 */
export function lighthouseReason(error: {
  code: string;
  message: string;
  netError?: string;
}): ReasonCode {
  const net = /net::(ERR_[A-Z_]+)/.exec(`${error.netError ?? ''} ${error.message}`)?.[1];
  if (net && PROXY_NET_ERRORS.test(net)) return 'proxy_error';
  switch (error.code) {
    case 'DNS_FAILURE':
      return 'dns';
    case 'ERRORED_DOCUMENT_REQUEST':
      return 'http_status';
    case 'INSECURE_DOCUMENT_REQUEST':
      return 'cert_invalid';
    case 'TARGET_CRASHED':
      return 'browser_crash';
    case 'FAILED_DOCUMENT_REQUEST':
      return net ? netReason(net) : 'connect';
    default:
      return net ? netReason(net) : 'navigation_timeout';
  }
}
