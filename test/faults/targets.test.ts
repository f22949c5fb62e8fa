/**
 * Issue 9, "Faults to inject — Targets": a watched service that misbehaves on purpose.
 * Each fault of the hostile site must end as a clear result — a status and a reason
 * code — within the probe's deadline, read nothing it must not (no local file, no
 * `javascript:`), and leave the daemon running: the last test runs them all at once in a
 * real daemon next to a healthy probe.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y } from '../../src/checkers/a11y/check.ts';
import { a11ySpecSchema, type A11ySpecInput } from '../../src/checkers/a11y/spec.ts';
import { checkBrowser } from '../../src/checkers/browser/journey.ts';
import {
  browserSpecSchema,
  type BrowserSpecInput,
  type JourneyContext,
} from '../../src/checkers/browser/spec.ts';
import type { CheckContext } from '../../src/checkers/checker.ts';
import { checkHttp } from '../../src/checkers/http/check.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../src/checkers/http/spec.ts';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import type { Outcome, ReasonCode, RunStatus } from '../../src/results/result.ts';
import { ArtifactStore } from '../../src/runner/artifacts.ts';
import { BrowserHost } from '../../src/runner/browser-host.ts';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { startHostileSite, type HostileSite } from '../fixtures/hostile-site.ts';

/** A line of the local file the `file:` redirect points at; it must never reach a result. */
const PASSWD_LINE = readFileSync('/etc/passwd', 'utf8').split('\n')[0] as string;

let site: HostileSite;
let host: BrowserHost;
let dir: string;
let artifacts: ArtifactStore;
let runs = 0;

beforeAll(async () => {
  site = await startHostileSite();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-faults-'));
  artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  // As the daemon sets it up: no flags that make a renderer die sooner than in production.
  host = new BrowserHost({
    args: [],
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
  });
}, 30_000);

afterAll(async () => {
  await host?.close();
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  out: Outcome;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** The run's artifact folder. */
  folder: string;
}

function context(deadlineMs: number): { ctx: CheckContext; folder: string } {
  runs++;
  return {
    ctx: {
      signal: AbortSignal.timeout(deadlineMs),
      logger: pino({ level: 'silent' }),
      userAgent: 'ozgwatch/test (+https://example.org/contact)',
      hosts: new HostLimiter(4),
      now: () => Date.now(),
      browser: host,
      artifacts: artifacts.forRun('faults', `run-${runs}`),
    },
    folder: path.join(artifacts.root, 'faults', `run-${runs}`),
  };
}

async function timed(
  deadlineMs: number,
  check: (ctx: CheckContext) => Promise<Outcome>,
): Promise<Run> {
  const { ctx, folder } = context(deadlineMs);
  const started = performance.now();
  const out = await check(ctx);
  return { out, seconds: (performance.now() - started) / 1000, folder };
}

const http = (spec: HttpSpecInput, deadlineMs = 5000): Promise<Run> =>
  timed(deadlineMs, (ctx) => checkHttp(ctx, httpSpecSchema.parse(spec)));

/**
 * Deadline of a journey run. Its steps time out after 5 s (2 s where a timeout is the
 * fault), but while a trace is recorded
 * each Playwright action on a page stuck in a script takes some 6 s more (snapshot tries),
 * and these runs share two cores: the deadline is for runs that do not end by themselves.
 */
const JOURNEY_DEADLINE = 30_000;

const journey = (spec: BrowserSpecInput, deadlineMs = JOURNEY_DEADLINE): Promise<Run> =>
  timed(deadlineMs, (ctx) =>
    checkBrowser(ctx, browserSpecSchema.parse({ stepTimeout: '5s', ...spec })),
  );

const a11y = (spec: A11ySpecInput, deadlineMs = 20_000): Promise<Run> =>
  timed(deadlineMs, (ctx) => checkA11y(ctx, a11ySpecSchema.parse({ pageTimeout: '10s', ...spec })));

/** The run ended by itself with this status and reason, before its deadline cut it off. */
function expectClear(
  run: Run,
  status: RunStatus,
  reason: ReasonCode | undefined,
  deadlineMs: number,
): void {
  expect({
    status: run.out.status,
    reason: run.out.reason,
    message: run.out.message,
  }).toMatchObject({
    status,
    reason,
  });
  expect(run.seconds).toBeLessThan(deadlineMs / 1000);
}

/** Nothing of the local file in the result or in any evidence file of the run. */
async function expectNoLocalFile(run: Run): Promise<void> {
  expect(JSON.stringify(run.out)).not.toContain(PASSWD_LINE);
  for (const name of await readdir(run.folder).catch(() => [] as string[])) {
    if (name.endsWith('.html')) {
      expect(await readFile(path.join(run.folder, name), 'utf8')).not.toContain(PASSWD_LINE);
    }
  }
}

/** Waits until the site has no connection open. */
async function allClosed(): Promise<number> {
  // undici keeps an idle connection of the document downloads for 4 s.
  const end = Date.now() + 8000;
  while (site.openSockets() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return site.openSockets();
}

describe('network faults: the HTTP checker', () => {
  it('slow-loris headers end as a timeout while waiting for the first byte', async () => {
    const run = await http({ url: site.url('/loris/headers') }, 1500);
    expect(run.out).toMatchObject({
      status: 'fail',
      reason: 'timeout',
      message: 'timeout while waiting for the first byte',
    });
    expect(run.seconds).toBeLessThan(2.5);
    // The server was still trickling: a byte every 200 ms, no more.
    expect(site.bytesSent('/loris/headers')).toBeGreaterThan(0);
    expect(site.bytesSent('/loris/headers')).toBeLessThan(20);
  });

  it('a slow-loris body ends as a timeout while reading the body', async () => {
    const run = await http({ url: site.url('/loris/body') }, 1500);
    expect(run.out).toMatchObject({
      status: 'fail',
      reason: 'timeout',
      message: 'timeout while reading the body',
    });
    expect(run.out.http?.status).toBe(200);
    expect(run.seconds).toBeLessThan(2.5);
  });

  it('an endless body stops at maxBodyBytes, and the server stops sending', async () => {
    const limit = 2 ** 20;
    const run = await http({ url: site.url('/endless'), maxBodyBytes: limit });
    expectClear(run, 'fail', 'body_too_large', 5000);
    expect(run.out.http!.bodyBytes).toBeGreaterThan(limit);
    expect(run.out.http!.bodyBytes).toBeLessThan(limit + 256 * 1024);
    // Socket buffers hold a few MiB more; nowhere near the site's 512 MiB ceiling.
    expect(site.bytesSent('/endless')).toBeLessThan(32 * 2 ** 20);
  });

  it('10 MB of single-line HTML: body_too_large by default, read whole when allowed', async () => {
    const capped = await http({ url: site.url('/big-line') });
    expectClear(capped, 'fail', 'body_too_large', 5000);
    // Read whole, the soft-error scan and the body assertion run over all 10 MiB.
    const whole = await http(
      {
        url: site.url('/big-line'),
        maxBodyBytes: 16 * 2 ** 20,
        expect: { bodyContains: ['Paragraf</a>'] },
      },
      10_000,
    );
    expectClear(whole, 'pass', undefined, 10_000);
    expect(whole.out.http!.bodyBytes).toBe(10 * 2 ** 20);
  });

  it('redirects without end: a chain is too_many_redirects, a circle redirect_loop', async () => {
    const before = site.requests('/redirect/chain/0');
    const chain = await http({ url: site.url('/redirect/chain/0'), maxRedirects: 5 });
    expectClear(chain, 'fail', 'too_many_redirects', 5000);
    expect(chain.out.http!.redirects).toHaveLength(6);
    expect(site.requests('/redirect/chain/0') - before).toBe(1);
    expect(site.requests('/redirect/chain/6')).toBe(0);

    const loop = await http({ url: site.url('/redirect/loop-a') });
    expectClear(loop, 'fail', 'redirect_loop', 5000);
    expect(loop.out.message).toMatch(/redirect loop back to .*\/redirect\/loop-a$/);
  });

  it.each(['file', 'javascript', 'data'])(
    'a redirect to %s: is unsafe_redirect, not followed',
    async (scheme) => {
      const run = await http({ url: site.url(`/redirect/${scheme}`) });
      expectClear(run, 'fail', 'unsafe_redirect', 5000);
      expect(run.out.message).toMatch(
        new RegExp(`^redirect to ${scheme}: not followed \\(only http and https\\): ${scheme}:`),
      );
      // The last address fetched is the one that redirected.
      expect(run.out.http?.finalUrl).toBe(site.url(`/redirect/${scheme}`));
      await expectNoLocalFile(run);
      expect(site.requests('/injected')).toBe(0);
    },
  );

  it('a reset in the middle of the TLS handshake is tls, naming the reset', async () => {
    const hellos = site.clientHellos();
    const run = await http({ url: `${site.tlsReset}/` });
    expectClear(run, 'fail', 'tls', 5000);
    expect(run.out.message).toMatch(/^TLS handshake with 127\.0\.0\.1: .*ECONNRESET/);
    // The handshake had begun: the server read a ClientHello before it reset.
    expect(site.clientHellos()).toBe(hellos + 1);
  });

  it('a host that does not resolve is dns', async () => {
    const run = await http({ url: site.unresolvable }, 8000);
    expectClear(run, 'fail', 'dns', 8000);
    expect(run.out.message).toMatch(/^DNS: ozgwatch-hostile\.invalid: /);
  });

  it('leaves no connection open on the hostile site', async () => {
    expect(await allClosed()).toBe(0);
  });
});

// The journeys mostly wait for timeouts: run side by side, they take a third of the time.
describe.concurrent('page faults: the browser journey', { timeout: 45_000 }, () => {
  it.each([
    ['slow-loris headers', '/loris/headers'],
    ['a slow-loris body', '/loris/body'],
    ['an endless body', '/endless'],
    ['10 MB of single-line HTML, its last byte held back 8 s', '/big-line?hold=8000'],
    ['a script that loops from the start', '/busy-loop'],
  ])('%s: navigation_timeout at the step timeout, with a trace', async (_, route) => {
    const run = await journey({
      stepTimeout: '2s',
      steps: [{ name: 'oeffnen', goto: site.url(route) }],
    });
    expectClear(run, 'fail', 'navigation_timeout', JOURNEY_DEADLINE);
    expect(run.out.artifacts?.map((a) => a.name)).toContain('trace.zip');
  });

  it('a page that stops responding after it loaded is page_unresponsive, not a missing element', async () => {
    const run = await journey({
      stepTimeout: '2s',
      steps: [
        { name: 'oeffnen', goto: site.url('/busy-loop?when=later') },
        { name: 'fertig', expectText: 'Fertig' },
      ],
    });
    expectClear(run, 'fail', 'page_unresponsive', JOURNEY_DEADLINE);
    expect(run.out.steps?.map((s) => [s.name, s.status])).toEqual([
      ['oeffnen', 'pass'],
      ['fertig', 'fail'],
    ]);
    // No screenshot or HTML can come from a page that runs no script; the trace still does.
    expect(run.out.artifacts?.map((a) => a.name)).toEqual(['trace.zip']);
  });

  it('redirects without end are too_many_redirects', async () => {
    const run = await journey({ steps: [{ goto: site.url('/redirect/chain/100') }] });
    expectClear(run, 'fail', 'too_many_redirects', JOURNEY_DEADLINE);
  });

  it.each(['file', 'javascript', 'data'])(
    'a redirect to %s: is unsafe_redirect; nothing local is read, nothing injected runs',
    async (scheme) => {
      const run = await journey({
        steps: [{ name: 'oeffnen', goto: site.url(`/redirect/${scheme}`) }],
      });
      expectClear(run, 'fail', 'unsafe_redirect', JOURNEY_DEADLINE);
      expect(run.out.message).toContain(`step "oeffnen": redirect to ${scheme}:`);
      await expectNoLocalFile(run);
      expect(site.requests('/injected')).toBe(0);
    },
  );

  it('a reset in the middle of the TLS handshake is connection_reset', async () => {
    const run = await journey({ steps: [{ goto: `${site.tlsReset}/` }] });
    expectClear(run, 'fail', 'connection_reset', JOURNEY_DEADLINE);
  });

  it('a host that does not resolve is dns', async () => {
    const run = await journey({ steps: [{ goto: site.unresolvable }] });
    expectClear(run, 'fail', 'dns', JOURNEY_DEADLINE);
  });

  it('popups opened in a loop: the journey passes, the context keeps at most ten of them', async () => {
    let opened = 0;
    let pages = 0;
    const run = await journey({
      journey: async ({ page, step }) => {
        page.context().on('page', () => void opened++);
        await step('oeffnen', () => page.goto(site.url('/popups')));
        // Until the page has opened 16 windows, six more than a context keeps (one every 25 ms
        // when the machine is idle; a loaded CI machine opened 7 in 2.5 s), at most 15 s.
        await step('warten', async () => {
          const until = Date.now() + 15_000;
          while (opened < 16 && Date.now() < until) await page.waitForTimeout(100);
          // What stays open: the fewest pages seen over half a second. One look can also count
          // windows whose close is on its way, several at once on a loaded machine.
          pages = Infinity;
          for (let look = 0; look < 6; look++) {
            await page.waitForTimeout(100);
            pages = Math.min(pages, page.context().pages().length);
          }
        });
      },
    });
    expectClear(run, 'pass', undefined, JOURNEY_DEADLINE);
    // The page kept opening windows: kept all, the context would have 17 pages or more …
    expect(opened).toBeGreaterThanOrEqual(16);
    // … but the run's own page and ten popups are all that stay open (give or take the
    // window opened a moment ago, whose close is still on its way).
    expect(pages).toBeGreaterThan(1);
    expect(pages).toBeLessThanOrEqual(11 + 1);
  });

  it('alert, confirm, prompt and a dialog every 5 ms do not hold the journey', async () => {
    const run = await journey({
      steps: [
        { goto: site.url('/dialogs') },
        // confirm() was dismissed: the page says so.
        { expectText: 'Dialoge überstanden: false' },
        { expectVisible: { role: 'heading', name: 'Dialoge' } },
      ],
    });
    expectClear(run, 'pass', undefined, JOURNEY_DEADLINE);
  });

  it('downloads without end: five are kept, the endless one is cancelled', async () => {
    const run = await journey({
      steps: [
        { goto: site.url('/downloads') },
        { name: 'warten', expectText: 'Nie da', timeout: '1s' },
      ],
    });
    // The step fails as it should; the downloads are what this test is about.
    expectClear(run, 'fail', 'assertion', JOURNEY_DEADLINE);
    const kept = run.out.artifacts!.filter((a) => a.kind === 'download');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(5);
    // Every file kept is a whole 256 KiB form; the endless one never became a file.
    for (const download of kept) {
      expect((await stat(path.join(run.folder, download.name))).size).toBe(256 * 1024);
    }
    const files = (await readdir(run.folder)).filter((f) => f.startsWith('download-'));
    expect(files.sort()).toEqual(kept.map((a) => a.name).sort());
  });

  it('a download past browser.downloadLimitMb is cut as it grows, not kept, and logged', async () => {
    // At 64 MiB/s, as from a fast server (from 127.0.0.1 a loaded machine wrote 363 MiB
    // before the cut arrived); tagged, as "downloads without end" streams one beside it.
    const endless = '/download?endless=1&mibps=64&tag=limit';
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const run = await timed(JOURNEY_DEADLINE, (ctx) =>
      checkBrowser(
        { ...ctx, logger },
        browserSpecSchema.parse({
          journey: async ({ page, step }: JourneyContext) => {
            await step('herunterladen', () => page.goto(site.url(endless)).catch(() => undefined));
            await step('warten', () => page.waitForTimeout(1000));
          },
        }),
      ),
    );
    expectClear(run, 'pass', undefined, JOURNEY_DEADLINE);
    expect(run.out.artifacts ?? []).toEqual([]);
    // Cut by the browser host, not by the run's time limit or its end.
    const cut = lines
      .map((line) => JSON.parse(line) as { msg: string })
      .filter((line) => line.msg.includes('downloadLimitMb'));
    expect(cut).toMatchObject([{ url: site.url(endless), limitMb: 20 }]);
    // 20 MiB and what arrived while the cut was on its way: 20–32 MiB sent on an idle
    // machine, up to 114 MiB with two busy loops beside the test file. The time limit alone
    // (5 s) would let some 320 MiB through; before it, the body ran to the fixture's
    // ceiling of 512 MiB.
    expect(site.bytesSent('/download?tag=limit')).toBeLessThan(256 * 2 ** 20);
  });

  it('a download started in a popup is kept like one of the page', async () => {
    // Also the one test that caught popups running past Playwright's routes: while the
    // worker-socket guard's DevTools connection held pages too, this popup's request reached
    // the site unrouted in about one run in seven with this block under load, and Playwright
    // never reported its page or its download.
    const run = await journey({
      journey: async ({ page, step }) => {
        // Playwright reports the download on the popup, or on its opener when the popup was
        // not yet set up; listened to on both from the start, as the run itself does.
        const downloaded = new Promise<void>((resolve) => {
          page.once('download', () => resolve());
          page.context().on('page', (popup) => popup.once('download', () => resolve()));
        });
        await step('oeffnen', () => page.goto(site.url('/popup-download')));
        // A loaded CI machine took over a second to open the popup: at most 10 s. The end of
        // the run then waits for the download to finish.
        await step('warten', () => Promise.race([downloaded, page.waitForTimeout(10_000)]));
      },
    });
    expectClear(run, 'pass', undefined, JOURNEY_DEADLINE);
    expect(run.out.artifacts).toMatchObject([{ name: 'download-1.bin', kind: 'download' }]);
  });

  it('an address that answers with a file passes its goto and keeps the file', async () => {
    const run = await journey({ steps: [{ goto: site.url('/download') }] });
    expectClear(run, 'pass', undefined, JOURNEY_DEADLINE);
    expect(run.out.artifacts).toMatchObject([{ name: 'download-1.bin', kind: 'download' }]);
  });

  it('a page that allocates until its renderer dies is browser_crash; the next run passes', async () => {
    const crashed = await journey(
      { stepTimeout: '20s', steps: [{ goto: site.url('/memory-hog') }] },
      JOURNEY_DEADLINE,
    );
    expectClear(crashed, 'fail', 'browser_crash', JOURNEY_DEADLINE);
    const next = await journey({ steps: [{ goto: site.url('/ok') }] });
    expectClear(next, 'pass', undefined, JOURNEY_DEADLINE);
  }, 60_000);

  it('a visible DOM 10,000 levels deep kills the renderer: browser_crash', async () => {
    // The renderer dies in layout, which may come just after `load`: the next step needs it.
    const run = await journey({
      steps: [
        { goto: site.url('/deep-dom?via=script') },
        { expectVisible: { text: 'Ganz unten' } },
      ],
    });
    expectClear(run, 'fail', 'browser_crash', JOURNEY_DEADLINE);
  });
});

describe('page faults: the accessibility checker', () => {
  it('10 MB of single-line HTML is navigation_timeout at pageTimeout', async () => {
    // Its parse alone took from under 2 s to 18 s on different days of this VM: the last
    // byte is held back 8 s, so that 2 s are short of the load event on any machine.
    const run = await a11y({ urls: [site.url('/big-line?hold=8000')], pageTimeout: '2s' });
    expectClear(run, 'fail', 'navigation_timeout', 20_000);
    expect(run.out.a11y!.pages[0]!.error).toMatch(/Timeout 2000ms exceeded/);
  });

  it('10,000 nested divs as markup are scanned: the parser stops nesting at 512', async () => {
    const run = await a11y({ urls: [site.url('/deep-dom')], pageTimeout: '20s' }, 30_000);
    expectClear(run, 'pass', undefined, 30_000);
    expect(run.out.a11y!.pages).toHaveLength(1);
  }, 40_000);

  it('a DOM too deep for axe-core is scan_failed (error), and the next page is still scanned', async () => {
    const run = await a11y({
      urls: [site.url('/deep-dom?via=script&hidden'), site.url('/ok')],
    });
    expectClear(run, 'error', 'scan_failed', 20_000);
    const [deep, ok] = run.out.a11y!.pages;
    expect(deep!.error).toMatch(/^accessibility scan failed: .*Maximum call stack size exceeded/);
    expect(ok!.error).toBeUndefined();
  });

  it('a page that kills the renderer is browser_crash; the next page gets a new one', async () => {
    const run = await a11y({ urls: [site.url('/deep-dom?via=script'), site.url('/ok')] });
    expectClear(run, 'fail', 'browser_crash', 20_000);
    expect(run.out.a11y!.pages[1]!.error).toBeUndefined();
  });

  it('a page whose script never yields ends the scan at pageTimeout: scan_failed', async () => {
    const run = await a11y({
      urls: [site.url('/busy-loop?when=load'), site.url('/ok')],
      pageTimeout: '5s',
    });
    expectClear(run, 'error', 'scan_failed', 20_000);
    const [busy, ok] = run.out.a11y!.pages;
    expect(busy!.error).toBe('accessibility scan did not finish within 5s');
    expect(ok!.error).toBeUndefined();
  });

  it('PDF bombs linked from a page end as broken documents; the run passes', async () => {
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const run = await a11y({ urls: [site.url('/pdf-bomb/')] });
    expectClear(run, 'pass', undefined, 20_000);
    const documents = new Map(run.out.a11y!.documents!.map((d) => [new URL(d.url).pathname, d]));
    expect(documents.get('/pdf-bomb/bombe.pdf')).toMatchObject({ class: 'broken' });
    expect(documents.get('/pdf-bomb/bombe.pdf')!.error).toMatch(/decompression bomb/);
    // The page contents inflate to 256 MiB: classified without reading them.
    expect(documents.get('/pdf-bomb/inhalt.pdf')).toMatchObject({ class: 'untagged' });
    expect(documents.get('/pdf-bomb/inhalt.pdf')!.firstPageText).toBeUndefined();
    // Inflating either bomb would raise the peak by 256 MiB.
    expect(process.resourceUsage().maxRSS * 1024 - peakBefore).toBeLessThan(128 * 2 ** 20);
  });
});

describe('after the checkers', () => {
  it('no connection to the hostile site is left open', async () => {
    expect(await allClosed()).toBe(0);
  });
});

/** Every hostile probe of the daemon test, with the result it must store. */
interface Expected {
  id: string;
  kind: 'http' | 'browser' | 'a11y';
  spec: string;
  status: RunStatus;
  reason?: ReasonCode;
}

function hostileProbes(healthy: string): Expected[] {
  const u = (route: string): string => site.url(route);
  // 2 s where the fault is a timeout; 10 s where the page should load, on a busy machine too.
  const steps = (route: string, step = '10s'): string =>
    `{ stepTimeout: ${step}, steps: [{ goto: "${u(route)}" }] }`;
  return [
    {
      id: 'http-loris-headers',
      kind: 'http',
      spec: `{ url: "${u('/loris/headers')}" }`,
      status: 'fail',
      reason: 'timeout',
    },
    {
      id: 'http-loris-body',
      kind: 'http',
      spec: `{ url: "${u('/loris/body')}" }`,
      status: 'fail',
      reason: 'timeout',
    },
    {
      id: 'http-endless',
      kind: 'http',
      spec: `{ url: "${u('/endless')}" }`,
      status: 'fail',
      reason: 'body_too_large',
    },
    {
      id: 'http-big-line',
      kind: 'http',
      spec: `{ url: "${u('/big-line')}" }`,
      status: 'fail',
      reason: 'body_too_large',
    },
    {
      id: 'http-redirect-chain',
      kind: 'http',
      spec: `{ url: "${u('/redirect/chain/0')}" }`,
      status: 'fail',
      reason: 'too_many_redirects',
    },
    {
      id: 'http-redirect-loop',
      kind: 'http',
      spec: `{ url: "${u('/redirect/loop-a')}" }`,
      status: 'fail',
      reason: 'redirect_loop',
    },
    {
      id: 'http-redirect-file',
      kind: 'http',
      spec: `{ url: "${u('/redirect/file')}" }`,
      status: 'fail',
      reason: 'unsafe_redirect',
    },
    {
      id: 'http-redirect-javascript',
      kind: 'http',
      spec: `{ url: "${u('/redirect/javascript')}" }`,
      status: 'fail',
      reason: 'unsafe_redirect',
    },
    {
      id: 'http-redirect-data',
      kind: 'http',
      spec: `{ url: "${u('/redirect/data')}" }`,
      status: 'fail',
      reason: 'unsafe_redirect',
    },
    {
      id: 'http-tls-reset',
      kind: 'http',
      spec: `{ url: "${site.tlsReset}/" }`,
      status: 'fail',
      reason: 'tls',
    },
    {
      id: 'http-dns',
      kind: 'http',
      spec: `{ url: "${site.unresolvable}" }`,
      status: 'fail',
      reason: 'dns',
    },
    {
      id: 'browser-loris',
      kind: 'browser',
      spec: steps('/loris/headers', '2s'),
      status: 'fail',
      reason: 'navigation_timeout',
    },
    {
      id: 'browser-redirect-javascript',
      kind: 'browser',
      spec: steps('/redirect/javascript'),
      status: 'fail',
      reason: 'unsafe_redirect',
    },
    { id: 'browser-popups', kind: 'browser', spec: steps('/popups'), status: 'pass' },
    { id: 'browser-dialogs', kind: 'browser', spec: steps('/dialogs'), status: 'pass' },
    { id: 'browser-downloads', kind: 'browser', spec: steps('/downloads'), status: 'pass' },
    {
      id: 'browser-busy-loop',
      kind: 'browser',
      spec: steps('/busy-loop', '2s'),
      status: 'fail',
      reason: 'navigation_timeout',
    },
    {
      id: 'browser-memory-hog',
      kind: 'browser',
      spec: steps('/memory-hog', '25s'),
      status: 'fail',
      reason: 'browser_crash',
    },
    {
      id: 'a11y-big-line',
      kind: 'a11y',
      spec: `{ urls: ["${u('/big-line?hold=8000')}"], pageTimeout: 3s }`,
      status: 'fail',
      reason: 'navigation_timeout',
    },
    {
      id: 'a11y-deep-dom',
      kind: 'a11y',
      spec: `{ urls: ["${u('/deep-dom?via=script&hidden')}"], pageTimeout: 10s }`,
      status: 'error',
      reason: 'scan_failed',
    },
    {
      id: 'a11y-pdf-bomb',
      kind: 'a11y',
      spec: `{ urls: ["${u('/pdf-bomb/')}"], pageTimeout: 10s }`,
      status: 'pass',
    },
    { id: 'healthy-http', kind: 'http', spec: `{ url: "${healthy}/" }`, status: 'pass' },
    {
      id: 'healthy-journey',
      kind: 'browser',
      spec: `{ stepTimeout: 10s, steps: [{ goto: "${healthy}/" }, { expectText: "Online-Antrag" }] }`,
      status: 'pass',
    },
  ];
}

describe('the daemon among hostile targets', () => {
  let daemon: Daemon | undefined;
  let healthy: Server;

  afterAll(async () => {
    await daemon?.stop();
    healthy?.closeAllConnections();
    await new Promise((r) => healthy?.close(r));
  });

  it('stores a clear result for every fault, and still answers /healthz and /metrics', async () => {
    // The healthy service has a host of its own: the hostile one's per-host slots are not its problem.
    healthy = createServer((_, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<!doctype html><html lang="de"><title>Musterkreis</title><h1>Online-Antrag</h1></html>',
        ),
    );
    await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', r));
    const healthyUrl = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}`;
    const expected = hostileProbes(healthyUrl);
    const probeDir = path.join(dir, 'daemon', 'probes');
    await mkdir(probeDir, { recursive: true });
    await writeFile(
      path.join(probeDir, 'hostile.yaml'),
      expected
        .map(
          (p) => `- id: ${p.id}
  name: ${p.id}
  kind: ${p.kind}
  every: 1h
  failAfter: 1
  timeout: ${p.kind === 'http' ? '3s' : '30s'}
  labels: { service: hostile, county: musterkreis }
  ${p.kind}: ${p.spec}
`,
        )
        .join(''),
    );
    daemon = await startDaemon(
      {
        ...configSchema.parse({
          probes: probeDir,
          dataDir: path.join(dir, 'daemon', 'data'),
          // Four browser contexts at once, and room on the one hostile host for every probe.
          concurrency: { kinds: { browser: 4 }, perHost: 32 },
        }),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
      },
      { logger: pino({ level: 'silent' }), random: () => 0 },
    );

    const ids = expected.map((p) => p.id);
    const end = Date.now() + 60_000;
    let stored = await daemon.store.latest(ids);
    while (stored.size < ids.length && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      stored = await daemon.store.latest(ids);
    }
    const seen = Object.fromEntries(
      ids.map((id) => [id, { status: stored.get(id)?.status, reason: stored.get(id)?.reason }]),
    );
    expect(seen).toEqual(
      Object.fromEntries(expected.map((p) => [p.id, { status: p.status, reason: p.reason }])),
    );
    for (const p of expected) {
      // No run outlived its probe's deadline by much (the slow-loris answers, which trickle for
      // hours, are ended by it). The margin is the daemon's event loop under this load (a
      // renderer eating 3 GB, pages spinning on two cores): fresh CI runs saw an HTTP run end
      // 0.52 s and 1.75 s after its 3 s deadline.
      expect(stored.get(p.id)!.duration).toBeLessThan(p.kind === 'http' ? 8 : 40);
      expect(JSON.stringify(stored.get(p.id))).not.toContain(PASSWD_LINE);
    }
    expect(site.requests('/injected')).toBe(0);

    const base = daemon.server.url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^probe_success\{probe="healthy-http"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^probe_success\{probe="healthy-journey"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^probe_success\{probe="http-loris-headers"[^}]*\} 0$/m);
  }, 90_000);
});
