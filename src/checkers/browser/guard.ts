import type { BrowserContext, Page, Request, Route } from 'playwright';
import type { BlockedRequest } from '../../results/result.ts';
import type { HostLimiter } from '../../runner/host-limiter.ts';
import { guardWorkerSockets } from './worker-sockets.ts';

/** Methods that never change state on the server (RFC 9110 "safe"). */
export const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AllowedRequest {
  method: string;
  url: string;
}

export interface Guard {
  readonly blocked: BlockedRequest[];
  /**
   * WebSockets that were opened although the probe did not allow them: a worker's, in a
   * browser whose DevTools port the guard could not reach (see {@link guardWorkerSockets}).
   * Seen as they open, so recorded, never stopped: what the page sent over them reached
   * the server.
   */
  readonly unguarded: BlockedRequest[];
  /** The step the next blocked request is attributed to. */
  step: string;
  /**
   * Binds the guard to one run: the requests its probe allows, the per-host limit and the
   * run's deadline. Until then every request is refused, safe or not: a context used before
   * its run armed it would go unlimited (a prepared context makes no requests of its own).
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
 * `context.route` does not see everything a page can send, so the guard closes the other
 * ways too: WebSockets (a Blazor Server or SignalR application sends "Antrag absenden" as a
 * message on its socket) are not connected unless allowed, and {@link PAGE_GUARD} keeps
 * pages from sending what the browser would send where no route sees it (beacons and
 * keepalive requests as a page goes away, shared workers).
 *
 * A WebSocket opened inside a worker (dedicated, module, nested or `blob:`) is none of
 * those: Playwright closes sockets by a script it puts in pages, which workers do not run, no
 * route sees a handshake, and a nested or `blob:` worker's script is no routed request that
 * could carry a guard of ours. So {@link guardWorkerSockets} attaches to each worker over the
 * browser's DevTools port, paused before its first line, and puts a `WebSocket` there that
 * asks this guard first (same matching, same record). Where that port cannot be reached, such
 * a socket connects, and is recorded as it opens ({@link Guard.unguarded}), so the result says so.
 *
 * The route is installed before the run is known (a prepared context), so what a run
 * permits is read at each request from {@link Guard.arm}.
 */
export async function prepareGuard(context: BrowserContext): Promise<Guard> {
  let matchers: { method: string; test: (url: string) => boolean }[] = [];
  let run: GuardRun | undefined;
  const guard: Guard = {
    blocked: [],
    unguarded: [],
    step: '',
    arm: (armed) => {
      run = armed;
      matchers = armed.allowed.map((a) => ({ method: a.method, test: urlMatcher(a.url) }));
    },
  };
  const allows = (method: string, url: string): boolean =>
    matchers.some((m) => m.method === method && m.test(url));
  const block = (method: string, url: string): void => {
    guard.blocked.push({ method, url, step: guard.step });
  };
  // Workers' sockets, which no route sees, ask the guard through the browser's DevTools. Not
  // set up for this context (its page already gone), they are refused: nothing allows them.
  const firstPage = context.pages()[0];
  const workerSockets = await guardWorkerSockets(context, {
    allows: (url) => allows(WEBSOCKET, url),
    block: (url) => block(WEBSOCKET, url),
  }).catch(() => undefined);
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    if (!run) {
      // A context used before its run armed the guard: nothing the run allows or limits is
      // known yet, so nothing goes out, GET included (a prepared context makes no requests).
      await route.abort(refusal(request)).catch(() => undefined);
      return;
    }
    const method = request.method();
    const safe = SAFE.has(method);
    if (!safe && !allows(method, request.url())) {
      block(method, request.url());
      await route.abort(refusal(request)).catch(() => undefined);
      return;
    }
    // A popup's first document waits until its workers' sockets are guarded (see
    // `WorkerSocketGuard.whenWatched`); the context's own page was before the guard returned.
    if (workerSockets && opensPopup(request, firstPage)) {
      await workerSockets.pagesWatched().catch(() => false);
    }
    const send = (): Promise<void> =>
      safe ? route.continue() : sendAllowed(route, (url) => allows(method, url), block);
    if (!request.isNavigationRequest() || !/^https?:/.test(request.url())) {
      await send().catch(() => undefined);
      return;
    }
    const host = new URL(request.url()).host;
    const { hosts, signal } = run;
    await hosts
      .run(host, signal, async () => {
        await send();
        // Hold the slot until the server answered (or the request failed).
        await request.response().catch(() => null);
      })
      .catch(() => route.abort('aborted').catch(() => undefined));
  });
  await context.routeWebSocket(/.*/, (socket) => {
    if (allows(WEBSOCKET, socket.url())) {
      // Every message passes, both ways: a socket's protocol (SignalR, Blazor's circuit) has
      // no method to tell reading from submitting. Allowing a socket is allowing the page.
      socket.connectToServer();
      return;
    }
    block(WEBSOCKET, socket.url());
    // Closed before it opens, as a refused connection: the page's own error handling runs
    // (Blazor shows its reconnect notice) instead of a socket that silently swallows messages.
    return socket.close({ code: 1008, reason: 'blocked by ozgwatch' }).catch(() => undefined);
  });
  // A socket the guard held back never exists, so the page reports none: one it reports
  // and the probe did not allow was opened past the guard (a worker's, in a browser whose
  // DevTools port ozgwatch could not reach).
  const watch = (page: Page): void => {
    page.on('websocket', (socket) => {
      if (allows(WEBSOCKET, socket.url())) return;
      guard.unguarded.push({ method: WEBSOCKET, url: socket.url(), step: guard.step });
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  await context.exposeBinding(BLOCKED_BINDING, (_source, method: unknown, url: unknown) => {
    if (typeof method === 'string' && typeof url === 'string') block(method, url);
  });
  await context.addInitScript(PAGE_GUARD);
  return guard;
}

/**
 * Whether `request` loads a document into a popup's main frame. Playwright cannot name the
 * frame of a popup's first request (made before the frame is), so that throws: a popup too.
 */
function opensPopup(request: Request, firstPage: Page | undefined): boolean {
  if (!request.isNavigationRequest()) return false;
  try {
    const frame = request.frame();
    return frame.parentFrame() === null && frame.page() !== firstPage;
  } catch {
    return true;
  }
}

/** The method a blocked or allowed WebSocket is recorded and allowed as. */
export const WEBSOCKET = 'WEBSOCKET';

/**
 * An allowed request, sent without following redirects: Playwright lets the browser follow a
 * redirect of a routed request without asking the route again, so a 307 or 308 (which keep
 * method and body) would repeat an allowed POST at an address nobody allowed. Such a redirect
 * is blocked and recorded; any other answer goes to the page as it came.
 */
async function sendAllowed(
  route: Route,
  allows: (url: string) => boolean,
  block: (method: string, url: string) => void,
): Promise<void> {
  const request = route.request();
  const response = await route.fetch({ maxRedirects: 0 });
  const location = response.headers()['location'];
  if ((response.status() === 307 || response.status() === 308) && location !== undefined) {
    const next = new URL(location, request.url()).href;
    if (!allows(next)) {
      block(request.method(), next);
      await route.abort(refusal(request));
      return;
    }
  }
  await route.fulfill({ response });
}

/**
 * How a blocked request fails. A navigation ends as if cancelled (`net::ERR_ABORTED`): the
 * page stays as it was, where `blockedbyclient` would put Chromium's error page in its place,
 * which a scan after a consent layer's blocked "Ablehnen" form read as the service (its
 * missing title and language as the service's violations). Other requests fail as blocked.
 */
function refusal(request: Request): 'aborted' | 'blockedbyclient' {
  return request.isNavigationRequest() ? 'aborted' : 'blockedbyclient';
}

const BLOCKED_BINDING = '__ozgwatchBlocked';

/**
 * Runs in every frame before the page's scripts. What it takes away, the browser would
 * send where the route cannot stop it: Playwright passes on, unrouted, a keepalive request
 * that outlives its page (a beacon in `pagehide`, seen reaching the server), and it does not
 * see shared workers at all. So beacons (always POST) are refused and recorded, a keepalive
 * `fetch` that is not GET/HEAD loses its keepalive (the route then sees it like any other),
 * `fetchLater` is not there (pages feature-detect it), and a shared worker cannot be
 * started (recorded as method `SHAREDWORKER`; a `SecurityError`, as in a sandboxed frame).
 * Dedicated workers' requests are routed by Playwright like pages', their WebSockets are
 * guarded over DevTools ({@link guardWorkerSockets}).
 */
const PAGE_GUARD = `(() => {
  const report = (method, url) => {
    try {
      const binding = globalThis.${BLOCKED_BINDING};
      if (typeof binding === 'function') void binding(method, String(new URL(url, location.href))).catch(() => {});
    } catch {}
  };
  if (typeof Navigator !== 'undefined' && Navigator.prototype.sendBeacon) {
    Navigator.prototype.sendBeacon = function sendBeacon(url) {
      report('POST', url);
      return false;
    };
  }
  const pageFetch = globalThis.fetch;
  if (typeof pageFetch === 'function') {
    globalThis.fetch = function fetch(input, init) {
      // Read, not copied into a Request: a stream body can be read only once.
      const given = input instanceof Request ? input : undefined;
      const keepalive = init && 'keepalive' in init ? init.keepalive : given?.keepalive;
      const method = String((init && init.method) || given?.method || 'GET').toUpperCase();
      if (keepalive && method !== 'GET' && method !== 'HEAD') {
        return pageFetch.call(this, input, { ...init, keepalive: false });
      }
      return pageFetch.call(this, input, init);
    };
  }
  delete globalThis.fetchLater;
  if (typeof globalThis.SharedWorker === 'function') {
    globalThis.SharedWorker = function SharedWorker(url) {
      report('SHAREDWORKER', url);
      throw new DOMException('shared workers are blocked by ozgwatch', 'SecurityError');
    };
  }
})();`;

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
