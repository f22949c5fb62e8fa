import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkHttp } from '../../../src/checkers/http/check.ts';
import { interleave } from '../../../src/checkers/http/happy-eyeballs.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../../src/checkers/http/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { createTestPki } from '../../fixtures/county-portal/index.ts';
import {
  DUAL,
  DUAL_V6_FIRST,
  hostsLookup,
  refusingPort,
  silentPort,
  startDualStack,
  testHosts,
  type DualStack,
} from './dual-stack.ts';

let servers: DualStack | undefined;
afterEach(async () => {
  await servers?.close();
  servers = undefined;
});

function context(): CheckContext {
  return {
    signal: AbortSignal.timeout(5000),
    logger: pino({ level: 'silent' }),
    userAgent: 'ozgwatch/test (+https://example.org/contact)',
    hosts: new HostLimiter(2),
    now: () => Date.now(),
  };
}

function check(url: string, extra: Partial<HttpSpecInput> = {}): Promise<Outcome> {
  return checkHttp(context(), httpSpecSchema.parse({ url, ...extra }), { lookup: testHosts });
}

/** TCP sockets this process holds open (listeners included). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** The number of open sockets once it reaches `expected`, or after a second, whatever it is then. */
async function settlesAt(expected: number): Promise<number> {
  for (let i = 0; i < 20 && openSockets() !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return openSockets();
}

/** The IPv4 server answers "v4": the body says the run got there. */
const overIpv4 = { expect: { bodyContains: ['v4'] } };

describe('HTTP checker: ipProtocol auto falls back as a browser does', () => {
  it('an IPv6 address that refuses: the run passes over IPv4 and says what failed', async () => {
    servers = await startDualStack({ v6: 'refuses' });
    const out = await check(`http://${DUAL_V6_FIRST}:${servers.port}/`, overIpv4);
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '127.0.0.1', ipProtocol: 4 });
    expect(out.warnings).toEqual([
      'IPv6 ::1 refused the connection (ECONNREFUSED); connected over IPv4 127.0.0.1',
    ]);
    expect(out.message).toMatch(
      /^status 200 in \d+\.\d{3}s — IPv6 ::1 refused the connection \(ECONNREFUSED\); connected over IPv4 127\.0\.0\.1$/,
    );
    // The connect phase lasts until the connection that was used: it was reached.
    expect(out.phases!.connect).toBeGreaterThan(0);
  });

  it('an IPv6 address that never answers: IPv4 is tried alongside, and the run passes over it', async () => {
    servers = await startDualStack({ v6: 'silent' });
    const sockets = openSockets();
    const out = await check(`http://${DUAL_V6_FIRST}:${servers.port}/`, overIpv4);
    // The attempt still waiting on IPv6 was closed once IPv4 connected, not left to time out
    // (sockets close a moment after the run; the attempt would wait for minutes).
    expect(await settlesAt(sockets)).toBe(sockets);
    expect(out.status).toBe('pass');
    expect(out.http).toMatchObject({ remoteAddress: '127.0.0.1', ipProtocol: 4 });
    expect(out.warnings).toEqual([
      'IPv6 ::1 did not answer within 250 ms; connected over IPv4 127.0.0.1',
    ]);
    // The wait for the silent address is the citizen's too: it is part of the connect phase.
    expect(out.phases!.connect).toBeGreaterThanOrEqual(0.25);
  });

  it('every address refuses: connect fails and names each address and why', async () => {
    const port = await refusingPort();
    const out = await check(`http://${DUAL}:${port}/`);
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'connect',
      message: `connect ${DUAL}:${port}: IPv4 127.0.0.1 refused the connection (ECONNREFUSED), IPv6 ::1 refused the connection (ECONNREFUSED)`,
    });
    expect(out.warnings).toBeUndefined();
    // The first address tried stays the one reported (and probe_ip_protocol its family).
    expect(out.http).toMatchObject({ remoteAddress: '127.0.0.1', ipProtocol: 4 });
  });

  it('no address answers: the deadline ends the run in the connect phase, every attempt closed', async () => {
    const silent = await silentPort();
    try {
      const sockets = openSockets();
      const spec = httpSpecSchema.parse({ url: `http://${DUAL}:${silent.port}/` });
      const out = await checkHttp({ ...context(), signal: AbortSignal.timeout(1000) }, spec, {
        lookup: testHosts,
      });
      expect(out).toMatchObject({
        status: 'fail',
        reason: 'timeout',
        // Both addresses were tried (the second after the attempt delay) and stayed silent.
        message: 'timeout while connecting (no answer from 127.0.0.1, ::1)',
      });
      expect(await settlesAt(sockets)).toBe(sockets);
    } finally {
      await silent.close();
    }
  });

  it('a single address that refuses keeps the short message', async () => {
    const port = await refusingPort();
    const out = await check(`http://127.0.0.1:${port}/`);
    expect(out).toMatchObject({
      reason: 'connect',
      message: `connect 127.0.0.1:${port}: ECONNREFUSED`,
    });
  });

  it('a working first address is used without a warning', async () => {
    servers = await startDualStack();
    const out = await check(`http://${DUAL_V6_FIRST}:${servers.port}/`, {
      expect: { bodyContains: ['v6'] },
    });
    expect(out.status).toBe('pass');
    expect(out.http?.ipProtocol).toBe(6);
    expect(out.warnings).toBeUndefined();
    expect(out.message).not.toContain('—');
  });

  it('ip6 stays strict: an IPv6 address that refuses fails the run, IPv4 is not tried', async () => {
    servers = await startDualStack({ v6: 'refuses' });
    const out = await check(`http://${DUAL}:${servers.port}/`, { ipProtocol: 'ip6' });
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'connect',
      message: `connect ::1:${servers.port}: ECONNREFUSED`,
    });
    expect(out.http).toMatchObject({ remoteAddress: '::1', ipProtocol: 6 });
  });

  it('over https the certificate and SNI stay the name’s, whichever address is used', async () => {
    servers = await startDualStack({ v6: 'refuses', tls: true });
    const name = 'kfz.ozgwatch.test';
    const folder = await mkdtemp(join(tmpdir(), 'ozgwatch-h2-'));
    try {
      const caFile = join(folder, 'ca.pem');
      await writeFile(caFile, (await createTestPki()).caPem);
      const spec = httpSpecSchema.parse({
        url: `https://${name}:${servers.port}/`,
        caFile,
        ...overIpv4,
      });
      const lookup = hostsLookup({ [name]: ['::1', '127.0.0.1'] });
      const out = await checkHttp(context(), spec, { lookup });
      expect(out.status).toBe('pass');
      expect(out.tls).toMatchObject({ hostnameMatch: true, authorized: true });
      expect(out.http?.ipProtocol).toBe(4);
      expect(out.warnings).toEqual([
        'IPv6 ::1 refused the connection (ECONNREFUSED); connected over IPv4 127.0.0.1',
      ]);
      expect(servers.servernames).toEqual([name]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('the order addresses are tried in (RFC 8305 §4)', () => {
  it('the first family first, then the families taking turns', () => {
    expect(interleave(['2001:db8::1', '2001:db8::2', '192.0.2.1', '192.0.2.2'])).toEqual([
      '2001:db8::1',
      '192.0.2.1',
      '2001:db8::2',
      '192.0.2.2',
    ]);
    expect(interleave(['192.0.2.1', '2001:db8::1', '2001:db8::2'])).toEqual([
      '192.0.2.1',
      '2001:db8::1',
      '2001:db8::2',
    ]);
    expect(interleave(['192.0.2.1'])).toEqual(['192.0.2.1']);
  });
});
