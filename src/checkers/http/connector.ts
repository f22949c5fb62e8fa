import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import type { ProxyServer } from '../../net/proxy.ts';
import type { TlsDetails } from '../../results/result.ts';
import { openTunnel, TunnelRefused } from '../../net/proxy-tunnel.ts';
import { connectFirst, fallbackNote, interleave } from './happy-eyeballs.ts';
import {
  type HostLookup,
  type IpFamily,
  type IpProtocol,
  literalMismatch,
  resolveAddresses,
  systemLookup,
} from './ip-protocol.ts';
import { PhaseError } from './phase-error.ts';
import { readTlsDetails } from './tls-details.ts';

/** Milliseconds (performance.now) at which each connection phase ended; 0 = not reached. */
export interface ConnectionTimes {
  start: number;
  resolved: number;
  connected: number;
  secured: number;
}

export interface TimedConnection {
  times: ConnectionTimes;
  remoteAddress?: string;
  /** The IP protocol of the connection to the target; unset through a proxy, which chose it. */
  ipProtocol?: IpFamily;
  /**
   * Set when the connection came only after another address of the target failed (Happy
   * Eyeballs): which, why, and what was connected to instead.
   */
  fallback?: string;
  /** The target's addresses a connection was attempted to, in order (Happy Eyeballs). */
  attempted?: string[];
  /** Negotiated ALPN protocol (`h2`, `http/1.1`) on https connections. */
  alpnProtocol?: string;
  tls?: TlsDetails;
  /**
   * Set when the connection goes through a proxy: its origin (never its credentials) and
   * whether it was reached, so that a timeout before then is told apart as the proxy's.
   */
  proxy?: { origin: string; reached: boolean };
}

export interface TimedConnectorOptions {
  signal: AbortSignal;
  /** Offer `h2` in ALPN (https only). */
  allowH2: boolean;
  /** Extra trusted CA certificates (PEM); undefined = Node's default store. */
  ca?: string;
  /** Accept untrusted chains and host name mismatches; details are still reported. */
  insecureSkipVerify: boolean;
  now: () => number;
  /**
   * Go through this forward proxy: resolve and connect are then the proxy's, an https
   * target is reached through a CONNECT tunnel (its TLS handshake and certificate are the
   * target's), an http target gets its request in absolute form on the proxy connection.
   */
  proxy?: ProxyServer;
  /** Sent with CONNECT, so that the proxy's log names the monitor too. */
  userAgent?: string;
  /** Connect over this IP protocol only. @default 'auto' (every address resolved, as a browser) */
  ipProtocol?: IpProtocol;
  /** Resolves the target's name. @default dns.lookup */
  lookup?: HostLookup;
}

/**
 * An undici connector that opens one fresh connection and times its phases
 * the way blackbox_exporter does: resolve, TCP connect, TLS handshake.
 * Each phase is done by hand (not by `net.connect(host)`) so that each can be timed.
 */
export function timedConnector(
  options: TimedConnectorOptions,
  into: TimedConnection,
): buildConnector.connector {
  return (target, callback) => {
    open(target, options, into).then(
      (socket) => callback(null, socket),
      (error: unknown) => callback(error as Error, null),
    );
  };
}

async function open(
  target: buildConnector.Options,
  options: TimedConnectorOptions,
  into: TimedConnection,
): Promise<Socket | TLSSocket> {
  const { signal } = options;
  const times = into.times;
  times.start = performance.now();
  // URL.hostname keeps the brackets of an IPv6 literal.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const https = target.protocol === 'https:';
  const port = Number(target.port) || (https ? 443 : 80);

  const { proxy } = options;
  if (proxy) into.proxy = { origin: proxy.origin, reached: false };
  // Through a proxy, the name resolved and the address connected to are the proxy's.
  const dialHost = proxy ? proxy.hostname : host;
  const dialPort = proxy ? proxy.port : port;
  const proxyFailed = (error: unknown): never => {
    signal.throwIfAborted();
    const why = error instanceof PhaseError ? error.message : codeOf(error);
    throw new PhaseError('proxy_error', `proxy ${proxy?.origin ?? ''} unreachable: ${why}`, {
      cause: error,
    });
  };

  const protocol = proxy ? 'auto' : (options.ipProtocol ?? 'auto');
  // A redirect may lead to an IP literal of the other family (the probe's own URL is checked
  // at load time): it cannot be reached over the protocol the probe insists on.
  const mismatch = literalMismatch(dialHost, protocol);
  if (mismatch) throw new PhaseError('connect', mismatch);

  let addresses = [dialHost];
  if (isIP(dialHost) === 0) {
    try {
      addresses = await resolveAddresses(
        dialHost,
        protocol,
        options.lookup ?? systemLookup,
        signal,
      );
    } catch (error) {
      signal.throwIfAborted();
      if (proxy) proxyFailed(error);
      throw error;
    }
    times.resolved = performance.now();
  } else {
    // An IP literal needs no resolution; its resolve phase is zero, as in blackbox_exporter.
    times.resolved = times.start;
  }
  // The target's addresses are tried as a browser tries them; the proxy's first address only,
  // as before: it is our own infrastructure, and its failure must not hide behind another.
  const candidates = proxy ? addresses.slice(0, 1) : interleave(addresses);
  // Until a connection stands, the result names the first address tried (and its family).
  into.remoteAddress = candidates[0];
  // Through a proxy the family is that of the way to the proxy, which says nothing about the target.
  if (!proxy) into.ipProtocol = isIP(candidates[0] ?? '') === 6 ? 6 : 4;

  const attempted: string[] = [];
  if (!proxy) into.attempted = attempted;
  const connected = await connectFirst(candidates, dialPort, dialHost, signal, undefined, (a) =>
    attempted.push(a),
  ).catch((error: unknown) => (proxy ? proxyFailed(error) : Promise.reject(error as Error)));
  const socket = connected.socket;
  into.remoteAddress = connected.address;
  if (!proxy) {
    into.ipProtocol = connected.family;
    const note = fallbackNote(connected);
    if (note) into.fallback = note;
  }
  if (into.proxy) into.proxy.reached = true;
  if (proxy && https) {
    // The connect phase lasts until the tunnel to the target stands: the proxy connects to
    // the target meanwhile, so this is the target's connect time as seen from here.
    try {
      await openTunnel(socket, { host, port }, proxy, options.userAgent, signal);
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof TunnelRefused && error.targetUnreachable) {
        throw new PhaseError(
          'connect',
          `proxy ${proxy.origin} could not reach ${host}:${port}: ${error.message}`,
        );
      }
      const answer = error instanceof TunnelRefused ? `answered ${error.message}` : codeOf(error);
      throw new PhaseError(
        'proxy_error',
        `proxy ${proxy.origin} refused the tunnel to ${host}:${port}: ${answer}`,
      );
    }
  }
  times.connected = performance.now();
  if (!https) {
    times.secured = times.connected;
    return socket;
  }

  const secure = await handshake(socket, host, options);
  const details = readTlsDetails(secure, host, options.now());
  into.tls = details;
  if (secure.alpnProtocol) into.alpnProtocol = secure.alpnProtocol;
  if (!options.insecureSkipVerify && !(details.authorized && details.hostnameMatch)) {
    secure.destroy();
    const why = !details.hostnameMatch
      ? `certificate is not valid for ${host} (SAN: ${details.subjectAltNames.join(', ') || 'none'})`
      : `certificate not trusted: ${details.authorizationError ?? 'unknown reason'}`;
    // secured stays unset: the run broke off in the TLS phase, no request was ever sent.
    throw new PhaseError('cert_invalid', why);
  }
  // The TLS phase ends once the certificate is accepted: in Go (blackbox_exporter),
  // verification is part of the handshake too.
  times.secured = performance.now();
  return secure;
}

function handshake(
  socket: Socket,
  host: string,
  options: TimedConnectorOptions,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const secure = tlsConnect({
      socket,
      // SNI must not carry an IP address (RFC 6066).
      servername: isIP(host) === 0 ? host : undefined,
      ALPNProtocols: options.allowH2 ? ['h2', 'http/1.1'] : ['http/1.1'],
      // Trust is decided after the handshake, so that the certificate of an
      // untrusted or expired server is still reported.
      rejectUnauthorized: false,
      ca: options.ca,
      // A fresh handshake per run: the TLS phase must be real.
      session: undefined,
    });
    const onAbort = (): void => {
      secure.destroy();
      reject(signal.reason as Error);
    };
    const onError = (error: Error): void => {
      signal.removeEventListener('abort', onAbort);
      secure.destroy();
      reject(new PhaseError('tls', `TLS handshake with ${host}: ${error.message}`));
    };
    secure.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      secure.off('error', onError);
      resolve(secure);
    });
    secure.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function codeOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}
