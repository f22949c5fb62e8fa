import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkHttp } from '../../../src/checkers/http/check.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../../src/checkers/http/spec.ts';
import { proxySettings, type ProxyConfig } from '../../../src/net/proxy.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startPortal, type Portal } from '../../fixtures/county-portal/index.ts';
import { startForwardProxy, type ForwardProxy } from '../../fixtures/forward-proxy.ts';
import { listenSilently } from '../../fixtures/silent-server.ts';

const USER_AGENT = 'ozgwatch/test (+https://example.org/contact)';
/** Resolves nowhere: a run that reaches it went through the proxy. */
const SERVICE = 'service.ozgwatch.test';
const EXPIRING = 'expiring.ozgwatch.test';
const SECRET = 'geheim-4711';

let portal: Portal;
let proxy: ForwardProxy;
let authProxy: ForwardProxy;

const portOf = (url: string): number => Number(new URL(url).port);

beforeAll(async () => {
  portal = await startPortal();
  const routes = {
    [`${SERVICE}:80`]: portOf(portal.http),
    [`${SERVICE}:443`]: portOf(portal.https),
    [`${EXPIRING}:443`]: portOf(portal.expiringSoon),
  };
  proxy = await startForwardProxy({ routes });
  authProxy = await startForwardProxy({ routes, credentials: `monitor:${SECRET}` });
});
afterAll(async () => {
  await Promise.all([portal.close(), proxy.close(), authProxy.close()]);
});

function check(
  spec: HttpSpecInput,
  config: ProxyConfig,
  timeoutMs = 5000,
  hosts = new HostLimiter(2),
): Promise<Outcome> {
  const settings = proxySettings(config);
  const ctx: CheckContext = {
    signal: AbortSignal.timeout(timeoutMs),
    logger: pino({ level: 'silent' }),
    userAgent: USER_AGENT,
    hosts,
    now: () => Date.now(),
    ...(settings ? { proxy: settings } : {}),
  };
  return checkHttp(ctx, httpSpecSchema.parse(spec));
}

const viaProxy = (): ProxyConfig => ({ url: proxy.url, noProxy: [] });

describe('HTTP checker through a forward proxy', () => {
  it('reaches an http target by absolute-form request, the User-Agent the target’s', async () => {
    const before = proxy.requests().get(SERVICE) ?? 0;
    const out = await check({ url: `http://${SERVICE}/?proxied` }, viaProxy());
    expect(out.status, out.message).toBe('pass');
    expect(proxy.requests().get(SERVICE)).toBe(before + 1);
    expect(portal.userAgents()).toContain(USER_AGENT);
    // Resolve and connect are the proxy's (an IP literal: nothing resolved); no TLS.
    expect(out.phases).toMatchObject({ resolve: 0, tls: 0 });
    expect(out.http?.remoteAddress).toBe('127.0.0.1');
  });

  it('tunnels to an https target: TLS, HTTP/2 and the certificate are the target’s', async () => {
    const out = await check({ url: `https://${SERVICE}/`, caFile: portal.caFile }, viaProxy());
    expect(out.status, out.message).toBe('pass');
    expect(proxy.requests().get(`${SERVICE}:443`)).toBeGreaterThan(0);
    expect(out.http?.httpVersion).toBe('2');
    expect(out.tls?.issuer).toMatch(/ozgwatch Test-CA/);
    expect(out.tls?.hostnameMatch).toBe(true);
    expect(out.phases!.connect).toBeGreaterThan(0);
    expect(out.phases!.tls).toBeGreaterThan(0);
  });

  it('sees the target’s expiring certificate through the tunnel', async () => {
    const out = await check({ url: `https://${EXPIRING}/`, caFile: portal.caFile }, viaProxy());
    expect(out).toMatchObject({ status: 'degraded', reason: 'cert_expiring' });
    expect(out.tls?.daysLeft).toBeLessThan(6);
  });

  it('counts the per-host limit against the target, not the proxy', async () => {
    const hosts = new HostLimiter(1);
    const run = check({ url: `http://${SERVICE}/slow?ms=300` }, viaProxy(), 5000, hosts);
    await vi.waitFor(() => expect(hosts.active(SERVICE)).toBe(1), { timeout: 250, interval: 5 });
    expect(hosts.active(new URL(proxy.url).host)).toBe(0);
    expect((await run).status).toBe('pass');
  });

  it('uses the https proxy for https targets and the http one for http targets', async () => {
    // No https proxy: an https target goes direct, and its name resolves nowhere.
    const out = await check(
      { url: `https://${SERVICE}/`, caFile: portal.caFile },
      {
        http: proxy.url,
        noProxy: [],
      },
    );
    expect(out).toMatchObject({ status: 'fail', reason: 'dns' });
  });

  it('goes direct for NO_PROXY hosts and always for loopback', async () => {
    const before = proxy.requests().get(SERVICE) ?? 0;
    const bypassed = await check(
      { url: `http://${SERVICE}/` },
      { url: proxy.url, noProxy: ['.ozgwatch.test'] },
    );
    // Direct, the name does not resolve: the proxy was not asked.
    expect(bypassed).toMatchObject({ status: 'fail', reason: 'dns' });
    expect(proxy.requests().get(SERVICE) ?? 0).toBe(before);

    const local = await check({ url: `${portal.http}/` }, viaProxy());
    expect(local.status).toBe('pass');
    expect(proxy.requests().get(new URL(portal.http).host)).toBeUndefined();
  });

  it('a target the proxy cannot reach (502 to CONNECT) is the target’s failure', async () => {
    const out = await check({ url: 'https://gone.ozgwatch.test/' }, viaProxy());
    expect(out).toMatchObject({ status: 'fail', reason: 'connect' });
    expect(out.message).toBe(
      `proxy ${proxy.url} could not reach gone.ozgwatch.test:443: 502 Bad Gateway`,
    );
  });

  it('a 502 the proxy sends for an http target fails on its status, like the service’s own', async () => {
    const out = await check({ url: 'http://gone.ozgwatch.test/' }, viaProxy());
    expect(out).toMatchObject({ status: 'fail', reason: 'http_status' });
  });
});

describe('HTTP checker: a broken proxy is our error, not the service’s', () => {
  it('authenticates with the credentials of the proxy URL, which appear nowhere', async () => {
    const url = `http://monitor:${SECRET}@127.0.0.1:${authProxy.port}`;
    for (const target of [`https://${SERVICE}/`, `http://${SERVICE}/`]) {
      const out = await check({ url: target, caFile: portal.caFile }, { url, noProxy: [] });
      expect(out.status, out.message).toBe('pass');
      expect(JSON.stringify(out)).not.toContain(SECRET);
    }
    const basic = `Basic ${Buffer.from(`monitor:${SECRET}`).toString('base64')}`;
    expect(authProxy.authorizations()).toContain(basic);
    expect(authProxy.userAgents()).toContain(USER_AGENT);
  });

  it('wrong or missing credentials: error proxy_error with the proxy’s answer', async () => {
    const wrong = `http://monitor:falsch@127.0.0.1:${authProxy.port}`;
    const https = await check(
      { url: `https://${SERVICE}/`, caFile: portal.caFile },
      { url: wrong, noProxy: [] },
    );
    expect(https).toMatchObject({ status: 'error', reason: 'proxy_error' });
    expect(https.message).toBe(
      `proxy http://127.0.0.1:${authProxy.port} refused the tunnel to ${SERVICE}:443: answered 407 Proxy Authentication Required`,
    );
    expect(JSON.stringify(https)).not.toContain('falsch');

    const http = await check({ url: `http://${SERVICE}/` }, { url: authProxy.url, noProxy: [] });
    expect(http).toMatchObject({ status: 'error', reason: 'proxy_error' });
    expect(http.message).toMatch(/answered 407 Proxy Authentication Required/);
  });

  it('a proxy that refuses the tunnel by policy (403) is proxy_error', async () => {
    const refusing = await startForwardProxy({ routes: {}, refuseWith: 403 });
    try {
      const out = await check({ url: `https://${SERVICE}/` }, { url: refusing.url, noProxy: [] });
      expect(out).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(out.message).toMatch(/answered 403 Forbidden$/);
    } finally {
      await refusing.close();
    }
  });

  it('a proxy that is down is proxy_error, for http and https targets', async () => {
    const down = `http://user:${SECRET}@${new URL(portal.closedPort).host}`;
    for (const target of [`https://${SERVICE}/`, `http://${SERVICE}/`]) {
      const out = await check({ url: target }, { url: down, noProxy: [] });
      expect(out).toMatchObject({ status: 'error', reason: 'proxy_error' });
      expect(out.message).toMatch(
        /^proxy http:\/\/127\.0\.0\.1:\d+ unreachable: connect .*ECONNREFUSED/,
      );
      expect(JSON.stringify(out)).not.toContain(SECRET);
    }
  });

  it('a proxy name that does not resolve is proxy_error', async () => {
    const out = await check(
      { url: `https://${SERVICE}/` },
      { url: 'http://proxy.rz.ozgwatch.test:3128', noProxy: [] },
    );
    expect(out).toMatchObject({ status: 'error', reason: 'proxy_error' });
    expect(out.message).toMatch(/^proxy http:\/\/proxy\.rz\.ozgwatch\.test:3128 unreachable: DNS/);
  });

  it('a proxy that takes the connection but never answers CONNECT ends as a timeout', async () => {
    const silent = await listenSilently();
    try {
      const out = await check(
        { url: `https://${SERVICE}/` },
        { url: `http://127.0.0.1:${silent.port}`, noProxy: [] },
        400,
      );
      // It accepts TCP but never answers CONNECT: the proxy may be waiting for the target.
      expect(out).toMatchObject({ status: 'fail', reason: 'timeout' });
    } finally {
      await silent.close();
    }
  });
});
