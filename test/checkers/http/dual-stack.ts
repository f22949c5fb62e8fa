import { createServer, type Server } from 'node:http';
import type { HostLookup, ResolvedAddress } from '../../../src/checkers/http/ip-protocol.ts';

/**
 * Two real HTTP servers on one port, one on 127.0.0.1 answering "v4" and one on ::1
 * answering "v6", so that a body tells which address a run connected to. `/to-v4` on
 * the IPv6 server redirects to the IPv4 literal.
 */
export interface DualStack {
  port: number;
  close(): Promise<void>;
}

export async function startDualStack(): Promise<DualStack> {
  // Port 0 on 127.0.0.1 may be taken on ::1 by someone else: try a few.
  for (let attempt = 0; ; attempt++) {
    const v4 = await listen(answering('v4'), '127.0.0.1', 0);
    const port = (v4.address() as { port: number }).port;
    try {
      const v6 = await listen(answering('v6', port), '::1', port);
      return { port, close: () => Promise.all([close(v4), close(v6)]).then(() => undefined) };
    } catch (error) {
      await close(v4);
      if (attempt === 4) throw error;
    }
  }
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

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
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
