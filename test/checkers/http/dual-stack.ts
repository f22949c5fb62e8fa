import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HostLookup, ResolvedAddress } from '../../../src/checkers/http/ip-protocol.ts';
import { createTestPki } from '../../fixtures/county-portal/index.ts';

/**
 * Two real HTTP servers on one port, one on 127.0.0.1 answering "v4" and one on ::1
 * answering "v6", so that a body tells which address a run connected to. `/to-v4` on
 * the IPv6 server redirects to the IPv4 literal.
 *
 * `v6` makes the IPv6 side broken as a load balancer without an IPv6 listener is: `refuses`
 * (nothing listens on ::1 at that port) or `silent` (SYNs go unanswered). `tls` makes the IPv4
 * server https with the test CA's certificate for `*.ozgwatch.test`.
 */
export interface DualStack {
  port: number;
  /** The SNI names the IPv4 server was greeted with (https only). */
  servernames: string[];
  close(): Promise<void>;
}

export interface DualStackOptions {
  v6?: 'answers' | 'refuses' | 'silent';
  tls?: boolean;
}

export async function startDualStack(options: DualStackOptions = {}): Promise<DualStack> {
  const servernames: string[] = [];
  // Port 0 on 127.0.0.1 may be taken on ::1 by someone else: try a few.
  for (let attempt = 0; ; attempt++) {
    const v4 = await listen(await v4Server(options.tls === true, servernames), '127.0.0.1', 0);
    const port = (v4.address() as { port: number }).port;
    try {
      const v6 = await ipv6Side(options.v6 ?? 'answers', port);
      return {
        port,
        servernames,
        close: () => Promise.all([close(v4), v6()]).then(() => undefined),
      };
    } catch (error) {
      await close(v4);
      if (attempt === 4) throw error;
    }
  }
}

/** A port on which nothing listens, on 127.0.0.1 nor on ::1: every connection is refused. */
export async function refusingPort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await listen(createTcpServer(), '127.0.0.1', 0);
    const port = (v4.address() as { port: number }).port;
    try {
      await close(await listen(createTcpServer(), '::1', port));
      return port;
    } catch (error) {
      if (attempt === 4) throw error;
    } finally {
      await close(v4);
    }
  }
}

async function v4Server(tls: boolean, servernames: string[]): Promise<Server> {
  if (!tls) return answering('v4');
  const { valid } = await createTestPki();
  return createHttpsServer({ key: valid.key, cert: valid.cert }, (req, res) => {
    servernames.push((req.socket as TLSSocket).servername || '(none)');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('v4');
  });
}

/** Brings up the IPv6 side; resolves to what shuts it down again. */
async function ipv6Side(
  v6: NonNullable<DualStackOptions['v6']>,
  port: number,
): Promise<() => Promise<void>> {
  if (v6 === 'answers') {
    const server = await listen(answering('v6', port), '::1', port);
    return () => close(server);
  }
  if (v6 === 'refuses') {
    // Taking the port for a moment makes sure no one else listens there.
    await close(await listen(createTcpServer(), '::1', port));
    return () => Promise.resolve();
  }
  return (await silentListener('::1', port)).close;
}

/** A port on which neither 127.0.0.1 nor ::1 ever answers a connection attempt. */
export async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await silentListener('127.0.0.1', 0);
    try {
      const v6 = await silentListener('::1', v4.port);
      return { port: v4.port, close: () => Promise.all([v4.close(), v6.close()]).then(() => {}) };
    } catch (error) {
      await v4.close();
      if (attempt === 4) throw error;
    }
  }
}

/**
 * A listener that never completes a handshake, without a packet leaving the machine: a child
 * process listens with a backlog of 1 and then blocks its event loop, so it never accepts; once
 * two connections fill its queue, Linux drops every further SYN (as a filtering firewall does),
 * and a connection attempt waits for an answer that never comes.
 */
async function silentListener(
  host: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer();
s.once('error', (e) => { process.stdout.write('error ' + e.code + '\\n'); process.exit(1); });
s.listen({ host: '${host}', port: ${port}, backlog: 1 }, () => {
  process.stdout.write('listening ' + s.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve) => {
    child.stdout?.once('data', (data: Buffer) => resolve(String(data).trim()));
    child.once('exit', () => resolve('exited'));
  });
  const listening = /^listening (\d+)$/.exec(line);
  if (!listening) {
    await stop(child);
    throw new Error(`silent listener on ${host}:${port}: ${line}`);
  }
  const bound = Number(listening[1]);
  const fill: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = connect({ host, port: bound });
    socket.on('error', () => undefined);
    fill.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }
  return {
    port: bound,
    close: async () => {
      for (const socket of fill) socket.destroy();
      await stop(child);
    },
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function answering(body: string, port?: number): Server {
  return createServer((req, res) => {
    if (req.url === '/to-v4' && port !== undefined) {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
}

function listen<T extends Server | ReturnType<typeof createTcpServer>>(
  server: T,
  host: string,
  port: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A resolver as /etc/hosts would be with these lines (this machine's has no name with both
 * 127.0.0.1 and ::1): addresses in the order given, filtered by family, ENOTFOUND for a
 * name without an address of the family asked for, as getaddrinfo answers.
 */
export function hostsLookup(hosts: Record<string, readonly string[]>): HostLookup {
  return (hostname, { family }) => {
    const all: ResolvedAddress[] = (hosts[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    const found = all.filter((a) => family === 0 || a.family === family);
    if (found.length === 0) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = 'ENOTFOUND';
      return Promise.reject(error);
    }
    return Promise.resolve(found);
  };
}

/** The test names: both families (each order), IPv4 only, IPv6 only. */
export const DUAL = 'dual.ozgwatch.test';
export const DUAL_V6_FIRST = 'dual6.ozgwatch.test';
export const V4_ONLY = 'v4only.ozgwatch.test';
export const V6_ONLY = 'v6only.ozgwatch.test';
/** What a resolver asked with V4MAPPED returns for a name with only an A record. */
export const V4_MAPPED = 'mapped.ozgwatch.test';

export const testHosts = hostsLookup({
  [DUAL]: ['127.0.0.1', '::1'],
  [DUAL_V6_FIRST]: ['::1', '127.0.0.1'],
  [V4_ONLY]: ['127.0.0.1'],
  [V6_ONLY]: ['::1'],
  [V4_MAPPED]: ['::ffff:127.0.0.1'],
});
