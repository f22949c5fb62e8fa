import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright';
import type { Logger } from 'pino';
import {
  chromiumProxyFlags,
  chromiumProxyServer,
  playwrightProxy,
  type ProxySettings,
} from '../net/proxy.ts';
import { limitDownloads } from './download-limit.ts';
import { treeMemoryBytes } from './process-tree.ts';

/** Flags that keep a headless Chromium quiet on a closed network and in a container. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Where distributions put Chromium; tried in order when Playwright's own browser is
 * missing. The headless shell comes first: it is the build Playwright itself runs for
 * headless work, and without the full browser's UI machinery it spends about half the
 * CPU per navigation (measured with Debian's 156: 0.10 against 0.17 CPU-s).
 */
const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export type RestartReason = 'crash' | 'runs' | 'memory';

const SPARE_IDLE_MS = 60_000;

export interface BrowserHostOptions {
  /** A Chromium binary; unset = Playwright's browser, else a system Chromium. */
  executablePath?: string;
  /** Extra command-line flags. */
  args: readonly string[];
  /** Replace the browser after this many contexts (slow leaks in long-lived browsers). */
  restartAfterRuns: number;
  /** Replace the browser when all its processes together hold more than this (MiB). */
  memoryLimitMb: number;
  /** A download growing past this (MiB) is cancelled; journeys keep none larger. */
  downloadLimitMb: number;
  /** Keep the next context and page ready while a run is busy. @default true */
  prewarm?: boolean;
  /**
   * Open a DevTools port on 127.0.0.1, through which the request guard holds back the
   * WebSockets of workers. Any local process can reach the port. @default true
   */
  devtoolsPort?: boolean;
  /**
   * Close the context kept ready when no run took it for this long (ms): a daemon with a
   * journey every ten minutes need not hold its renderer (45 MB PSS, headless shell) in between.
   * @default 60000
   */
  spareIdleMs?: number;
  /**
   * The outbound proxy page loads go through (with its credentials and bypass list);
   * Chromium always goes direct to loopback. Absent = direct.
   */
  proxy?: ProxySettings;
  logger: Logger;
  onRestart?: (reason: RestartReason) => void;
  onContexts?: (active: number) => void;
  /** Called with Chromium's version after each launch. */
  onLaunch?: (version: string) => void;
}

/** A fresh context with its first page. */
export interface MadeContext {
  context: BrowserContext;
  page: Page;
}

/**
 * Sets up a fresh context for the kind of run that leases it (a journey's guard, tracer…).
 * The host runs it ahead of time on the context kept ready for the next run; pass the same
 * function each time, since a prepared context is only reused for the function that made it.
 */
export type Prepare<P> = (made: MadeContext) => Promise<P>;

/** A fresh, isolated context for one run. `release` closes it; always call it in `finally`. */
export interface BrowserLease<P = undefined> {
  context: BrowserContext;
  /** The context's first page, ready to navigate. */
  page: Page;
  /** What `prepare` returned for this context. */
  prepared: P;
  /** Whether the browser of this context died while the context was in use. */
  crashed(): boolean;
  release(): Promise<void>;
}

interface Generation {
  browser: Browser;
  contexts: number;
  served: number;
  crashed: boolean;
  retiring: boolean;
  /** Settles once the browser is gone and its download folder removed. */
  gone: Promise<void>;
}

/**
 * One Chromium per daemon, a fresh context per run. The browser is launched on first
 * use, replaced after a crash, after `restartAfterRuns` contexts or above the memory
 * ceiling; a retiring browser closes once its last context is released, so a
 * replacement never cuts a run short.
 */
export class BrowserHost {
  readonly #o: BrowserHostOptions;
  #current: Promise<Generation> | undefined;
  #spare:
    | {
        generation: Generation;
        key: string;
        prepare: Prepare<unknown> | undefined;
        ready: Promise<MadeContext & { prepared: unknown }>;
        idle: NodeJS.Timeout;
      }
    | undefined;
  #active = 0;
  #closed = false;
  #lastMemoryCheck = -Infinity;
  #version = '';
  #executable = '';

  constructor(options: BrowserHostOptions) {
    this.#o = options;
  }

  /** Chromium's version once launched, e.g. `156.0.8078.73`; '' before. */
  get browserVersion(): string {
    return this.#version;
  }

  get executable(): string {
    return this.#executable;
  }

  /** Downloads larger than this are cancelled as they grow; none is kept. */
  get downloadLimitBytes(): number {
    return this.#o.downloadLimitMb * 2 ** 20;
  }

  /**
   * A fresh context with its first page. `signal` (the run's deadline) ends the wait: a
   * launch or a context that hangs must not hold the run beyond it; a lease that arrives
   * after the abort is released at once. `prepare` sets the context up for the run (and,
   * ahead of time, the next run's). Service workers are blocked unless `options` allow
   * them (see {@link CONTEXT_DEFAULTS}).
   */
  lease(options: BrowserContextOptions, signal?: AbortSignal): Promise<BrowserLease>;
  lease<P>(
    options: BrowserContextOptions,
    signal: AbortSignal | undefined,
    prepare: Prepare<P>,
  ): Promise<BrowserLease<P>>;
  lease<P>(
    options: BrowserContextOptions,
    signal?: AbortSignal,
    prepare?: Prepare<P>,
  ): Promise<BrowserLease<P | undefined>> {
    if (!signal) return this.#lease(options, prepare);
    signal.throwIfAborted();
    const pending = this.#lease(options, prepare);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason as Error);
        void pending.then((l) => l.release()).catch(() => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (l) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) void l.release();
          else resolve(l);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  async #lease<P>(
    options: BrowserContextOptions,
    prepare: Prepare<P> | undefined,
  ): Promise<BrowserLease<P | undefined>> {
    if (this.#closed) throw new Error('browser host is closed');
    let generation = await this.#generation();
    if (generation.crashed || !generation.browser.isConnected()) {
      this.#current = undefined;
      generation = await this.#generation();
    }
    const { context, page, prepared } = await this.#takeSpare(generation, options, prepare);
    generation.contexts++;
    generation.served++;
    this.#setActive(+1);
    if (generation.served >= this.#o.restartAfterRuns) this.#retire(generation, 'runs');
    else {
      this.#checkMemory(generation);
      this.#prepareSpare(generation, options, prepare);
    }
    let released = false;
    return {
      context,
      page,
      // Made by this very `prepare` (the spare is only taken for the function that made it).
      prepared: prepared as P | undefined,
      crashed: () => generation.crashed,
      release: async () => {
        if (released) return;
        released = true;
        this.#setActive(-1);
        generation.contexts--;
        await context.close().catch(() => undefined);
        if (generation.retiring && generation.contexts === 0) await this.#closeBrowser(generation);
      },
    };
  }

  /**
   * A context with its first page, made while the previous run was busy: a new page
   * starts a renderer process (~0.2 s), which need not be on the next run's clock.
   * Only used when the next run asks for the same context options and preparation.
   */
  #prepareSpare(
    generation: Generation,
    options: BrowserContextOptions,
    prepare: Prepare<unknown> | undefined,
  ): void {
    if (this.#spare || generation.retiring || this.#o.prewarm === false) return;
    const key = JSON.stringify(options);
    const ready = makeContext(generation.browser, options, prepare);
    ready.catch(() => undefined);
    const idle = setTimeout(() => {
      if (this.#spare?.ready !== ready) return;
      this.#spare = undefined;
      closeWhenMade(ready);
    }, this.#o.spareIdleMs ?? SPARE_IDLE_MS);
    // A context kept ready is no reason to keep the process alive.
    idle.unref();
    this.#spare = { generation, key, prepare, ready, idle };
  }

  async #takeSpare(
    generation: Generation,
    options: BrowserContextOptions,
    prepare: Prepare<unknown> | undefined,
  ): Promise<MadeContext & { prepared: unknown }> {
    const spare = this.#spare;
    this.#spare = undefined;
    clearTimeout(spare?.idle);
    if (spare && spare.generation !== generation) {
      // Made in a browser that is gone: a context asked of a browser killed mid-call may
      // never settle (seen with kill -9), so it is not waited for; closed if it ever comes.
      closeWhenMade(spare.ready);
    } else if (spare) {
      const made = await spare.ready.catch(() => undefined);
      if (made && spare.key === JSON.stringify(options) && spare.prepare === prepare) return made;
      await made?.context.close().catch(() => undefined);
    }
    return makeContext(generation.browser, options, prepare);
  }

  /** Kills the browser process (tests; a stuck browser). The next lease launches a new one. */
  async kill(): Promise<void> {
    const generation = await this.#current;
    if (!generation) return;
    const pid = await browserPid(generation.browser);
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  }

  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = undefined;
    clearTimeout(spare?.idle);
    // Not waited for: closing the browser below ends it, and a spare of a crashed browser
    // may never settle.
    if (spare) closeWhenMade(spare.ready);
    const generation = await this.#current?.catch(() => undefined);
    this.#current = undefined;
    if (generation) await this.#closeBrowser(generation);
  }

  #setActive(delta: number): void {
    this.#active += delta;
    this.#o.onContexts?.(this.#active);
  }

  /**
   * The Chromium binary and flags this host launches, for tools that start a browser of
   * their own (Lighthouse): the same one, found the same way.
   */
  async launchSettings(): Promise<{ executablePath: string; args: string[] }> {
    const { chromium } = await import('playwright');
    return {
      executablePath:
        this.#o.executablePath ?? (await chromiumExecutable()) ?? chromium.executablePath(),
      // A browser started by another tool gets the proxy as flags, which take no
      // credentials: the Lighthouse child answers the proxy's 407 over DevTools instead.
      args: [...CHROMIUM_ARGS, ...chromiumProxyFlags(this.#o.proxy), ...this.#o.args],
    };
  }

  /**
   * Playwright's `proxy` (it answers the proxy's 407 with the credentials), and the flags it
   * cannot express: a proxy per scheme when http and https targets use different ones.
   */
  #proxyOptions(): { args: string[]; proxy?: NonNullable<ReturnType<typeof playwrightProxy>> } {
    const settings = this.#o.proxy;
    const proxy = settings ? playwrightProxy(settings) : undefined;
    const server = settings ? chromiumProxyServer(settings) : undefined;
    const perScheme = proxy && server !== proxy.server ? [`--proxy-server=${server}`] : [];
    return {
      // The later --proxy-server wins over the one Playwright adds. The DevTools port (on
      // 127.0.0.1, a port Chromium picks) is for the request guard's own connection: through
      // Playwright's pipe it cannot hold workers back until their WebSockets are guarded.
      args: [
        ...CHROMIUM_ARGS,
        ...(this.#o.devtoolsPort === false ? [] : ['--remote-debugging-port=0']),
        ...perScheme,
        ...this.#o.args,
      ],
      ...(proxy ? { proxy } : {}),
    };
  }

  #generation(): Promise<Generation> {
    this.#current ??= this.#launch().catch((error: unknown) => {
      this.#current = undefined;
      throw error;
    });
    return this.#current;
  }

  async #launch(): Promise<Generation> {
    const { chromium } = await import('playwright');
    const executablePath = this.#o.executablePath ?? (await chromiumExecutable());
    // A folder of this browser's own, so that its downloads can be watched as they grow.
    const downloadsPath = await mkdtemp(path.join(tmpdir(), 'ozgwatch-downloads-'));
    const removeDownloads = (): Promise<void> =>
      rm(downloadsPath, { recursive: true, force: true }).catch(() => undefined);
    const browser = await chromium
      .launch({
        ...(executablePath ? { executablePath } : {}),
        downloadsPath,
        headless: true,
        ...this.#proxyOptions(),
        // The daemon owns its signals: Playwright's default handlers would close the browser
        // on SIGHUP (a reload) and on SIGTERM before the runs in flight had their grace,
        // failing them as crashes instead of letting them finish.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .catch(async (error: unknown) => {
        await removeDownloads();
        throw error;
      });
    const downloads = limitDownloads({
      dir: downloadsPath,
      maxBytes: this.downloadLimitBytes,
      cancel: downloadCanceller(browser),
    });
    this.#version = browser.version();
    this.#o.onLaunch?.(this.#version);
    this.#executable = executablePath ?? chromium.executablePath();
    this.#o.logger.info(
      { executable: this.#executable, version: this.#version },
      executablePath ? 'browser launched (system Chromium)' : "browser launched (Playwright's)",
    );
    let gone = (): void => undefined;
    const generation: Generation = {
      browser,
      contexts: 0,
      served: 0,
      crashed: false,
      retiring: false,
      gone: new Promise((resolve) => (gone = resolve)),
    };
    browser.on('disconnected', () => {
      downloads.close();
      void removeDownloads().then(gone);
      if (generation.retiring || this.#closed) return;
      generation.crashed = true;
      this.#o.logger.error(
        { contexts: generation.contexts },
        'browser crashed; a new one starts with the next run',
      );
      this.#o.onRestart?.('crash');
      if (this.#current !== undefined) {
        void this.#current.then((g) => {
          if (g === generation) this.#current = undefined;
        });
      }
    });
    return generation;
  }

  #retire(generation: Generation, reason: RestartReason): void {
    if (generation.retiring) return;
    generation.retiring = true;
    this.#current = undefined;
    this.#o.logger.info({ reason, served: generation.served }, 'replacing the browser');
    this.#o.onRestart?.(reason);
  }

  #checkMemory(generation: Generation): void {
    // Monotonic: a wall clock stepped back must not suspend the check for as long.
    const now = performance.now();
    if (now - this.#lastMemoryCheck < 30_000) return;
    this.#lastMemoryCheck = now;
    void browserPid(generation.browser).then((pid) => {
      if (pid === undefined) return;
      const mb = treeMemoryBytes(pid, 'status', 'VmRSS') / 2 ** 20;
      if (mb > this.#o.memoryLimitMb) this.#retire(generation, 'memory');
    });
  }

  async #closeBrowser(generation: Generation): Promise<void> {
    generation.retiring = true;
    await generation.browser.close().catch(() => undefined);
    // A daemon that exits right after close() leaves no download folder behind. Bounded:
    // a browser that never reports itself gone must not hold the shutdown.
    await Promise.race([
      generation.gone,
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
  }
}

/** Closes a context kept ready once it is made; one that never comes is not waited for. */
function closeWhenMade(ready: Promise<MadeContext>): void {
  void ready.then((made) => made.context.close()).catch(() => undefined);
}

/**
 * What every context of the host is made with unless a lease asks otherwise. Service workers
 * cannot be registered (Playwright's stand-in for `register`, in every frame), as Playwright
 * advises where requests are routed: a run sees a service as a first visit does, answered by
 * its server and not by a worker's cache, and nothing a service worker would send needs
 * guarding. (Its WebSocket has got past the worker guard on a loaded machine: the worker ran
 * before the guard's stand-in was in place.)
 */
const CONTEXT_DEFAULTS: BrowserContextOptions = { serviceWorkers: 'block' };

/** A context with its first page, prepared; closed again when preparing fails. */
async function makeContext(
  browser: Browser,
  options: BrowserContextOptions,
  prepare: Prepare<unknown> | undefined,
): Promise<MadeContext & { prepared: unknown }> {
  const context = await browser.newContext({ ...CONTEXT_DEFAULTS, ...options });
  try {
    const page = await context.newPage();
    return { context, page, prepared: await prepare?.({ context, page }) };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Cancels downloads by Chromium's GUID. CDP wants the download's context as well, which
 * Playwright does not name, so every context of the browser is asked at once: Chromium
 * answers "no download item found" in all but the one that has it. One browser session
 * serves every cancellation, made at the first: each round trip lets more of a fast
 * download onto the disk.
 */
function downloadCanceller(browser: Browser): (guid: string) => Promise<void> {
  let session: Promise<CDPSession> | undefined;
  return async (guid) => {
    session ??= browser.newBrowserCDPSession();
    const cdp = await session.catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    const { browserContextIds } = await cdp.send('Target.getBrowserContexts');
    await Promise.allSettled(
      browserContextIds.map((browserContextId) =>
        cdp.send('Browser.cancelDownload', { guid, browserContextId }),
      ),
    );
  };
}

/** The PID of the browser process, asked of Chromium itself (Playwright does not expose it). */
export async function browserPid(browser: Browser): Promise<number | undefined> {
  try {
    const session = await browser.newBrowserCDPSession();
    try {
      const info = (await session.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; id: number }[];
      };
      return info.processInfo.find((p) => p.type === 'browser')?.id;
    } finally {
      await session.detach().catch(() => undefined);
    }
  } catch {
    return undefined;
  }
}

/**
 * The Chromium to launch when none is configured: undefined for Playwright's own
 * browser when it is installed, else the first system Chromium found.
 */
export async function chromiumExecutable(): Promise<string | undefined> {
  const { chromium } = await import('playwright');
  const playwrightPath = chromium.executablePath();
  if (playwrightPath && existsSync(playwrightPath)) return undefined;
  return SYSTEM_CHROMIUM.find((p) => existsSync(p));
}

/** Chromium's headless shell: Debian's package or Playwright's own build. */
function isHeadlessShell(executable: string): boolean {
  return /headless[-_]shell/.test(executable);
}

/**
 * A full Chromium for tools that drive its new headless mode over CDP (Lighthouse), which
 * the headless shell lacks: the given one unless it is a shell, else Playwright's full
 * browser or a system Chromium. Undefined when only shells are installed.
 */
export async function fullChromium(preferred: string): Promise<string | undefined> {
  if (!isHeadlessShell(preferred)) return preferred;
  const { chromium } = await import('playwright');
  return [chromium.executablePath(), ...SYSTEM_CHROMIUM].find(
    (p) => p && !isHeadlessShell(p) && existsSync(p),
  );
}
