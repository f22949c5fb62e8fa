import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkHttp } from '../../../src/checkers/http/check.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../../src/checkers/http/spec.ts';
import { proxySettings, type ProxyConfig } from '../../../src/net/proxy.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startForwardProxy, type ForwardProxy } from '../../fixtures/forward-proxy.ts';
import {
  DUAL,
  DUAL_V6_FIRST,
  startDualStack,
  testHosts,
  V4_MAPPED,
  V4_ONLY,
  V6_ONLY,
  type DualStack,
} from './dual-stack.ts';

let servers: DualStack;
let proxy: ForwardProxy;

beforeAll(async () => {
  servers = await startDualStack();
  // The proxy reaches the test name's IPv6 server; which family it used is its own business.
  proxy = await startForwardProxy({ routes: { [`${DUAL}:${servers.port}`]: servers.port } });
});
afterAll(async () => {
  await Promise.all([servers.close(), proxy.close()]);
});

function context(proxyConfig?: ProxyConfig): CheckContext {
  const settings = proxyConfig ? proxySettings(proxyConfig) : undefined;
  return {
    signal: AbortSignal.timeout(5000),
    logger: pino({ level: 'silent' }),
    userAgent: 'ozgwatch/test (+https://example.org/contact)',
    hosts: new HostLimiter(2),
    now: () => Date.now(),
    ...(settings ? { proxy: settings } : {}),
  };
}

/** Runs against the dual-stack servers; the body ("v4"/"v6") says where the run connected. */
function check(
  host: string,
  ipProtocol: HttpSpecInput['ipProtocol'],
  extra: Partial<HttpSpecInput> = {},
  proxyConfig?: ProxyConfig,
): Promise<Outcome> {
  const spec = httpSpecSchema.parse({
    url: `http://${host}:${servers.port}/`,
    ...(ipProtocol ? { ipProtocol } : {}),
    ...extra,
  });
  return checkHttp(context(proxyConfig), spec, { lookup: testHosts });
}

const answeredBy = (family: 'v4' | 'v6') => ({
  expect: { bodyContains: [family] },
});

describe('HTTP checker: ipProtocol on a dual-stack name', () => {
  it('ip6 connects to the IPv6 address although IPv4 comes first', async () => {
    const out = await check(DUAL, 'ip6', answeredBy('v6'));
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '::1', ipProtocol: 6 });
    expect(out.phases!.resolve).toBeGreaterThan(0);
  });

  it('ip4 connects to the IPv4 address although IPv6 comes first', async () => {
    const out = await check(DUAL_V6_FIRST, 'ip4', answeredBy('v4'));
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '127.0.0.1', ipProtocol: 4 });
  });

  it('auto (the default) takes the first address the resolver returns, of either family', async () => {
    const v4 = await check(DUAL, undefined, answeredBy('v4'));
    expect(v4.status).toBe('pass');
    expect(v4.http?.ipProtocol).toBe(4);
    const v6 = await check(DUAL_V6_FIRST, 'auto', answeredBy('v6'));
    expect(v6.status).toBe('pass');
    expect(v6.http).toMatchObject({ remoteAddress: '::1', ipProtocol: 6 });
  });
});

describe('HTTP checker: a name without an address of the family asked for', () => {
  it('ip6 on a name with only IPv4 fails dns and says that the AAAA is missing', async () => {
    const out = await check(V4_ONLY, 'ip6');
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'dns',
      message: `no IPv6 address (AAAA) for ${V4_ONLY}; it has IPv4 only (127.0.0.1)`,
    });
    expect(out.http?.remoteAddress).toBeUndefined();
    expect(out.http?.ipProtocol).toBeUndefined();
    // Nothing was connected: the time went into resolving only.
    expect(out.phases).toMatchObject({ connect: 0, tls: 0, processing: 0, transfer: 0 });
  });

  it('ip4 on a name with only IPv6 fails dns and says that the A record is missing', async () => {
    const out = await check(V6_ONLY, 'ip4');
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'dns',
      message: `no IPv4 address (A) for ${V6_ONLY}; it has IPv6 only (::1)`,
    });
  });

  it('an IPv4-mapped IPv6 address is no IPv6 address: it would be reached over IPv4', async () => {
    const out = await check(V4_MAPPED, 'ip6');
    expect(out).toMatchObject({ status: 'fail', reason: 'dns' });
    expect(out.message).toMatch(/^no IPv6 address \(AAAA\) for mapped\.ozgwatch\.test/);
  });

  it('a name that does not resolve at all stays a plain DNS failure', async () => {
    const out = await check('nowhere.ozgwatch.test', 'ip6');
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'dns',
      message: 'DNS: nowhere.ozgwatch.test: ENOTFOUND',
    });
  });

  it('a redirect to an IPv4 literal cannot be followed by an ip6 probe', async () => {
    const out = await check(DUAL, 'ip6', { url: `http://${DUAL}:${servers.port}/to-v4` });
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'connect',
      message: '127.0.0.1 is an IPv4 address, but ipProtocol ip6 connects over IPv6 only',
    });
    expect(out.http?.redirects).toEqual([
      { url: `http://${DUAL}:${servers.port}/to-v4`, status: 302 },
    ]);
  });
});

describe('HTTP checker: ipProtocol with the system resolver', () => {
  it('ip4 on localhost reaches 127.0.0.1 through dns.lookup', async () => {
    const spec = httpSpecSchema.parse({
      url: `http://localhost:${servers.port}/`,
      ipProtocol: 'ip4',
      ...answeredBy('v4'),
    });
    const out = await checkHttp(context(), spec);
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '127.0.0.1', ipProtocol: 4 });
  });

  it('an IPv6 literal is connected to over IPv6 without a lookup', async () => {
    const spec = httpSpecSchema.parse({
      url: `http://[::1]:${servers.port}/`,
      ipProtocol: 'ip6',
      ...answeredBy('v6'),
    });
    const out = await checkHttp(context(), spec);
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '::1', ipProtocol: 6 });
    expect(out.phases!.resolve).toBe(0);
  });
});

describe('HTTP checker: ipProtocol through the outbound proxy', () => {
  const viaProxy = (noProxy: string[] = []): ProxyConfig => ({ url: proxy.url, noProxy });

  it('ip6 through the proxy is our error, naming the way out, and nothing is sent', async () => {
    const sent = (): number => [...proxy.requests().values()].reduce((a, b) => a + b, 0);
    const before = sent();
    const out = await check(DUAL, 'ip6', {}, viaProxy());
    expect(out).toMatchObject({
      status: 'error',
      reason: 'proxy_error',
      message: `ipProtocol ip6 cannot be honoured through the proxy ${proxy.url}, which resolves ${DUAL} itself: list the host in proxy.noProxy so that it is checked directly, or use ipProtocol auto`,
    });
    expect(sent()).toBe(before);
  });

  it('with the host in noProxy, ip6 goes direct and connects over IPv6', async () => {
    const out = await check(DUAL, 'ip6', answeredBy('v6'), viaProxy([DUAL]));
    expect(out.status).toBe('pass');
    expect(out.http?.ipProtocol).toBe(6);
  });

  it('auto through the proxy reports no IP protocol: the proxy chose the address', async () => {
    const out = await check(DUAL, 'auto', {}, viaProxy());
    expect(out.status).toBe('pass');
    expect(proxy.requests().get(`${DUAL}:${servers.port}`)).toBeGreaterThan(0);
    expect(out.http?.remoteAddress).toBeDefined(); // the proxy's
    expect(out.http?.ipProtocol).toBeUndefined();
  });
});

describe('http.ipProtocol validation', () => {
  it('an IP literal of the other family is an error at ipProtocol', () => {
    const v6 = httpSpecSchema.safeParse({ url: 'http://[2001:db8::1]/', ipProtocol: 'ip4' });
    expect(v6.success).toBe(false);
    expect(v6.error?.issues).toMatchObject([
      {
        path: ['ipProtocol'],
        message: '2001:db8::1 is an IPv6 address, but ipProtocol ip4 connects over IPv4 only',
      },
    ]);
    const v4 = httpSpecSchema.safeParse({ url: 'https://192.0.2.1/', ipProtocol: 'ip6' });
    expect(v4.error?.issues[0]?.path).toEqual(['ipProtocol']);
    expect(httpSpecSchema.safeParse({ url: 'http://[::1]/', ipProtocol: 'ip6' }).success).toBe(
      true,
    );
  });

  it('only auto, ip4 and ip6 are protocols', () => {
    const out = httpSpecSchema.safeParse({ url: 'http://example.de/', ipProtocol: 'ipv6' });
    expect(out.error?.issues[0]?.path).toEqual(['ipProtocol']);
    expect(httpSpecSchema.parse({ url: 'http://example.de/' }).ipProtocol).toBe('auto');
  });
});
