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
}

/**
 * Intercepts every request of the context. A request that could change state
 * (anything but GET/HEAD/OPTIONS) is aborted and recorded unless the probe allows it:
 * a journey must never submit a real application. Navigations of the main frame
 * also wait for a slot of the per-host limit, like HTTP probes.
 */
export async function installGuard(
  context: BrowserContext,
  allowed: readonly AllowedRequest[],
  hosts: HostLimiter,
  signal: AbortSignal,
): Promise<Guard> {
  const matchers = allowed.map((a) => ({ method: a.method, test: urlMatcher(a.url) }));
  const guard: Guard = { blocked: [], step: '' };
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    const method = request.method();
    if (!SAFE.has(method) && !matchers.some((m) => m.method === method && m.test(request.url()))) {
      guard.blocked.push({ method, url: request.url(), step: guard.step });
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    if (!request.isNavigationRequest() || !/^https?:/.test(request.url())) {
      await route.continue().catch(() => undefined);
      return;
    }
    const host = new URL(request.url()).host;
    await hosts
      .run(host, signal, async () => {
        await route.continue();
        // Hold the slot until the server answered (or the request failed).
        await request.response().catch(() => null);
      })
      .catch(() => route.abort('aborted').catch(() => undefined));
  });
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
