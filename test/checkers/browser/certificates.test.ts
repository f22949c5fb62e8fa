import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkBrowser } from '../../../src/checkers/browser/journey.ts';
import { browserSpecSchema, type BrowserSpecInput } from '../../../src/checkers/browser/spec.ts';
import { proxySettings } from '../../../src/net/proxy.ts';
import { ProbeSeries } from '../../../src/metrics/probe-series.ts';
import { probeSchema } from '../../../src/probes/schema.ts';
import type { Outcome, Result } from '../../../src/results/result.ts';
import { BrowserHost } from '../../../src/runner/browser-host.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startForwardProxy } from '../../fixtures/forward-proxy.ts';
import { startTlsSites, type TlsSites } from './tls-sites.ts';

let sites: TlsSites;
let host: BrowserHost;

beforeAll(async () => {
  sites = await startTlsSites();
  host = new BrowserHost({
    args: sites.trustArgs,
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
  });
}, 30_000);

afterAll(async () => {
  await host.close();
  await sites.close();
});

function context(hosts = new HostLimiter(2)): CheckContext {
  return {
    signal: AbortSignal.timeout(20_000),
    logger: pino({ level: 'silent' }),
    userAgent: 'ozgwatch/test',
    hosts,
    now: () => Date.now(),
    browser: host,
  };
}

function journey(steps: BrowserSpecInput['steps'], hosts?: HostLimiter): Promise<Outcome> {
  return checkBrowser(context(hosts), browserSpecSchema.parse({ stepTimeout: '3s', steps }));
}

const probe = probeSchema.parse({
  id: 'wohngeld-journey',
  name: 'Wohngeld online',
  kind: 'browser',
  every: '5m',
  labels: { service: 'wohngeld', county: 'musterkreis' },
  browser: { steps: [{ goto: 'https://wohngeld.example/' }] },
});

/** The value of probe_ssl_earliest_cert_expiry the daemon would export after `outcome`. */
function exportedExpiry(outcome: Outcome): number | undefined {
  const series = new ProbeSeries();
  series.setProbes([probe]);
  const result: Result = {
    ...outcome,
    runId: 'run-1',
    probeId: probe.id,
    kind: 'browser',
    startedAt: Date.now(),
    duration: 1,
    attempts: 1,
    maintenance: false,
    reportedStatus: outcome.status,
  };
  series.record(probe, result, Date.now());
  const line = /^probe_ssl_earliest_cert_expiry\{[^}]*\} (\S+)$/m.exec(series.render());
  return line ? Number(line[1]) : undefined;
}

describe('browser journey: certificates of the documents it loads', () => {
  it('exports the expiry of a certificate that expires in 10 days, the identity provider’s', async () => {
    const out = await journey([
      { name: 'start', goto: `${sites.service.url}/` },
      { name: 'anmelden', click: { role: 'link', name: 'Anmelden' } },
      { name: 'bundid', expectText: 'Anmeldung mit BundID' },
    ]);
    expect(out.status).toBe('pass');
    // The service's own certificate is valid for a year: the login's expires first.
    expect(out.tls?.earliestExpiry).toBe(sites.idp.notAfter);
    expect(out.tls?.daysLeft).toBeGreaterThanOrEqual(9.9);
    expect(out.tls?.daysLeft).toBeLessThanOrEqual(10);
    expect(out.tls?.issuer).toBe('CN=ozgwatch Journey-Test-CA');
    // The names the run page shows: Playwright does not tell them, the page's CDP session does.
    expect(out.tls?.subjectAltNames).toEqual(['DNS:localhost']);
    expect(exportedExpiry(out)).toBe(sites.idp.notAfter / 1000);
  }, 30_000);

  it('a journey on an expired certificate ends cert_invalid with the expiry in result and series', async () => {
    const out = await journey([{ name: 'start', goto: `${sites.expired.url}/` }]);
    expect(out).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(out.tls?.earliestExpiry).toBe(sites.expired.notAfter);
    expect(out.tls?.daysLeft).toBeLessThan(0);
    const day = new Date(sites.expired.notAfter).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(out.message).toContain(`step "start": certificate expired on ${day}`);
    expect(out.message).toContain(`at ${sites.expired.url}/`);
    expect(exportedExpiry(out)).toBe(sites.expired.notAfter / 1000);
  }, 30_000);

  it('a login that leads to an expired certificate fails on it, in the step that follows the click', async () => {
    const out = await journey([
      { name: 'start', goto: `${sites.serviceWithExpiredLogin.url}/` },
      { name: 'anmelden', click: { role: 'link', name: 'Anmelden' } },
      { name: 'bundid', expectText: 'Anmeldung' },
    ]);
    expect(out).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(out.message).toMatch(/^step "bundid": certificate expired on /);
    expect(out.message).toContain(`at ${sites.expired.url}/login`);
    // The expired one, not the service's valid certificate.
    expect(exportedExpiry(out)).toBe(sites.expired.notAfter / 1000);
  }, 30_000);

  it('a host that serves two certificates (two backends) counts with the one that expires first, not the last one met', async () => {
    const before = sites.alternating.served().length;
    const out = await journey([
      { name: 'start', goto: `${sites.alternating.url}/` },
      { name: 'weiter', click: { role: 'link', name: 'Weiter' } },
      { name: 'zurueck', goto: `${sites.alternating.url}/` },
    ]);
    expect(out.status).toBe('pass');
    const served = sites.alternating.served().slice(before);
    // Both backends answered, and a document over the year-long certificate came last.
    expect(served).toContain(sites.alternating.notAfter);
    const yearLong = served.find((t) => t !== sites.alternating.notAfter);
    expect(served.at(-1)).toBe(yearLong);
    expect(out.tls?.earliestExpiry).toBe(sites.alternating.notAfter);
    expect(out.certificates).toHaveLength(1);
    expect(exportedExpiry(out)).toBe(sites.alternating.notAfter / 1000);
  }, 30_000);

  it('a certificate for another name says so, with the names it has', async () => {
    const out = await journey([{ name: 'start', goto: `${sites.wrongHost.url}/` }]);
    expect(out).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(out.message).toMatch(
      /^step "start": certificate is not valid for localhost \(SAN: DNS:other\.example\)/,
    );
    expect(out.tls?.hostnameMatch).toBe(false);
    expect(out.tls?.earliestExpiry).toBe(sites.wrongHost.notAfter);
  }, 30_000);

  it('the handshake that reads a refused certificate takes a slot of the per-host limit', async () => {
    const asked: string[] = [];
    class CountingLimiter extends HostLimiter {
      override run<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
        asked.push(key);
        return super.run(key, signal, fn);
      }
    }
    const out = await journey(
      [{ name: 'start', goto: `${sites.expired.url}/` }],
      new CountingLimiter(1),
    );
    expect(out.reason).toBe('cert_invalid');
    const target = new URL(sites.expired.url).host;
    // The browser's navigation, then ozgwatch's own handshake: both count against the host.
    expect(asked.filter((h) => h === target).length).toBe(2);
  }, 30_000);

  it('a TLS error without a certificate (ERR_SSL_…) is left as the browser named it, without a handshake of ours', async () => {
    // Plain HTTP where the journey expects TLS: Chromium's handshake fails before any certificate.
    const plain = createServer((_req, res) => res.end('kein TLS'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://localhost:${(plain.address() as AddressInfo).port}/`;
      const asked: string[] = [];
      class CountingLimiter extends HostLimiter {
        override run<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
          asked.push(key);
          return super.run(key, signal, fn);
        }
      }
      const out = await journey([{ name: 'start', goto: url }], new CountingLimiter(1));
      expect(out.reason).toBe('cert_invalid');
      expect(out.message).toMatch(/^step "start": ERR_SSL_PROTOCOL_ERROR /);
      expect(out.tls).toBeUndefined();
      // The browser's navigation only.
      expect(asked).toEqual([new URL(url).host]);
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  }, 30_000);

  it('through the outbound proxy, the certificate is read through its tunnel, as the browser went', async () => {
    const name = 'abgelaufen.ozgwatch.test';
    const proxy = await startForwardProxy({
      routes: { [`${name}:443`]: Number(new URL(sites.expiredBehindProxy.url).port) },
    });
    const settings = proxySettings({ url: proxy.url, noProxy: [] })!;
    const proxied = new BrowserHost({
      args: sites.trustArgs,
      restartAfterRuns: 1000,
      memoryLimitMb: 4000,
      downloadLimitMb: 20,
      logger: pino({ level: 'silent' }),
      proxy: settings,
    });
    try {
      const out = await checkBrowser(
        { ...context(), browser: proxied, proxy: settings },
        browserSpecSchema.parse({
          stepTimeout: '3s',
          steps: [{ name: 'start', goto: `https://${name}/` }],
        }),
      );
      expect(out).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
      expect(out.message).toMatch(/^step "start": certificate expired on /);
      expect(out.tls?.earliestExpiry).toBe(sites.expiredBehindProxy.notAfter);
      // The name resolves nowhere: the browser's tunnel and ozgwatch's own both went through.
      expect(proxy.requests().get(`${name}:443`)).toBe(2);
    } finally {
      await proxied.close();
      await proxy.close();
    }
  }, 30_000);
});
