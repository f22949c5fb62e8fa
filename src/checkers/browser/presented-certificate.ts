import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { openTunnel } from '../../net/proxy-tunnel.ts';
import { proxyFor, type ProxySettings } from '../../net/proxy.ts';
import type { TlsDetails } from '../../results/result.ts';
import type { HostLimiter } from '../../runner/host-limiter.ts';
import { readTlsDetails } from '../http/tls-details.ts';

/** Long enough for a server in the same country, short beside a step's timeout. */
const READ_MS = 3_000;

export interface CertificateRead {
  signal: AbortSignal;
  /** The daemon's per-host limit: this handshake is one more connection to the host. */
  hosts: HostLimiter;
  /** The outbound proxy the browser uses; the handshake takes the same way. */
  proxy?: ProxySettings;
  userAgent?: string;
  now: () => number;
}

/**
 * The certificate chain `url`'s server presents, read with a TLS handshake of our own.
 * Chromium refuses a certificate without a response to look at (no `securityDetails`), so
 * this is how a journey that failed on one learns its expiry and what else is wrong with it.
 *
 * Nothing is verified here (the browser has decided already): the chain is only read. The
 * handshake goes where the browser's went: through the outbound proxy's CONNECT tunnel when
 * the browser uses one for `url` (the name may resolve only there), else direct; within the
 * per-host limit, and over after {@link READ_MS} or with the run. Undefined when nothing could
 * be read (the server is gone, the proxy refuses, the run is over): the failure stands as the
 * browser named it.
 */
export async function readPresentedCertificate(
  url: string,
  read: CertificateRead,
): Promise<TlsDetails | undefined> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'https:' || read.signal.aborted) return undefined;
  const signal = AbortSignal.any([read.signal, AbortSignal.timeout(READ_MS)]);
  // The limiter counts what the guard counts: host and port, as in the URL.
  return read.hosts
    .run(target.host, signal, () => handshake(target, signal, read))
    .catch(() => undefined);
}

async function handshake(
  target: URL,
  signal: AbortSignal,
  read: CertificateRead,
): Promise<TlsDetails> {
  // URL.hostname keeps the brackets of an IPv6 literal.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port) || 443;
  const proxy = proxyFor(read.proxy, target);
  let socket: Socket | undefined;
  let secure: TLSSocket | undefined;
  const onAbort = (): void => {
    socket?.destroy();
    secure?.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (proxy) {
      socket = await connected(tcpConnect({ host: proxy.hostname, port: proxy.port }), signal);
      await openTunnel(socket, { host, port }, proxy, read.userAgent, signal);
    }
    secure = tlsConnect({
      ...(socket ? { socket } : { host, port }),
      // SNI must not carry an IP address (RFC 6066); a server with several sites needs it.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ALPNProtocols: ['http/1.1'],
      // Only read: the browser has refused the chain, and its reasons are what is wanted.
      rejectUnauthorized: false,
    });
    await connected(secure, signal, 'secureConnect');
    return { ...readTlsDetails(secure, host, read.now()), host: target.host };
  } finally {
    signal.removeEventListener('abort', onAbort);
    secure?.destroy();
    socket?.destroy();
  }
}

/** Resolves once `socket` emits `event`; rejects on its error or the signal. */
function connected<S extends Socket>(
  socket: S,
  signal: AbortSignal,
  event = 'connect',
): Promise<S> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      socket.destroy();
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => reject(signal.reason as Error);
    socket.once(event, () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
