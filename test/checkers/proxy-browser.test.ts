/**
 * The browser's traffic goes through the outbound proxy like the HTTP checker's: journeys,
 * accessibility scans with their document downloads, Lighthouse. The targets' names resolve
 * nowhere, so a run that passes went through the proxy.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y } from '../../src/checkers/a11y/check.ts';
import { a11ySpecSchema } from '../../src/checkers/a11y/spec.ts';
import { checkBrowser } from '../../src/checkers/browser/journey.ts';
import { browserSpecSchema } from '../../src/checkers/browser/spec.ts';
import type { CheckContext } from '../../src/checkers/checker.ts';
import { checkLighthouse } from '../../src/checkers/lighthouse/check.ts';
import { lighthouseSpecSchema } from '../../src/checkers/lighthouse/spec.ts';
import { checkerFor } from '../../src/checkers/registry.ts';
import { proxySettings, type ProxySettings } from '../../src/net/proxy.ts';
import { probeSchema } from '../../src/probes/schema.ts';
import { ArtifactStore } from '../../src/runner/artifacts.ts';
import { BrowserHost } from '../../src/runner/browser-host.ts';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { Runner } from '../../src/runner/runner.ts';
import { systemClock } from '../../src/scheduler/clock.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { startForwardProxy, type ForwardProxy } from '../fixtures/forward-proxy.ts';

const SERVICE = 'service.ozgwatch.test';
const SECRET = 'rz-Passwort-0815';
const USER_AGENT = 'ozgwatch/test (+https://example.org/contact)';

let portal: Portal;
let proxy: ForwardProxy;
let settings: ProxySettings;
let host: BrowserHost;
let dir: string;
let runs = 0;

beforeAll(async () => {
  portal = await startPortal();
  // An authenticating proxy: the browser must answer its 407 with the URL's credentials.
  proxy = await startForwardProxy({
    routes: { [`${SERVICE}:80`]: Number(new URL(portal.http).port) },
    credentials: `monitor:${SECRET}`,
  });
  settings = proxySettings({
    url: `http://monitor:${SECRET}@127.0.0.1:${proxy.port}`,
    noProxy: [],
  })!;
  host = new BrowserHost({
    args: [],
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
    proxy: settings,
  });
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-proxy-browser-'));
}, 30_000);

afterAll(async () => {
  await host.close();
  await Promise.all([portal.close(), proxy.close()]);
  await rm(dir, { recursive: true, force: true });
});

function context(timeoutMs = 30_000): CheckContext {
  runs++;
  return {
    signal: AbortSignal.timeout(timeoutMs),
    deadlineAt: performance.now() + timeoutMs,
    logger: pino({ level: 'silent' }),
    userAgent: USER_AGENT,
    hosts: new HostLimiter(2),
    now: () => Date.now(),
    browser: host,
    proxy: settings,
    artifacts: new ArtifactStore(dir).forRun('proxy', `run-${runs}`),
  };
}

const page = (p: string): string => `http://${SERVICE}/a11y/${p}`;

describe('the browser behind an authenticating proxy', () => {
  it('runs a journey through the proxy, logging in with the URL’s credentials', async () => {
    const before = proxy.requests().get(SERVICE) ?? 0;
    const out = await checkBrowser(
      context(),
      browserSpecSchema.parse({ steps: [{ name: 'start', goto: page('ok') }] }),
    );
    expect(out.status, out.message).toBe('pass');
    expect(proxy.requests().get(SERVICE) ?? 0).toBeGreaterThan(before);
    const basic = `Basic ${Buffer.from(`monitor:${SECRET}`).toString('base64')}`;
    expect(proxy.authorizations()).toContain(basic);
    expect(JSON.stringify(out)).not.toContain(SECRET);
  }, 60_000);

  it('scans a page and downloads its documents through the proxy', async () => {
    const out = await checkA11y(context(), a11ySpecSchema.parse({ urls: [page('formulare')] }));
    expect(out.a11y?.pages[0]?.error, out.message).toBeUndefined();
    const docs = Object.fromEntries(
      out.a11y!.documents!.map((d) => [new URL(d.url).pathname, d.class]),
    );
    // Downloaded direct, the documents would all be broken: their host resolves nowhere.
    expect(docs).toMatchObject({
      '/a11y/pdf/antrag-scan.pdf': 'scanned',
      '/a11y/pdf/antrag-barrierefrei.pdf': 'pdfua',
      '/a11y/pdf/merkblatt.pdf': 'untagged',
    });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  }, 60_000);

  it('a document download the proxy refuses (407) ends the run as ours, not as a finding', async () => {
    // The page itself loads through the browser's proxy settings; the downloads use wrong ones.
    const wrong = proxySettings({
      url: `http://monitor:falsch@127.0.0.1:${proxy.port}`,
      noProxy: [],
    })!;
    const runner = new Runner({
      checkerFor,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      userAgent: USER_AGENT,
      hosts: new HostLimiter(2),
      sinks: [],
      maintenance: () => undefined,
      browser: host,
      proxy: wrong,
      artifacts: new ArtifactStore(dir),
    });
    const probe = probeSchema.parse({
      id: 'formulare',
      name: 'Formulare',
      kind: 'a11y',
      every: '1h',
      timeout: '30s',
      labels: { service: 'formulare' },
      a11y: { urls: [page('formulare')] },
    });
    const result = await runner.run(probe);
    expect(result).toMatchObject({ status: 'error', reason: 'proxy_error' });
    expect(result.message).toMatch(/^proxy http:\/\/127\.0\.0\.1:\d+ answered 407/);
    expect(JSON.stringify(result)).not.toContain('falsch');
  }, 60_000);

  it('audits a page with Lighthouse, whose Chromium logs in to the proxy over DevTools', async () => {
    const basic = `Basic ${Buffer.from(`monitor:${SECRET}`).toString('base64')}`;
    const before = proxy.requests().get(SERVICE) ?? 0;
    const logged = proxy.authorizations().filter((a) => a === basic).length;
    // What `ps` shows of the audit's processes (argv, environment) while it runs.
    const shown = new Set<string>();
    const watch = setInterval(() => void processesShown(shown), 50);
    let out: Awaited<ReturnType<typeof checkLighthouse>>;
    try {
      out = await checkLighthouse(
        context(90_000),
        lighthouseSpecSchema.parse({ url: page('ok'), categories: ['accessibility'] }),
      );
    } finally {
      clearInterval(watch);
    }
    expect(out.status, out.message).toBe('pass');
    expect(out.lighthouse?.scores.accessibility).toBeGreaterThan(0);
    // The target's name resolves nowhere: the audit went through the proxy, logged in.
    expect(proxy.requests().get(SERVICE) ?? 0).toBeGreaterThan(before);
    expect(proxy.authorizations().filter((a) => a === basic).length).toBeGreaterThan(logged);
    const report = await readFile(
      path.join(dir, 'proxy', `run-${runs}`, 'lighthouse.json'),
      'utf8',
    );
    expect(report).toContain(`http://${SERVICE}/a11y/ok`);
    for (const shownText of [report, JSON.stringify(out), ...shown]) {
      expect(shownText).not.toContain(SECRET);
      expect(shownText).not.toContain(basic.slice('Basic '.length));
    }
    expect([...shown].some((p) => p.includes('lighthouse/child.ts'))).toBe(true);
  }, 120_000);
});

/** Adds the command line and environment of each Lighthouse process (child, Chromium) to `seen`. */
async function processesShown(seen: Set<string>): Promise<void> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('lighthouse/child.ts') && !cmd.includes('ozgwatch-lighthouse-')) continue;
    const env = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    seen.add(`${cmd}\n${env}`);
  }
}

describe('Lighthouse behind a proxy without login', () => {
  it('audits a page through the proxy', async () => {
    const open = await startForwardProxy({
      routes: { [`${SERVICE}:80`]: Number(new URL(portal.http).port) },
    });
    const openSettings = proxySettings({ url: open.url, noProxy: [] })!;
    const lhHost = new BrowserHost({
      args: [],
      restartAfterRuns: 1000,
      memoryLimitMb: 4000,
      downloadLimitMb: 20,
      logger: pino({ level: 'silent' }),
      proxy: openSettings,
    });
    try {
      const out = await checkLighthouse(
        { ...context(90_000), browser: lhHost, proxy: openSettings },
        lighthouseSpecSchema.parse({ url: page('ok'), categories: ['accessibility'] }),
      );
      expect(out.status, out.message).toBe('pass');
      expect(open.requests().get(SERVICE)).toBeGreaterThan(0);
    } finally {
      await lhHost.close();
      await open.close();
    }
  }, 120_000);
});

describe('a proxy that fails is ozgwatch’s error, not the county’s outage', () => {
  /** A browser whose proxy settings are `url`, and a run's context for it. */
  async function behind(url: string, run: (ctx: CheckContext) => Promise<void>): Promise<void> {
    const broken = proxySettings({ url, noProxy: [] })!;
    const brokenHost = new BrowserHost({
      args: [],
      restartAfterRuns: 1000,
      memoryLimitMb: 4000,
      downloadLimitMb: 20,
      logger: pino({ level: 'silent' }),
      proxy: broken,
    });
    try {
      await run({ ...context(), browser: brokenHost, proxy: broken });
    } finally {
      await brokenHost.close();
    }
  }

  it('a proxy that is down: journeys and page scans end error/proxy_error', async () => {
    // A port nobody listens on: the proxy is down.
    const closed = await startForwardProxy({ routes: {} });
    const url = closed.url;
    await closed.close();
    await behind(url, async (ctx) => {
      const journey = await checkBrowser(
        ctx,
        browserSpecSchema.parse({ steps: [{ name: 'start', goto: page('ok') }] }),
      );
      expect(journey).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(journey.message).toContain('ERR_PROXY_CONNECTION_FAILED');
      const scan = await checkA11y(ctx, a11ySpecSchema.parse({ urls: [page('ok')] }));
      expect(scan).toMatchObject({ status: 'error', reason: 'proxy_error' });
      const bitv = await checkerFor('bitv')!.check(
        ctx,
        checkerFor('bitv')!.spec.parse({ url: page('ok') }),
      );
      expect(bitv).toMatchObject({ status: 'error', reason: 'proxy_error' });
    });
  }, 90_000);

  it('a proxy that refuses the credentials of an http:// page (407): error/proxy_error', async () => {
    await behind(`http://monitor:falsch@127.0.0.1:${proxy.port}`, async (ctx) => {
      const journey = await checkBrowser(
        ctx,
        browserSpecSchema.parse({ steps: [{ name: 'start', goto: page('ok') }] }),
      );
      expect(journey).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(journey.message).toMatch(/outbound proxy answered 407/);
      expect(JSON.stringify(journey)).not.toContain('falsch');
      const media = await checkerFor('media-breaks')!.check(
        ctx,
        checkerFor('media-breaks')!.spec.parse({ url: page('ok') }),
      );
      expect(media).toMatchObject({ status: 'error', reason: 'proxy_error' });
    });
  }, 90_000);

  it('a proxy that refuses the credentials ends a Lighthouse audit as error/proxy_error, asked once', async () => {
    const wrong = `Basic ${Buffer.from('monitor:falsch').toString('base64')}`;
    const tried = proxy.authorizations().filter((a) => a === wrong).length;
    await behind(`http://monitor:falsch@127.0.0.1:${proxy.port}`, async (ctx) => {
      // Within the 30 s of `behind`: answered again and again, the audit would run into them.
      const out = await checkLighthouse(
        ctx,
        lighthouseSpecSchema.parse({ url: page('ok'), categories: ['accessibility'] }),
      );
      expect(out).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(out.message).toMatch(
        /the outbound proxy http:\/\/127\.0\.0\.1:\d+ answered 407 Proxy Authentication Required/,
      );
      expect(out.lighthouse).toBeUndefined();
      expect(JSON.stringify(out)).not.toContain('falsch');
    });
    // Refused once, the credentials are not sent again: no retry loop, no locked account.
    expect(proxy.authorizations().filter((a) => a === wrong).length - tried).toBe(1);
  }, 90_000);

  it('a page that asks for its own login (401) is the page’s: Lighthouse gives it no credentials', async () => {
    const asked: (string | undefined)[] = [];
    const login = createServer((req, res) => {
      asked.push(req.headers.authorization);
      res
        .writeHead(401, { 'www-authenticate': 'Basic realm="Bürgerkonto"' })
        .end('<!doctype html><title>Anmelden</title><h1>Anmelden</h1>');
    });
    await new Promise<void>((resolve) => login.listen(0, '127.0.0.1', resolve));
    const loginProxy = await startForwardProxy({
      routes: { 'konto.ozgwatch.test:80': (login.address() as AddressInfo).port },
      credentials: `monitor:${SECRET}`,
    });
    try {
      await behind(`http://monitor:${SECRET}@127.0.0.1:${loginProxy.port}`, async (ctx) => {
        const out = await checkLighthouse(
          ctx,
          lighthouseSpecSchema.parse({
            url: 'http://konto.ozgwatch.test/',
            categories: ['accessibility'],
          }),
        );
        // Not the proxy's error (Chromium's own answer, ERR_INVALID_AUTH_CREDENTIALS, says that).
        expect(out).toMatchObject({ status: 'fail', reason: 'http_status' });
        expect(out.message).toContain('401');
      });
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((a) => a !== undefined)).toEqual([]);
      expect(loginProxy.authorizations().length).toBeGreaterThan(0);
    } finally {
      await loginProxy.close();
      await new Promise((resolve) => login.close(resolve));
    }
  }, 90_000);

  it('a proxy that refuses the tunnel by policy (403) is ours; its 502 for a dead target is the target’s', async () => {
    const https = `https://${SERVICE}/a11y/ok`;
    const refusing = await startForwardProxy({ routes: {}, refuseWith: 403 });
    try {
      await behind(refusing.url, async (ctx) => {
        const journey = await checkBrowser(
          ctx,
          browserSpecSchema.parse({ stepTimeout: '5s', steps: [{ name: 'start', goto: https }] }),
        );
        expect(journey).toMatchObject({ status: 'error', reason: 'proxy_error' });
        expect(journey.message).toMatch(
          /ERR_TUNNEL_CONNECTION_FAILED; the outbound proxy answered 403/,
        );
        const scan = await checkA11y(ctx, a11ySpecSchema.parse({ urls: [https] }));
        expect(scan).toMatchObject({ status: 'error', reason: 'proxy_error' });
        const bitv = await checkerFor('bitv')!.check(
          ctx,
          checkerFor('bitv')!.spec.parse({ url: https }),
        );
        expect(bitv).toMatchObject({ status: 'error', reason: 'proxy_error' });
      });
    } finally {
      await refusing.close();
    }
    // The authenticating proxy knows no route to this host: it answers CONNECT with 502.
    await behind(`http://monitor:${SECRET}@127.0.0.1:${proxy.port}`, async (ctx) => {
      const journey = await checkBrowser(
        ctx,
        browserSpecSchema.parse({
          stepTimeout: '5s',
          steps: [{ name: 'start', goto: 'https://abgeschaltet.ozgwatch.test/' }],
        }),
      );
      expect(journey).toMatchObject({ status: 'fail', reason: 'connect' });
    });
  }, 90_000);

  it('a proxy that refuses the credentials of an https:// page: Chromium only waits, ozgwatch asks the proxy', async () => {
    const https = `https://${SERVICE}/a11y/ok`;
    await behind(`http://monitor:falsch@127.0.0.1:${proxy.port}`, async (ctx) => {
      const journey = await checkBrowser(
        ctx,
        browserSpecSchema.parse({ stepTimeout: '2s', steps: [{ name: 'start', goto: https }] }),
      );
      expect(journey).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(journey.message).toMatch(/outbound proxy answered 407/);
      const media = await checkerFor('media-breaks')!.check(
        ctx,
        checkerFor('media-breaks')!.spec.parse({ url: https, pageTimeout: '2s' }),
      );
      expect(media).toMatchObject({ status: 'error', reason: 'proxy_error' });
      const scan = await checkA11y(ctx, a11ySpecSchema.parse({ urls: [https], pageTimeout: '2s' }));
      expect(scan).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(JSON.stringify([journey, media, scan])).not.toContain('falsch');
    });
  }, 90_000);
});
