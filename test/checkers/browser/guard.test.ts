import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkA11y } from '../../../src/checkers/a11y/check.ts';
import { a11ySpecSchema } from '../../../src/checkers/a11y/spec.ts';
import { checkBitv } from '../../../src/checkers/bitv/check.ts';
import { bitvSpecSchema } from '../../../src/checkers/bitv/spec.ts';
import { installGuard, prepareGuard } from '../../../src/checkers/browser/guard.ts';
import { withGuardedPage } from '../../../src/checkers/browser/guarded-page.ts';
import { checkBrowser } from '../../../src/checkers/browser/journey.ts';
import { browserSpecSchema, type BrowserSpecInput } from '../../../src/checkers/browser/spec.ts';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { ArtifactStore } from '../../../src/runner/artifacts.ts';
import { BrowserHost, chromiumExecutable } from '../../../src/runner/browser-host.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startPortal, type Portal } from '../../fixtures/county-portal/index.ts';

/**
 * The request guard against every way a page can send something that changes state, each
 * on a page of the fixture portal (`/schutz/…`) that counts what reaches it. The form POST
 * of the main frame and the allowed login are in journey.test.ts.
 */

let portal: Portal;
let host: BrowserHost;
let dir: string;
let artifacts: ArtifactStore;
let runs = 0;

beforeAll(async () => {
  portal = await startPortal();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-guard-'));
  artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  host = new BrowserHost({
    args: [],
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
  });
}, 30_000);

afterAll(async () => {
  await host.close();
  await portal.close();
  await rm(dir, { recursive: true, force: true });
});

function context(timeoutMs = 20_000): CheckContext {
  runs++;
  return {
    signal: AbortSignal.timeout(timeoutMs),
    deadlineAt: performance.now() + timeoutMs,
    logger: pino({ level: 'silent' }),
    userAgent: 'ozgwatch/test',
    hosts: new HostLimiter(2),
    now: () => Date.now(),
    browser: host,
    artifacts: artifacts.forRun('guard', `run-${runs}`),
  };
}

function journey(spec: BrowserSpecInput): Promise<Outcome> {
  return checkBrowser(context(), browserSpecSchema.parse({ stepTimeout: '3s', ...spec }));
}

const site = (p: string): string => `${portal.http}/schutz/${p}`;

/** POSTs counted before the test: each test asks only about its own. */
let before = new Map<string, number>();
beforeEach(() => {
  before = portal.posts();
});

/** POSTs of this test that reached the portal's targets under /schutz/ziel/ (none may). */
function reached(): string[] {
  return [...portal.posts()]
    .filter(([p, n]) => p.startsWith('/schutz/ziel/') && n > (before.get(p) ?? 0))
    .map(([p]) => p);
}

/** What a request sent as the browser goes on (a beacon, a popup) needs to arrive, if it could. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));

const steps = (list: BrowserSpecInput['steps'] & object): Pick<BrowserSpecInput, 'steps'> => ({
  steps: list,
});

/**
 * A TypeScript journey that presses `button` on `page` (in its frame with `inFrame`) and
 * waits for the POST it sends to fail, wherever it comes from: a form in a frame or a new
 * window changes nothing on the page a step could wait for.
 */
function submitting(
  page: string,
  button: string,
  inFrame: boolean,
): Pick<BrowserSpecInput, 'journey'> {
  return {
    journey: async ({ page: tab, step }) => {
      await step('start', () => tab.goto(site(page)));
      await step('absenden', async () => {
        const failed = tab
          .context()
          .waitForEvent('requestfailed', { predicate: (r) => r.method() === 'POST' });
        const scope = inFrame ? tab.frameLocator('iframe') : tab;
        await scope.getByRole('button', { name: button }).click();
        await failed;
      });
    },
  };
}

describe('the request guard', () => {
  const vectors: {
    name: string;
    steps: () => Pick<BrowserSpecInput, 'steps' | 'journey'>;
    blocked: () => { method: string; url: string }[];
  }[] = [
    {
      name: 'navigator.sendBeacon',
      steps: () =>
        steps([
          { goto: site('beacon') },
          { name: 'absenden', click: { role: 'button', name: 'Absenden' } },
          { name: 'warten', expectText: { css: '#status', value: 'abgelehnt' } },
        ]),
      blocked: () => [{ method: 'POST', url: site('ziel/beacon') }],
    },
    {
      name: 'fetch with keepalive',
      steps: () =>
        steps([
          { goto: site('keepalive') },
          { name: 'absenden', click: { role: 'button', name: 'Absenden' } },
          { name: 'warten', expectText: { css: '#status', value: 'blockiert' } },
        ]),
      blocked: () => [{ method: 'POST', url: site('ziel/keepalive') }],
    },
    {
      name: '<a ping>',
      steps: () =>
        steps([
          { goto: site('ping') },
          { name: 'absenden', click: { role: 'link', name: 'Weiter' } },
          { name: 'warten', expectText: 'Weiter ging es.' },
        ]),
      blocked: () => [{ method: 'POST', url: site('ziel/ping') }],
    },
    {
      name: 'a form POST in a same-origin frame',
      steps: () => submitting('iframe-gleich', 'Antrag absenden', true),
      blocked: () => [{ method: 'POST', url: site('ziel/iframe-gleich') }],
    },
    {
      name: 'a form POST in a cross-origin frame',
      steps: () => submitting('iframe-fremd', 'Antrag absenden', true),
      blocked: () => [
        { method: 'POST', url: site('ziel/iframe-fremd').replace('127.0.0.1', 'localhost') },
      ],
    },
    {
      name: 'a form POST into a new window (target=_blank)',
      steps: () => submitting('popup', 'Antrag absenden', false),
      blocked: () => [{ method: 'POST', url: site('ziel/popup') }],
    },
    {
      name: 'a form POST in a window.open popup',
      steps: () => submitting('fenster', 'Antrag öffnen', false),
      blocked: () => [{ method: 'POST', url: site('ziel/fenster') }],
    },
    {
      name: 'a POST from a dedicated worker',
      steps: () =>
        steps([
          { name: 'absenden', goto: site('worker') },
          { name: 'warten', expectText: { css: '#status', value: 'blockiert' } },
        ]),
      blocked: () => [{ method: 'POST', url: site('ziel/worker') }],
    },
    {
      // Playwright does not see a shared worker's requests: it is not started at all.
      name: 'a shared worker (which would POST)',
      steps: () =>
        steps([
          { name: 'absenden', goto: site('shared-worker') },
          { name: 'warten', expectText: 'bereit' },
        ]),
      blocked: () => [{ method: 'SHAREDWORKER', url: site('shared-worker.js') }],
    },
  ];

  it.each(vectors)('$name: never reaches the server and is recorded', async (vector) => {
    const out = await journey(vector.steps());
    await settle();
    expect(reached()).toEqual([]);
    // A request the page sends a moment after the step that made it is the next step's.
    const steps = out.blockedRequests?.map((b) => b.step) ?? [];
    expect(steps.every((step) => step === 'absenden' || step === 'warten')).toBe(true);
    expect(out.blockedRequests?.map(({ method, url }) => ({ method, url }))).toEqual(
      vector.blocked(),
    );
    expect(out.warnings).toBeUndefined();
  });

  it("a fetch POST from an empty window.open popup, by its opener's script: never sent", async () => {
    // The popup never loaded a document of its own, and no route sees its request: Playwright
    // holds it (Chromium 156). It fails or hangs, and is not in the result's blockedRequests.
    const out = await journey(
      steps([
        { goto: site('fenster-fetch') },
        { name: 'absenden', click: { role: 'button', name: 'Antrag öffnen' } },
      ]),
    );
    await settle();
    expect(out.status).toBe('pass');
    expect(reached()).toEqual([]);
  });

  it.each([
    ['a beacon', 'abschied'],
    ['a keepalive fetch', 'abschied-fetch'],
  ])('%s sent as the page goes away (pagehide) never reaches the server', async (_what, page) => {
    // Playwright passes such a request on unrouted once its page is gone: the page guard
    // keeps it from being sent at all. Whether the refusal is recorded depends on the page
    // still being there to report it, so only the server is asked.
    const out = await journey({
      steps: [
        { goto: site(page) },
        { click: { role: 'link', name: 'Weiter' } },
        { expectText: 'Weiter ging es.' },
      ],
    });
    await settle();
    expect(out.status).toBe('pass');
    expect(reached()).toEqual([]);
  });

  it('a WebSocket is not connected: recorded with its step, and the failure it causes says so', async () => {
    const opened = portal.webSockets().opened.length;
    const out = await journey({
      steps: [
        { name: 'start', goto: site('websocket') },
        { name: 'absenden', click: { role: 'button', name: 'Antrag absenden' } },
        { name: 'bestaetigung', expectText: { css: '#status', value: 'empfangen' } },
      ],
    });
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    const url = `${site('ws/antrag').replace('http:', 'ws:')}`;
    expect(out.blockedRequests).toEqual([{ method: 'WEBSOCKET', url, step: 'start' }]);
    // The page's send() on the closed socket throws: what a person sees is a script error,
    // and the message tells where it came from.
    expect(out).toMatchObject({ status: 'fail', reason: 'js_error' });
    expect(out.message).toContain(
      `; blocked WebSocket ${url} in step "start": the page talks to its server over it`,
    );
    expect(out.message).toContain('{ method: WEBSOCKET, url } in allowRequests');
  });

  it('a WebSocket failing in its own step is request_blocked', async () => {
    const out = await journey({
      steps: [
        { name: 'start', goto: site('websocket') },
        { expectText: { css: '#status', value: 'empfangen' } },
      ],
    });
    expect(out).toMatchObject({ status: 'error', reason: 'request_blocked' });
    expect(out.message).toMatch(/^blocked WebSocket ws:\/\/.*\/schutz\/ws\/antrag in step "start"/);
  });

  it('an allowed WebSocket is connected and carries the messages both ways', async () => {
    const sent = portal.webSockets().messages.length;
    const out = await journey({
      allowRequests: [{ method: 'WEBSOCKET', url: '**/schutz/ws/antrag' }],
      steps: [
        { goto: site('websocket') },
        { expectText: { css: '#status', value: 'verbunden' } },
        { click: { role: 'button', name: 'Antrag absenden' } },
        { expectText: { css: '#status', value: 'empfangen' } },
      ],
    });
    expect(out.status).toBe('pass');
    expect(out.blockedRequests).toEqual([]);
    expect(portal.webSockets().messages.slice(sent)).toEqual(['Antrag absenden']);
  });

  it('an allowed POST answered with 307 is not repeated at an address nobody allowed', async () => {
    const out = await journey({
      allowRequests: [{ method: 'POST', url: '**/schutz/erlaubt/**' }],
      steps: [
        { goto: site('umleitung') },
        { name: 'absenden', click: { role: 'button', name: 'Antrag absenden' } },
        { expectText: 'Antrag eingegangen' },
      ],
    });
    expect(portal.posts().get('/schutz/erlaubt/umleiten')).toBeGreaterThanOrEqual(1);
    expect(reached()).toEqual([]);
    expect(out.blockedRequests).toEqual([
      { method: 'POST', url: site('ziel/umgeleitet'), step: 'absenden' },
    ]);
    expect(out).toMatchObject({ status: 'error', reason: 'request_blocked' });
  });
});

describe('a frame of another site in a renderer of its own', () => {
  // As a full Chromium runs it (site isolation): the frame is a target of its own, which the
  // workers' guard attaches and lets go beside Playwright, as it did the popups that once ran
  // without routes. The headless shell keeps such a frame in its page's renderer.
  it('a POST it sends as it loads never reaches the server, and is recorded', async () => {
    const isolated = new BrowserHost({
      args: ['--site-per-process'],
      restartAfterRuns: 1000,
      memoryLimitMb: 4000,
      downloadLimitMb: 20,
      logger: pino({ level: 'silent' }),
    });
    let frames: string[] = [];
    try {
      const out = await checkBrowser(
        { ...context(), browser: isolated },
        browserSpecSchema.parse({
          stepTimeout: '5s',
          journey: async ({ page, step }) => {
            await step('start', async () => {
              await page.goto(site('iframe-fremd-beim-laden'));
              await page
                .frameLocator('iframe')
                .getByRole('heading', { name: 'Beim Laden' })
                .waitFor();
              // The frame is the target this test is about, not part of its page's renderer.
              const cdp = await page.context().browser()!.newBrowserCDPSession();
              const { targetInfos } = await cdp.send('Target.getTargets');
              await cdp.detach();
              frames = targetInfos.filter((t) => t.type === 'iframe').map((t) => t.url);
            });
          },
        } satisfies BrowserSpecInput),
      );
      await settle();
      expect(frames).toEqual([site('beim-laden').replace('127.0.0.1', 'localhost')]);
      expect(reached()).toEqual([]);
      expect(out.status).toBe('pass');
      expect(out.blockedRequests).toEqual([
        {
          method: 'POST',
          url: site('ziel/beim-laden').replace('127.0.0.1', 'localhost'),
          step: 'start',
        },
      ]);
    } finally {
      await isolated.close();
    }
  });
});

describe("a worker's WebSocket", () => {
  // No route sees a worker's socket: the guard puts its own WebSocket into every worker over
  // the browser's DevTools before the worker's script runs, and that one asks first.
  const wsUrl = (): string => site('ws/worker').replace('http:', 'ws:');
  const workers = [
    ['a dedicated worker', 'ws-worker'],
    ['a module worker', 'ws-worker-modul'],
    ['a worker started by a worker', 'ws-worker-verschachtelt'],
    ['a blob: worker', 'ws-worker-blob'],
  ] as const;

  it.each(workers)('%s: held back, no handshake, recorded as blocked', async (_what, page) => {
    const opened = portal.webSockets().opened.length;
    const out = await journey({
      steps: [
        { name: 'start', goto: site(page) },
        { name: 'warten', expectText: { css: '#status', value: 'blockiert' } },
      ],
    });
    await settle();
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    expect(out.status).toBe('pass');
    expect(out.blockedRequests?.map(({ method, url }) => ({ method, url }))).toEqual([
      { method: 'WEBSOCKET', url: wsUrl() },
    ]);
    expect(['start', 'warten']).toContain(out.blockedRequests?.[0]?.step);
    expect(out.warnings).toBeUndefined();
  });

  it.each(workers)('%s: an allowed one connects and carries its messages', async (_what, page) => {
    const { opened, messages } = portal.webSockets();
    const out = await journey({
      allowRequests: [{ method: 'WEBSOCKET', url: '**/schutz/ws/worker' }],
      steps: [{ goto: site(page) }, { expectText: { css: '#status', value: 'gesendet' } }],
    });
    expect(out.status).toBe('pass');
    expect(out.blockedRequests).toEqual([]);
    expect(out.warnings).toBeUndefined();
    expect(portal.webSockets().opened.slice(opened.length)).toEqual(['/schutz/ws/worker']);
    expect(portal.webSockets().messages.slice(messages.length)).toEqual([
      'Antrag absenden (Worker)',
    ]);
  });

  it.each([
    // A browser that gives every site its own renderer, as a full Chromium does: the frame is
    // then a target of its own, attached like a page (the headless shell keeps it in-process).
    ['in a frame of another site', 'ws-worker-fremd', 'localhost', ['--site-per-process']],
    ['in a popup', 'ws-worker-fenster', '127.0.0.1', []],
  ])('%s: held back too', async (_where, page, origin, args) => {
    const own = new BrowserHost({
      args,
      restartAfterRuns: 1000,
      memoryLimitMb: 4000,
      downloadLimitMb: 20,
      logger: pino({ level: 'silent' }),
    });
    const input: BrowserSpecInput = {
      stepTimeout: '3s',
      journey: async ({ page: tab, step }) => {
        await step('start', async () => {
          const popup = page.endsWith('fenster') ? tab.waitForEvent('popup') : undefined;
          await tab.goto(site(page));
          const status = popup
            ? (await popup).locator('#status')
            : tab.frameLocator('iframe').locator('#status');
          await status.filter({ hasText: 'blockiert' }).waitFor();
        });
      },
    };
    const opened = portal.webSockets().opened.length;
    try {
      const out = await checkBrowser(
        { ...context(), browser: own },
        browserSpecSchema.parse(input),
      );
      await settle();
      expect(portal.webSockets().opened.slice(opened)).toEqual([]);
      expect(out.status).toBe('pass');
      expect(out.blockedRequests?.map(({ method, url }) => ({ method, url }))).toEqual([
        { method: 'WEBSOCKET', url: wsUrl().replace('127.0.0.1', origin) },
      ]);
    } finally {
      await own.close();
    }
  });

  it('a worker that opens no socket works and is no warning', async () => {
    const out = await journey({
      steps: [
        { goto: site('worker-rechnet') },
        { expectText: { css: '#status', value: 'Summe 6' } },
      ],
    });
    expect(out.status).toBe('pass');
    expect(out.warnings).toBeUndefined();
  });

  it('Playwright still sees the worker and routes its requests', async () => {
    const out = await journey({
      journey: async ({ page, step }) => {
        await step('start', async () => {
          const worker = page.waitForEvent('worker');
          await page.goto(site('worker'));
          expect((await worker).url()).toBe(site('worker.js'));
          await page.locator('#status', { hasText: 'blockiert' }).waitFor();
        });
      },
    });
    expect(out.status).toBe('pass');
    expect(reached()).toEqual([]);
    expect(out.blockedRequests?.map((b) => b.method)).toEqual(['POST']);
  });

  it.each([
    ['registered by the page', 'service-worker-socket'],
    ['registered with the register of an empty frame', 'service-worker-rahmen'],
  ])('no service worker, %s, in a page scan or a journey: its socket never opens', async (_, p) => {
    // The worker opens its socket as it installs, where the worker guard has been too late on
    // a loaded machine: every context of the daemon blocks service workers.
    const opened = portal.webSockets().opened.length;
    const url = site(p);
    // Whether a worker becomes ready (it does within a second here when it may register).
    const registered = async (page: Page): Promise<unknown> => {
      await page.goto(url);
      return page.evaluate(`Promise.race([
        navigator.serviceWorker.ready.then(() => 'bereit'),
        new Promise((r) => setTimeout(() => r('keiner'), 3000)),
      ])`);
    };
    let inScan: unknown;
    const scan = await withGuardedPage(context(), async (page) => {
      inScan = await registered(page);
      return { status: 'pass', message: 'gelesen', assertions: [] };
    });
    let inJourney: unknown;
    const run = await journey({
      journey: async ({ page, step }) => {
        await step('start', async () => {
          inJourney = await registered(page);
        });
      },
    });
    await settle();
    expect([inScan, inJourney]).toEqual(['keiner', 'keiner']);
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    expect(scan.blockedRequests).toBeUndefined();
    expect(run).toMatchObject({ status: 'pass', blockedRequests: [] });
  });

  it('without a DevTools port the guard can reach: connects, and the result says so', async () => {
    // A browser ozgwatch did not start with its port: the page's guard still works, a
    // worker's socket is recorded as having passed it (Guard.unguarded), not as held back.
    const executablePath = await chromiumExecutable();
    const browser = await chromium.launch(executablePath ? { executablePath } : {});
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const guard = await installGuard(
        context,
        [],
        new HostLimiter(2),
        new AbortController().signal,
      );
      const opened = portal.webSockets().opened.length;
      guard.step = 'start';
      await page.goto(site('ws-worker-blob'));
      await page.locator('#status', { hasText: 'gesendet' }).waitFor();
      expect(portal.webSockets().opened.slice(opened)).toEqual(['/schutz/ws/worker']);
      expect(guard.blocked).toEqual([]);
      expect(guard.unguarded).toEqual([{ method: 'WEBSOCKET', url: wsUrl(), step: 'start' }]);
    } finally {
      await browser.close();
    }
  });

  it('in a page scan: held back and recorded with its page', async () => {
    const opened = portal.webSockets().opened.length;
    const url = site('ws-worker-blob');
    const out = await checkA11y(
      context(),
      a11ySpecSchema.parse({ urls: [url], documents: { max: 0 } }),
    );
    await settle();
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    expect(out.blockedRequests).toEqual([{ method: 'WEBSOCKET', url: wsUrl(), step: url }]);
  });
});

describe('a socket opened after the page was read', () => {
  it("is held back while the scan still has the page open, the page's and a worker's", async () => {
    const opened = portal.webSockets().opened.length;
    const url = site('ws-spaet');
    const out = await withGuardedPage(context(), async (page, guard) => {
      guard.step = url;
      await page.goto(url);
      // Read at once; the scan then goes on with the page open (links, documents), and the
      // page opens its sockets meanwhile.
      await page.title();
      await page.locator('#status', { hasText: 'blockiert' }).waitFor();
      return { status: 'pass', message: 'gelesen', assertions: [] };
    });
    await settle();
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    expect(out.blockedRequests).toEqual(
      expect.arrayContaining([
        { method: 'WEBSOCKET', url: site('ws/spaet').replace('http:', 'ws:'), step: url },
        { method: 'WEBSOCKET', url: site('ws/worker').replace('http:', 'ws:'), step: url },
      ]),
    );
    expect(out.blockedRequests).toHaveLength(2);
  });
});

describe('a prepared context', () => {
  it('sends nothing until its run armed the guard, then what the run allows', async () => {
    const lease = await host.lease({}, undefined, ({ context }) => prepareGuard(context));
    try {
      const url = site('danke');
      const seen = portal.requestsByUrl().get('/schutz/danke') ?? 0;
      await expect(lease.page.goto(url)).rejects.toThrow(/ERR_ABORTED/);
      expect(portal.requestsByUrl().get('/schutz/danke') ?? 0).toBe(seen);
      lease.prepared.arm({
        allowed: [],
        hosts: new HostLimiter(2),
        signal: new AbortController().signal,
      });
      expect((await lease.page.goto(url))?.status()).toBe(200);
    } finally {
      await lease.release();
    }
  });
});

describe('the page-reading checkers', () => {
  it.each([
    [
      'a11y',
      (url: string) =>
        checkA11y(context(), a11ySpecSchema.parse({ urls: [url], documents: { max: 0 } })),
    ],
    ['bitv', (url: string) => checkBitv(context(), bitvSpecSchema.parse({ url }))],
    [
      'media-breaks',
      (url: string) => checkMediaBreaks(context(), mediaBreaksSpecSchema.parse({ url })),
    ],
  ] as const)(
    '%s: the guard is in place before the first request, and what it held back is in the result with its page',
    async (_kind, check) => {
      const url = site('beim-laden');
      const out = await check(url);
      expect(reached()).toEqual([]);
      expect(out.blockedRequests).toEqual([
        { method: 'POST', url: site('ziel/beim-laden'), step: url },
      ]);
    },
  );

  it('media-breaks: what is held back on the application it follows names that page', async () => {
    const out = await checkMediaBreaks(
      context(),
      mediaBreaksSpecSchema.parse({ url: site('leistung') }),
    );
    expect(reached()).toEqual([]);
    expect(out.blockedRequests).toEqual([
      { method: 'POST', url: site('ziel/beim-laden'), step: site('beim-laden') },
    ]);
  });

  it('a blocked WebSocket: the page is scanned without it, which the result warns of', async () => {
    const opened = portal.webSockets().opened.length;
    const url = site('websocket');
    const out = await checkA11y(
      context(),
      a11ySpecSchema.parse({ urls: [url], documents: { max: 0 } }),
    );
    expect(portal.webSockets().opened.slice(opened)).toEqual([]);
    const socket = site('ws/antrag').replace('http:', 'ws:');
    expect(out.blockedRequests).toEqual([{ method: 'WEBSOCKET', url: socket, step: url }]);
    // A warning, not a status: what the page showed was scanned, and passes.
    expect(out.status).toBe('pass');
    expect(out.warnings).toEqual([
      `WebSocket ${socket} was blocked: the page was scanned without what it would have shown over it (page ${url})`,
    ]);
  });

  it('a POST from a service worker never reaches the server', async () => {
    // Service workers are not registered in page scans, as in journeys (the host's defaults).
    const url = site('service-worker');
    const out = await checkA11y(
      context(),
      a11ySpecSchema.parse({ urls: [url], documents: { max: 0 } }),
    );
    await settle();
    expect(reached()).toEqual([]);
    expect(out.a11y?.pages[0]?.error).toBeUndefined();
  });

  it("a consent layer's blocked decline: recorded, the service page still scanned behind it", async () => {
    const urls = [site('einwilligung-fetch'), site('einwilligung-formular')];
    const out = await checkA11y(context(), a11ySpecSchema.parse({ urls, documents: { max: 0 } }));
    expect(reached()).toEqual([]);
    expect(out.blockedRequests).toEqual([
      { method: 'POST', url: site('ziel/einwilligung'), step: urls[0] },
      { method: 'POST', url: site('ziel/einwilligung-formular'), step: urls[1] },
    ]);
    const [byFetch, byForm] = out.a11y!.pages;
    // The choice sent by fetch closes the layer anyway: declined, as a visitor sees it.
    expect(byFetch).toMatchObject({ url: urls[0], consent: { action: 'declined' } });
    // The form POST was held back, so the layer stayed: set aside, not declined, and the
    // page scanned is still the service's (not the browser's error page in its place).
    expect(byForm).toMatchObject({ url: urls[1], consent: { action: 'hidden' } });
    for (const page of [byFetch!, byForm!]) {
      expect(page.error).toBeUndefined();
      expect(page.violations.map((v) => v.ruleId)).toEqual(['image-alt']);
    }
    expect(out).toMatchObject({ status: 'fail', reason: 'a11y_violations' });
  }, 30_000);
});
