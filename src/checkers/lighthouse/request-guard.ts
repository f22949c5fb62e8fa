/**
 * The request guard for a browser that ozgwatch does not drive itself (Lighthouse's):
 * attached over the DevTools protocol before the audit starts, it holds back every request
 * that could change state on the server unless the probe allows it, as the browser guard
 * does for journeys and page scans (same safe methods, same URL patterns, same record).
 */
import type { AllowedRequest } from '../browser/guard.ts';
import { SAFE, urlMatcher, WEBSOCKET } from '../browser/guard.ts';
import { CdpConnection, type CdpEvent } from '../devtools/cdp.ts';
import type { AuthChallenge, ProxyAuthenticator } from './proxy-login.ts';
import { SOCKET_BINDING, SOCKET_STAND_IN, SOCKET_VERDICT } from '../devtools/socket-stand-in.ts';

export interface HeldBack {
  method: string;
  url: string;
}

export interface BrowserRequestGuard {
  /** What was held back, in order. */
  readonly blocked: readonly HeldBack[];
  close(): void;
}

/** Targets whose documents get {@link DOCUMENT_GUARD} before their first script. */
const DOCUMENTS = new Set(['page', 'iframe']);
const WORKERS = new Set(['worker', 'shared_worker', 'service_worker']);

/**
 * Put before a document's first script with the socket stand-in: a service worker is not
 * registered, as in journeys and page scans. Its requests would be held back by `Fetch`, but
 * its sockets depend on the worker being attached before it runs, which the journeys' guard
 * did not always manage for a service worker (Chromium 156, on a loaded machine). The page is
 * told as a browser tells it where service workers are not allowed.
 */
const NO_SERVICE_WORKERS = `if (self.ServiceWorkerContainer) {
  ServiceWorkerContainer.prototype.register = function register() {
    return Promise.reject(new DOMException('Service workers are not registered during an audit', 'SecurityError'));
  };
}`;

/** What every document of the audited browser runs first. */
const DOCUMENT_GUARD = `${SOCKET_STAND_IN}\n${NO_SERVICE_WORKERS}`;

/**
 * Guards the whole browser at `endpoint` (`ws://…/devtools/browser/…`):
 *
 * - `Fetch` on the browser itself pauses every HTTP request of every target, pages, frames
 *   of other sites, workers, service workers, and also what the browser sends for a page
 *   that is already gone (a beacon in `pagehide`), which a page's own interception misses.
 *   A redirect is paused again at its new address, so an allowed POST cannot be repeated
 *   by a 307 where nobody allowed it.
 * - Every target is attached before it runs (`waitForDebuggerOnStart`), its WebSockets
 *   replaced by {@link SOCKET_STAND_IN}, and then let go: a socket's handshake is nothing
 *   `Fetch` can hold. Documents cannot register service workers ({@link NO_SERVICE_WORKERS}).
 *
 * All requests are paused, not only the kinds that can carry a state change: a kind that
 * a later Chromium adds must not slip through. Pausing costs a message to this process and
 * back before the request is sent, which Lighthouse's simulated throttling does not count.
 *
 * With `authenticator`, the same `Fetch` also takes the authentication challenges (a proxy's
 * 407, a server's 401) and answers them as it says: a browser has one `Fetch` client here,
 * and it sees every request anyway.
 */
export async function guardBrowser(
  endpoint: string,
  allowed: readonly AllowedRequest[],
  authenticator?: ProxyAuthenticator,
): Promise<BrowserRequestGuard> {
  const matchers = allowed.map((a) => ({ method: a.method, test: urlMatcher(a.url) }));
  const allows = (method: string, url: string): boolean =>
    matchers.some((m) => m.method === method && m.test(url));
  const blocked: HeldBack[] = [];
  // No event comes before the connection is open: nothing is enabled until below.
  const cdp: CdpConnection = await CdpConnection.open(endpoint, (event) => {
    void handle(event).catch(() => undefined);
  });

  async function handle(event: CdpEvent): Promise<void> {
    const { method, params, sessionId } = event;
    if (method === 'Fetch.requestPaused') {
      const request = params.request as { method: string; url: string };
      const requestId = params.requestId as string;
      if (SAFE.has(request.method) || allows(request.method, request.url)) {
        await cdp.send('Fetch.continueRequest', { requestId }, sessionId);
        return;
      }
      blocked.push({ method: request.method, url: request.url });
      // A navigation ends as if cancelled: the page stays as it was, where a blocked one
      // would put Chromium's error page in its place (and Lighthouse would audit that).
      const errorReason = params.resourceType === 'Document' ? 'Aborted' : 'BlockedByClient';
      await cdp.send('Fetch.failRequest', { requestId, errorReason }, sessionId);
    } else if (method === 'Fetch.authRequired' && authenticator) {
      const requestId = params.requestId as string;
      const authChallengeResponse = authenticator.answer(
        requestId,
        params.authChallenge as AuthChallenge,
      );
      await cdp.send('Fetch.continueWithAuth', { requestId, authChallengeResponse }, sessionId);
    } else if (method === 'Target.attachedToTarget') {
      await attach(params as unknown as Attached);
    } else if (method === 'Runtime.executionContextCreated' && sessionId) {
      // A frame's first, empty document (a script-made iframe) runs no script of a new
      // document: its WebSocket and `register` are put in place as its context appears. A
      // page that takes them within the same task that made the frame is quicker, and gets
      // the browser's own.
      const context = params.context as { id: number };
      await cdp.send(
        'Runtime.evaluate',
        { expression: DOCUMENT_GUARD, contextId: context.id },
        sessionId,
      );
    } else if (method === 'Runtime.bindingCalled' && params.name === SOCKET_BINDING) {
      const asked = JSON.parse(String(params.payload)) as { id: number; url: string };
      const ok = allows(WEBSOCKET, asked.url);
      if (!ok) blocked.push({ method: WEBSOCKET, url: asked.url });
      await cdp.send(
        'Runtime.evaluate',
        {
          expression: `globalThis.${SOCKET_VERDICT}(${Number(asked.id)}, ${ok})`,
          contextId: params.executionContextId,
        },
        sessionId,
      );
    }
  }

  /** Targets already guarded: a service worker is attached both for its page and for itself. */
  const guarded = new Set<string>();

  async function attach({ sessionId, targetInfo, waitingForDebugger }: Attached): Promise<void> {
    const { type, targetId } = targetInfo;
    const run = (): Promise<unknown> =>
      waitingForDebugger
        ? cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId)
        : Promise.resolve();
    if (guarded.has(targetId) || !(DOCUMENTS.has(type) || WORKERS.has(type))) {
      await run();
      return;
    }
    guarded.add(targetId);
    // Frames of other sites and workers are targets of their own: attached the same way.
    const nested = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
    if (WORKERS.has(type)) {
      // Sent in one go: a service worker answers none of them until it is told to run, and
      // a target handles its messages in order, so the stand-in still runs before the
      // worker's own script. (Its HTTP requests are held back by Fetch whatever happens here.)
      await Promise.all([
        cdp.send('Target.setAutoAttach', nested, sessionId),
        cdp.send('Runtime.enable', {}, sessionId),
        cdp.send('Runtime.addBinding', { name: SOCKET_BINDING }, sessionId),
        cdp.send('Runtime.evaluate', { expression: SOCKET_STAND_IN }, sessionId),
        run(),
      ]);
      return;
    }
    await cdp.send('Target.setAutoAttach', nested, sessionId);
    // Enabled first: otherwise Chromium drops the binding and the script when the page's
    // first navigation moves it to a renderer of another site (seen with Chromium 156).
    await cdp.send('Page.enable', {}, sessionId);
    await cdp.send('Runtime.enable', {}, sessionId);
    await cdp.send('Runtime.addBinding', { name: SOCKET_BINDING }, sessionId);
    await cdp.send(
      'Page.addScriptToEvaluateOnNewDocument',
      { source: DOCUMENT_GUARD, runImmediately: true },
      sessionId,
    );
    // Only once guarded; a page that could not be guarded stays paused and sends nothing.
    await run();
  }

  await cdp.send('Fetch.enable', {
    patterns: [{ urlPattern: '*', requestStage: 'Request' }],
    ...(authenticator ? { handleAuthRequests: true } : {}),
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
  });
  return { blocked, close: () => cdp.close() };
}

interface Attached {
  sessionId: string;
  targetInfo: { targetId: string; type: string; url: string };
  waitingForDebugger: boolean;
}
