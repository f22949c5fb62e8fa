import type { Browser, BrowserContext, Page } from 'playwright';
import { CdpConnection, type CdpEvent } from '../devtools/cdp.ts';
import { SOCKET_BINDING, SOCKET_STAND_IN, SOCKET_VERDICT } from '../devtools/socket-stand-in.ts';
import { devtoolsEndpoint } from './devtools-endpoint.ts';

/** What one context's guard says of a socket a worker wants to open. */
export interface SocketPolicy {
  allows(url: string): boolean;
  /** Records a socket that was held back. */
  block(url: string): void;
}

/** Auto-attach, pausing each new target until it is let go, of the kinds named. */
const attachTo = (...types: string[]): Record<string, unknown> => ({
  autoAttach: true,
  waitForDebuggerOnStart: true,
  flatten: true,
  filter: types.map((type) => ({ type })),
});

/** Auto-attach of the kinds named, leaving each new target to run as it would. */
const attachWithoutHold = (...types: string[]): Record<string, unknown> => ({
  ...attachTo(...types),
  waitForDebuggerOnStart: false,
});

/**
 * Holds back the WebSockets of dedicated workers (module, nested and `blob:` ones alike) in
 * every context of one Playwright browser, which Playwright's `routeWebSocket` does not see.
 * (Shared workers are not started at all: the page guard. Service workers are not
 * registered, by the browser host's context defaults: when this connection still attached
 * and held them, one ran before its stand-in was in place on a loaded machine.)
 *
 * A connection of its own to the browser's DevTools port attaches to every page as it is made
 * (without holding it, see {@link WorkerSocketGuard.#open}), and through the pages to their
 * workers and to frames of other sites (which have workers of their own), each of these paused
 * before it runs. A worker gets the stand-in for `WebSocket` ({@link SOCKET_STAND_IN}, the
 * Lighthouse guard's) before its own script, then is let go; its sockets ask this connection
 * first and connect only if the context's guard allows them. A socket of a context no guard
 * registered is refused: such a context has no run that could allow it.
 *
 * Why not Playwright's own CDP session: its sessions cannot talk to the targets they attach
 * ("flat" sessions are dropped), and a target attached the other way does not wait for the
 * attacher: Playwright lets every worker go at once, and a `blob:` worker then runs before
 * the stand-in arrives (seen with Chromium 156). A second flat client is waited for; this
 * connection is that client.
 */
export class WorkerSocketGuard {
  /** Set as soon as the connection is open, before anything is attached. */
  #cdp!: CdpConnection;
  readonly #policies = new Map<string, SocketPolicy>();
  /** The browser context of each attached target, by its session. */
  readonly #contextOf = new Map<string, string>();
  /** The target of each attached page or frame, by its session. */
  readonly #targetOf = new Map<string, string>();
  /** Pages and frames whose new workers this connection is attached to, by target id. */
  readonly #watched = new Set<string>();
  /** Who waits for a page to be watched ({@link whenWatched}), by target id. */
  readonly #waiting = new Map<string, Set<() => void>>();

  private constructor() {}

  /**
   * The guard of `browser`, made on first use; undefined when the browser has no DevTools
   * port ozgwatch can find (then a worker's socket is only recorded, see `Guard.unguarded`).
   */
  static for(browser: Browser): Promise<WorkerSocketGuard | undefined> {
    let made = guards.get(browser);
    if (!made) {
      made = WorkerSocketGuard.#open(browser);
      guards.set(browser, made);
    }
    return made;
  }

  static async #open(browser: Browser): Promise<WorkerSocketGuard | undefined> {
    const endpoint = await devtoolsEndpoint(browser);
    if (!endpoint) return undefined;
    const guard = new WorkerSocketGuard();
    // No event comes before the connection is open: nothing is attached until below.
    const cdp = await CdpConnection.open(endpoint, (event) => {
      void guard.#handle(event).catch(() => undefined);
    }).catch(() => undefined);
    if (!cdp) return undefined;
    guard.#cdp = cdp;
    browser.on('disconnected', () => cdp.close());
    try {
      // Pages are not held: a popup its page's script opened, held by two clients, has been
      // let go by this one before Playwright's was attached, and then ran without the
      // context's routes, the request guard's included (Chromium 156, one run in seven on a
      // loaded machine). Playwright holds every page it is told of until its routes are set;
      // the request guard holds a popup's first document until this connection watches it.
      await cdp.send('Target.setAutoAttach', attachWithoutHold('page'));
    } catch {
      cdp.close();
      return undefined;
    }
    return guard;
  }

  /** Applies `policy` to the sockets of workers in the browser context `id` until undone. */
  register(browserContextId: string, policy: SocketPolicy): () => void {
    this.#policies.set(browserContextId, policy);
    return () => {
      if (this.#policies.get(browserContextId) === policy) this.#policies.delete(browserContextId);
    };
  }

  async #handle({ method, params, sessionId }: CdpEvent): Promise<void> {
    if (method === 'Target.attachedToTarget') {
      await this.#attach(params as unknown as Attached, sessionId);
    } else if (method === 'Target.detachedFromTarget') {
      const session = params.sessionId as string;
      this.#contextOf.delete(session);
      const target = this.#targetOf.get(session);
      this.#targetOf.delete(session);
      if (target !== undefined) {
        this.#watched.delete(target);
        // A page that closed before it was watched has no workers left to guard.
        this.#wake(target);
      }
    } else if (method === 'Runtime.bindingCalled' && params.name === SOCKET_BINDING && sessionId) {
      const asked = JSON.parse(String(params.payload)) as { id: number; url: string };
      const policy = this.#policies.get(this.#contextOf.get(sessionId) ?? '');
      const ok = policy?.allows(asked.url) ?? false;
      if (!ok) policy?.block(asked.url);
      await this.#cdp.send(
        'Runtime.evaluate',
        {
          expression: `globalThis.${SOCKET_VERDICT}(${Number(asked.id)}, ${ok})`,
          contextId: params.executionContextId,
        },
        sessionId,
      );
    }
  }

  async #attach(
    { sessionId, targetInfo, waitingForDebugger }: Attached,
    parent?: string,
  ): Promise<void> {
    const context = targetInfo.browserContextId ?? this.#contextOf.get(parent ?? '');
    if (context) this.#contextOf.set(sessionId, context);
    const watches = targetInfo.type === 'page' || targetInfo.type === 'iframe';
    if (watches) this.#targetOf.set(sessionId, targetInfo.targetId);
    const send = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
      this.#cdp.send(method, params, sessionId);
    const run = (): Promise<unknown> =>
      waitingForDebugger ? send('Runtime.runIfWaitingForDebugger') : Promise.resolve();
    // Sent in one go, in this order: a target handles its messages in turn, so whatever it
    // starts after them (a worker, a frame) is attached, and the stand-in is in place before
    // the worker's first line. One round trip per page, frame or worker.
    const steps: Promise<unknown>[] =
      targetInfo.type === 'worker'
        ? [
            send('Target.setAutoAttach', attachTo('worker')),
            send('Runtime.enable'),
            send('Runtime.addBinding', { name: SOCKET_BINDING }),
            send('Runtime.evaluate', { expression: SOCKET_STAND_IN }),
          ]
        : targetInfo.type === 'page' || targetInfo.type === 'iframe'
          ? [send('Target.setAutoAttach', attachTo('worker', 'iframe'))]
          : [];
    await Promise.all([...steps, run()]);
    // Not if the target went away meanwhile (its detach came first, and a step failed).
    if (watches && this.#targetOf.has(sessionId)) {
      this.#watched.add(targetInfo.targetId);
      this.#wake(targetInfo.targetId);
    }
  }

  #wake(targetId: string): void {
    for (const wake of this.#waiting.get(targetId) ?? []) wake();
    this.#waiting.delete(targetId);
  }

  /**
   * Resolves true once the page `targetId` is attached with its workers watched, false if
   * that takes longer than `ms`. This connection does not hold pages (see `#open`), so a
   * popup can run, a worker and the worker's socket included, before it is watched: the
   * request guard holds a popup's first document until this says yes.
   */
  whenWatched(targetId: string, ms: number): Promise<boolean> {
    if (this.#watched.has(targetId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(targetId) ?? new Set<() => void>();
      this.#waiting.set(targetId, waiting);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        if (waiting.size === 0) this.#waiting.delete(targetId);
        resolve(false);
      }, ms);
      waiting.add(wake);
    });
  }

  /**
   * {@link whenWatched} for every page the browser context `id` has now, the one being
   * opened included: a popup's target exists by the time its first request is made, where
   * Playwright cannot yet name its page.
   */
  async whenContextWatched(id: string, ms: number): Promise<boolean> {
    const { targetInfos } = await this.#cdp.send<{
      targetInfos: { targetId: string; type: string; browserContextId?: string }[];
    }>('Target.getTargets');
    const pages = targetInfos.filter((t) => t.type === 'page' && t.browserContextId === id);
    const watched = await Promise.all(pages.map((t) => this.whenWatched(t.targetId, ms)));
    return watched.every(Boolean);
  }
}

interface Attached {
  sessionId: string;
  targetInfo: { targetId: string; type: string; url: string; browserContextId?: string };
  waitingForDebugger: boolean;
}

/** One guard per browser: its connection pauses every new worker, so a second would add up. */
const guards = new WeakMap<Browser, Promise<WorkerSocketGuard | undefined>>();

/** How long a page waits for the guard's connection to watch it before it goes on unwatched. */
const WATCH_WAIT_MS = 5000;

/** Lets a popup's first document load only once its workers' sockets are guarded. */
export interface WorkerSocketGate {
  /**
   * Resolves true when every page of the context is watched, false when that did not happen
   * in time (a page's sockets are then only seen as they open, see `Guard.unguarded`).
   */
  pagesWatched(): Promise<boolean>;
}

/**
 * Puts the sockets of `context`'s workers under `policy` for as long as the context lives.
 * Undefined when the browser has no DevTools port ozgwatch can use.
 */
export async function guardWorkerSockets(
  context: BrowserContext,
  policy: SocketPolicy,
): Promise<WorkerSocketGate | undefined> {
  const browser = context.browser();
  const page = context.pages()[0];
  if (!browser || !page) return undefined;
  const guard = await WorkerSocketGuard.for(browser);
  if (!guard) return undefined;
  const { targetId, browserContextId } = await targetOf(context, page);
  if (!browserContextId) return undefined;
  context.on('close', guard.register(browserContextId, policy));
  await guard.whenWatched(targetId, WATCH_WAIT_MS);
  return { pagesWatched: () => guard.whenContextWatched(browserContextId, WATCH_WAIT_MS) };
}

async function targetOf(
  context: BrowserContext,
  page: Page,
): Promise<{ targetId: string; browserContextId?: string }> {
  const session = await context.newCDPSession(page);
  try {
    return (await session.send('Target.getTargetInfo')).targetInfo;
  } finally {
    await session.detach().catch(() => undefined);
  }
}
