import type { BrowserContext, Route } from 'playwright';
import type { BlockedRequest } from '../../results/result.ts';
import type { HostLimiter } from '../../runner/host-limiter.ts';

/** Methods that never change state on the server (RFC 9110 "safe"). */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AllowedRequest {
  method: string;
  url: string;
}

export interface Guard {
  readonly blocked: BlockedRequest[];
  /** The step the next blocked request is attributed to. */
  step: string;
  /**
   * Binds the guard to one run: the requests its probe allows, the per-host limit and the
   * run's deadline. Until then nothing is allowed beyond safe methods and navigations go
   * unlimited (a prepared context makes no requests of its own).
   */
  arm(run: GuardRun): void;
}

export interface GuardRun {
  allowed: readonly AllowedRequest[];
  hosts: HostLimiter;
  signal: AbortSignal;
}

/**
 * Intercepts every request of the context. A request that could change state
 * (anything but GET/HEAD/OPTIONS) is aborted and recorded unless the probe allows it:
 * a journey must never submit a real application. Navigations of the main frame
 * also wait for a slot of the per-host limit, like HTTP probes.
 *
 * The route is installed before the run is known (a prepared context), so what a run
 * permits is read at each request from {@link Guard.arm}.
 */
export async function prepareGuard(context: BrowserContext): Promise<Guard> {
  let matchers: { method: string; test: (url: string) => boolean }[] = [];
  let run: GuardRun | undefined;
  const guard: Guard = {
    blocked: [],
    step: '',
    arm: (armed) => {
      run = armed;
      matchers = armed.allowed.map((a) => ({ method: a.method, test: urlMatcher(a.url) }));
    },
  };
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    const method = request.method();
    if (!SAFE.has(method) && !matchers.some((m) => m.method === method && m.test(request.url()))) {
      guard.blocked.push({ method, url: request.url(), step: guard.step });
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    if (!run || !request.isNavigationRequest() || !/^https?:/.test(request.url())) {
      await route.continue().catch(() => undefined);
      return;
    }
    const host = new URL(request.url()).host;
    await run.hosts
      .run(host, run.signal, async () => {
        await route.continue();
        // Hold the slot until the server answered (or the request failed).
        await request.response().catch(() => null);
      })
      .catch(() => route.abort('aborted').catch(() => undefined));
  });
  return guard;
}

/** {@link prepareGuard} and {@link Guard.arm} in one, for a context made for this run. */
export async function installGuard(
  context: BrowserContext,
  allowed: readonly AllowedRequest[],
  hosts: HostLimiter,
  signal: AbortSignal,
): Promise<Guard> {
  const guard = await prepareGuard(context);
  guard.arm({ allowed, hosts, signal });
  return guard;
}

/** `/regex/` or a glob where `**` spans path segments and `*` stays within one. */
export function urlMatcher(pattern: string): (url: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) {
    const re = new RegExp(regex[1] as string, regex[2]);
    return (url) => re.test(url);
  }
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return (url) => re.test(url);
}
