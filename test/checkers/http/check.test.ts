import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkHttp } from '../../../src/checkers/http/check.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../../src/checkers/http/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startPortal, type Portal } from '../../fixtures/county-portal/index.ts';
import { listenSilently } from '../../fixtures/silent-server.ts';

const USER_AGENT = 'ozgwatch/test (+https://example.org/contact)';
let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
});
afterAll(async () => {
  await portal.close();
});

function context(timeoutMs = 5000, hosts = new HostLimiter(2)): CheckContext {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    logger: pino({ level: 'silent' }),
    userAgent: USER_AGENT,
    hosts,
    now: () => Date.now(),
  };
}

/** Runs the checker on a spec as a user writes it (schema defaults applied). */
function check(spec: HttpSpecInput, timeoutMs?: number, hosts?: HostLimiter): Promise<Outcome> {
  return checkHttp(context(timeoutMs, hosts), httpSpecSchema.parse(spec));
}

/** Trusted https: the portal's test CA. */
const trusted = (url: string, extra: Partial<HttpSpecInput> = {}): HttpSpecInput => ({
  url,
  caFile: portal.caFile,
  ...extra,
});

describe('HTTP checker: phases and protocol', () => {
  it('measures every phase of an https run and negotiates HTTP/2', async () => {
    const out = await check(trusted(`${portal.https}/slow?ms=150`));
    expect(out.status).toBe('pass');
    expect(out.message).toMatch(/^status 200 in \d+\.\d{3}s$/);
    const p = out.phases!;
    // localhost is resolved by name, so the resolve phase is real.
    expect(p.resolve).toBeGreaterThan(0);
    expect(p.connect).toBeGreaterThan(0);
    expect(p.tls).toBeGreaterThan(0);
    expect(p.processing).toBeGreaterThanOrEqual(0.15);
    expect(p.transfer).toBeGreaterThanOrEqual(0);
    expect(out.http).toMatchObject({ status: 200, httpVersion: '2', redirects: [] });
    expect(out.http!.bodyBytes).toBeGreaterThan(100);
  });

  it('speaks HTTP/1.1 when http2 is off, and plain HTTP has no TLS phase', async () => {
    const h1 = await check(trusted(`${portal.https}/`, { http2: false }));
    expect(h1.http?.httpVersion).toBe('1.1');
    expect(h1.tls?.protocol).toMatch(/^TLSv1\.[23]$/);

    const plain = await check({ url: `${portal.http}/` });
    expect(plain.status).toBe('pass');
    expect(plain.phases!.tls).toBe(0);
    expect(plain.phases!.resolve).toBe(0); // an IP literal is not resolved
    expect(plain.tls).toBeUndefined();
    expect(plain.http?.remoteAddress).toBe('127.0.0.1');
  });

  it('measures a slow transfer as transfer, not processing', async () => {
    const out = await check({ url: `${portal.http}/slow-body?ms=300` });
    expect(out.status).toBe('pass');
    expect(out.phases!.transfer).toBeGreaterThanOrEqual(0.29);
    expect(out.phases!.processing).toBeLessThan(0.29);
  });

  it('identifies itself with the configured User-Agent', async () => {
    await check({ url: `${portal.http}/?ua` });
    expect(portal.userAgents()).toContain(USER_AGENT);
  });

  it('sends HEAD and skips the body', async () => {
    const out = await check({ url: `${portal.http}/head-only`, method: 'HEAD' });
    expect(out.status).toBe('pass');
    expect(out.http?.bodyBytes).toBe(0);
  });
});

describe('HTTP checker: status and assertions with actual values', () => {
  it('fails on 500 with reason http_status and the actual status', async () => {
    const out = await check({ url: `${portal.http}/status/500` });
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'http_status',
      message: 'status 500 ∉ [200..299]',
    });
    expect(out.assertions[0]).toMatchObject({ name: 'status', ok: false, actual: 500 });
  });

  it('accepts a status the probe expects', async () => {
    const out = await check({ url: `${portal.http}/status/503`, expect: { status: [503] } });
    expect(out.status).toBe('pass');
    expect(out.assertions[0]?.text).toBe('status 503 ∈ [503]');
  });

  it('reports body and header assertions with what was seen', async () => {
    const ok = await check({
      url: `${portal.http}/`,
      expect: {
        bodyContains: ['Online-Antrag'],
        bodyNotContains: ['Fatal error'],
        headers: { 'Content-Type': 'text/html' },
      },
    });
    expect(ok.status).toBe('pass');
    expect(ok.assertions.map((a) => a.text)).toEqual([
      'status 200 ∈ [200..299]',
      'no soft-error page',
      'body contains "Online-Antrag"',
      'body does not contain "Fatal error"',
      'header content-type "text/html; charset=utf-8" ~ /text/html/',
    ]);

    const bad = await check({
      url: `${portal.http}/`,
      expect: {
        bodyContains: ['Personalausweis beantragen'],
        headers: { 'x-frame-options': 'DENY' },
      },
    });
    expect(bad).toMatchObject({
      status: 'fail',
      reason: 'assertion',
      message: 'body does not contain "Personalausweis beantragen"',
    });
    expect(bad.assertions.find((a) => a.name === 'header')).toMatchObject({
      ok: false,
      actual: null,
      text: 'header x-frame-options null !~ /DENY/',
    });
  });

  it('is degraded when slower than degradedAfter, failed beyond maxDuration', async () => {
    const degraded = await check({ url: `${portal.http}/slow?ms=250`, degradedAfter: '100ms' });
    expect(degraded).toMatchObject({ status: 'degraded', reason: 'slow' });
    expect(degraded.message).toMatch(/^slow: 0\.2\d\ds > 0\.1s \(degradedAfter\)$/);

    const slow = await check({
      url: `${portal.http}/slow?ms=250`,
      expect: { maxDuration: '100ms' },
    });
    expect(slow).toMatchObject({ status: 'fail', reason: 'slow' });
    expect(slow.message).toMatch(/^duration 0\.2\d\ds > 100ms$/);
  });

  it('stops reading at maxBodyBytes', async () => {
    const out = await check({ url: `${portal.http}/big?bytes=300000`, maxBodyBytes: 100_000 });
    expect(out).toMatchObject({ status: 'fail', reason: 'body_too_large' });
  });
});

describe('HTTP checker: network failures name their phase', () => {
  it('a hung server ends as a timeout while waiting for the first byte', async () => {
    const started = performance.now();
    const out = await check({ url: `${portal.http}/hang` }, 400);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'timeout',
      message: 'timeout while waiting for the first byte',
    });
  });

  it('a reset connection is connection_reset', async () => {
    const out = await check({ url: `${portal.http}/reset` });
    expect(out).toMatchObject({ status: 'fail', reason: 'connection_reset' });
  });

  it('an answer that is not HTTP is protocol', async () => {
    const out = await check({ url: `${portal.http}/garbage` });
    expect(out).toMatchObject({ status: 'fail', reason: 'protocol' });
    expect(out.message).toMatch(/^invalid HTTP response: /);
  });

  it('a closed port is connect', async () => {
    const out = await check({ url: `${portal.closedPort}/` });
    expect(out).toMatchObject({ status: 'fail', reason: 'connect' });
    expect(out.message).toMatch(/ECONNREFUSED/);
  });

  it('an unknown host is dns', async () => {
    const out = await check({ url: 'http://ozgwatch-test.invalid/' }, 8000);
    expect(out).toMatchObject({ status: 'fail', reason: 'dns' });
    expect(out.message).toMatch(/^DNS: ozgwatch-test\.invalid: /);
  });

  it('TLS to a plain HTTP port is tls', async () => {
    const out = await check({ url: portal.http.replace('http:', 'https:') + '/' });
    expect(out).toMatchObject({ status: 'fail', reason: 'tls' });
  });
});

describe('HTTP checker: phase times and version of a run that broke off', () => {
  /** Sum of all phases, seconds. */
  const total = (o: Outcome): number => {
    const { resolve, connect, tls, processing, transfer } = o.phases!;
    return resolve + connect + tls + processing + transfer;
  };

  it('a server that never answers spends the timeout in processing', async () => {
    const out = await check({ url: `${portal.http}/hang` }, 400);
    expect(out.message).toBe('timeout while waiting for the first byte');
    const p = out.phases!;
    expect(p.processing).toBeGreaterThanOrEqual(0.35);
    expect(p.processing).toBeLessThan(1);
    expect(p.transfer).toBe(0);
    // The time of the run is in its phases, not lost.
    expect(total(out)).toBeGreaterThanOrEqual(0.38);
    // No response arrived: a status of 0 and no version.
    expect(out.http?.status).toBe(0);
    expect(out.http).not.toHaveProperty('httpVersion');
  });

  it('a body that stalls spends the rest in transfer, and the response has a version', async () => {
    const out = await check({ url: `${portal.http}/slow-body?ms=3000` }, 400);
    expect(out).toMatchObject({ reason: 'timeout', message: 'timeout while reading the body' });
    expect(out.phases!.transfer).toBeGreaterThanOrEqual(0.3);
    expect(out.phases!.processing).toBeLessThan(0.3);
    expect(out.http).toMatchObject({ status: 200, httpVersion: '1.1' });
  });

  it('a failed DNS lookup carries the time it took as resolve, nothing after it', async () => {
    const out = await check({ url: 'http://ozgwatch-test.invalid/' }, 8000);
    expect(out.reason).toBe('dns');
    const { resolve, ...later } = out.phases!;
    expect(resolve).toBeGreaterThan(0);
    expect(later).toEqual({ connect: 0, tls: 0, processing: 0, transfer: 0 });
    expect(out.http).not.toHaveProperty('httpVersion');
  });

  it('a refused connection carries its connect time and no version', async () => {
    const out = await check({ url: `${portal.closedPort}/` });
    expect(out.reason).toBe('connect');
    expect(out.phases).toMatchObject({ resolve: 0, tls: 0, processing: 0, transfer: 0 });
    expect(out.phases!.connect).toBeGreaterThan(0);
    expect(out.http).toMatchObject({ status: 0 });
    expect(out.http).not.toHaveProperty('httpVersion');
  });

  it('a rejected certificate ends in the TLS phase: no processing, no version', async () => {
    const out = await check(trusted(`${portal.expired}/`));
    expect(out.reason).toBe('cert_invalid');
    expect(out.phases!.tls).toBeGreaterThan(0);
    expect(out.phases).toMatchObject({ processing: 0, transfer: 0 });
    expect(out.tls?.daysLeft).toBeLessThan(0);
    expect(out.http).not.toHaveProperty('httpVersion');
  });

  it('a TLS handshake that never completes spends the timeout in tls', async () => {
    // Accepts TCP and then says nothing, so the client hello is never answered.
    const mute = await listenSilently();
    try {
      const out = await check({ url: `https://127.0.0.1:${mute.port}/` }, 400);
      expect(out.message).toBe('timeout while in the TLS handshake');
      expect(out.phases!.tls).toBeGreaterThanOrEqual(0.35);
      expect(out.phases).toMatchObject({ processing: 0, transfer: 0 });
      expect(out.http).not.toHaveProperty('httpVersion');
    } finally {
      await mute.close();
    }
  });

  it('waiting for a per-host slot is no phase, and the message says what it waited for', async () => {
    const hosts = new HostLimiter(1);
    const holder = check({ url: `${portal.http}/hang` }, 800, hosts);
    const out = await check({ url: `${portal.http}/` }, 300, hosts);
    expect(out.message).toBe(
      'timeout while waiting for a free connection slot to the host (concurrency.perHost)',
    );
    expect(out.phases).toEqual({ resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 });
    await holder;
  });
});

describe('HTTP checker: redirects', () => {
  it('follows a chain and reports it', async () => {
    const out = await check({ url: `${portal.http}/redirect/2` });
    expect(out.status).toBe('pass');
    expect(out.http!.redirects.map((r) => new URL(r.url).pathname)).toEqual([
      '/redirect/2',
      '/redirect/1',
      '/redirect/0',
    ]);
    expect(out.http!.redirects.every((r) => r.status === 302)).toBe(true);
    expect(new URL(out.http!.finalUrl).pathname).toBe('/');
  });

  it('stops after maxRedirects', async () => {
    const out = await check({ url: `${portal.http}/redirect/3`, maxRedirects: 2 });
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'too_many_redirects',
      message: 'more than 2 redirects',
    });
  });

  it('detects a loop', async () => {
    const out = await check({ url: `${portal.http}/redirect-loop` });
    expect(out).toMatchObject({ status: 'fail', reason: 'redirect_loop' });
    expect(out.message).toMatch(/redirect loop back to .*\/redirect-loop$/);
  });

  it('does not follow when told not to', async () => {
    const out = await check({
      url: `${portal.http}/redirect/1`,
      followRedirects: false,
      expect: { status: [302] },
    });
    expect(out.status).toBe('pass');
    expect(out.http?.status).toBe(302);
  });
});

describe('HTTP checker: soft errors', () => {
  it.each([
    ['/soft-404', 'soft_error', 'seite nicht gefunden'],
    ['/en/not-found', 'soft_error', 'page not found'],
    ['/maintenance', 'maintenance_page', 'wartungsarbeiten'],
    ['/unavailable', 'maintenance_page', 'vorübergehend nicht verfügbar'],
  ])('%s with status 200 fails as %s', async (route, reason, phrase) => {
    const out = await check({ url: `${portal.http}${route}` });
    expect(out).toMatchObject({ status: 'fail', reason });
    expect(out.http?.status).toBe(200);
    expect(out.message).toContain(JSON.stringify(phrase));
  });

  it('does not flag a long service page that mentions the phrase in passing', async () => {
    const out = await check({ url: `${portal.http}/hundesteuer` });
    expect(out.status).toBe('pass');
  });

  it('can be switched off per probe', async () => {
    const out = await check({ url: `${portal.http}/soft-404`, expect: { noSoftError: false } });
    expect(out.status).toBe('pass');
  });
});

describe('HTTP checker: TLS certificates', () => {
  it('reports issuer, SAN match and the earliest expiry of the chain', async () => {
    const out = await check(trusted(`${portal.https}/`));
    expect(out.status).toBe('pass');
    const tls = out.tls!;
    expect(tls.authorized).toBe(true);
    expect(tls.hostnameMatch).toBe(true);
    expect(tls.issuer).toMatch(/ozgwatch Test-CA/);
    expect(tls.subjectAltNames).toContain('DNS:localhost');
    expect(tls.daysLeft).toBeGreaterThan(300);
    expect(out.assertions.find((a) => a.name === 'cert_expiry')?.text).toMatch(
      /^cert expires in \d+\.\dd ≥ 14d$/,
    );
  });

  it('an untrusted chain is cert_invalid, unless insecureSkipVerify', async () => {
    const untrusted = await check({ url: `${portal.selfSigned}/` });
    expect(untrusted).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(untrusted.tls?.authorized).toBe(false);
    expect(untrusted.message).toMatch(/^certificate not trusted: /);

    const skipped = await check({ url: `${portal.selfSigned}/`, insecureSkipVerify: true });
    expect(skipped.status).toBe('pass');
  });

  it('an expired certificate fails even when verification is skipped', async () => {
    const expired = await check(trusted(`${portal.expired}/`));
    expect(expired).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(expired.message).toMatch(/expired/i);

    const skipped = await check({ url: `${portal.expired}/`, insecureSkipVerify: true });
    expect(skipped).toMatchObject({ status: 'fail', reason: 'cert_expiring' });
    expect(skipped.tls!.daysLeft).toBeLessThan(0);
  });

  it('a certificate expiring within certExpiresIn degrades the run (cert_expiring), but a failure wins', async () => {
    // Valid today: citizens still reach the service, so it is not down.
    const soon = await check(trusted(`${portal.expiringSoon}/`));
    expect(soon).toMatchObject({ status: 'degraded', reason: 'cert_expiring' });
    const broken = await check(
      trusted(`${portal.expiringSoon}/`, { expect: { bodyContains: ['nicht vorhanden'] } }),
    );
    expect(broken.status).toBe('fail');
    expect(broken.reason).not.toBe('cert_expiring');
    expect(soon.message).toMatch(/^cert expires in 4\.\dd < 14d$|^cert expires in 5\.0d < 14d$/);

    const relaxed = await check(
      trusted(`${portal.expiringSoon}/`, { expect: { certExpiresIn: '3d' } }),
    );
    expect(relaxed.status).toBe('pass');
  });

  it('a certificate for another host is cert_invalid with the SAN it has', async () => {
    const out = await check(trusted(`${portal.wrongHost}/`));
    expect(out).toMatchObject({ status: 'fail', reason: 'cert_invalid' });
    expect(out.message).toBe('certificate is not valid for localhost (SAN: DNS:other.example)');
    expect(out.tls?.hostnameMatch).toBe(false);
  });
});

describe('HTTP checker: good citizenship and resources', () => {
  it('holds to the per-host limit', async () => {
    const hosts = new HostLimiter(2);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 6 }, () => check({ url: `${portal.http}/slow?ms=150` }, 5000, hosts)),
    );
    // Six runs of 150 ms, two at a time: at least three rounds.
    expect(performance.now() - started).toBeGreaterThanOrEqual(440);
  });

  it('leaves no socket open after many runs', async () => {
    const sockets = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap')
        .length;
    const before = sockets();
    for (let round = 0; round < 20; round++) {
      const outs = await Promise.all([
        ...Array.from({ length: 10 }, () => check({ url: `${portal.http}/` })),
        ...Array.from({ length: 5 }, () => check(trusted(`${portal.https}/`))),
        check({ url: `${portal.http}/reset` }),
        check({ url: `${portal.http}/hang` }, 50),
      ]);
      expect(outs.filter((o) => o.status === 'pass')).toHaveLength(15);
    }
    // Give the event loop a moment to process the last closes.
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets()).toBeLessThanOrEqual(before);
    expect(portal.openSockets()).toBe(0);
  });
});
