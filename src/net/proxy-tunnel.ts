import type { Socket } from 'node:net';
import type { ProxyServer } from './proxy.ts';

/** Most a proxy's answer to CONNECT may hold before its blank line; more is no HTTP proxy. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Statuses with which a proxy says it could not reach the target on our behalf (RFC 9110:
 * a gateway's 502, 503 and 504). The proxy worked; the target did not answer it, which is
 * the target's failure as surely as a refused connection is without a proxy.
 */
const TARGET_UNREACHABLE = new Set([502, 503, 504]);

/** The proxy's answer to CONNECT, when it was no 2xx. */
export class TunnelRefused extends Error {
  readonly status: number;
  /** True when the proxy reports the target unreachable (502/503/504), not itself broken. */
  readonly targetUnreachable: boolean;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'TunnelRefused';
    this.status = status;
    this.targetUnreachable = TARGET_UNREACHABLE.has(status);
  }
}

/**
 * Asks the proxy on `socket` for a tunnel to `host:port` (HTTP CONNECT, RFC 9110 §9.3.6) and
 * resolves once it stands, with the socket now carrying bytes to and from the target. Rejects
 * with {@link TunnelRefused} for any other answer, the proxy's status line in the message.
 */
export function openTunnel(
  socket: Socket,
  target: { host: string; port: number },
  proxy: ProxyServer,
  userAgent: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    let seen = Buffer.alloc(0);
    const done = (error?: Error): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve();
      }
    };
    const onAbort = (): void => done(signal.reason as Error);
    const onError = (error: Error): void => done(error);
    const onClose = (): void =>
      done(new Error(`proxy ${proxy.origin} closed the connection before answering CONNECT`));
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) {
        if (seen.length > MAX_ANSWER_BYTES) {
          done(new Error(`proxy ${proxy.origin} sent no HTTP answer to CONNECT`));
        }
        return;
      }
      const statusLine = seen.subarray(0, seen.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!m) {
        done(new Error(`proxy ${proxy.origin} sent no HTTP answer to CONNECT`));
        return;
      }
      const status = Number(m[1]);
      if (status >= 200 && status < 300) {
        // Bytes after the answer already belong to the target (none with a well-behaved proxy).
        const rest = seen.subarray(end + 4);
        done();
        if (rest.length > 0) socket.unshift(rest);
        return;
      }
      done(new TunnelRefused(status, answerText(status, m[2] ?? '')));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.write(
      `CONNECT ${authority} HTTP/1.1\r\n` +
        `Host: ${authority}\r\n` +
        (proxy.authorization ? `Proxy-Authorization: ${proxy.authorization}\r\n` : '') +
        (userAgent ? `User-Agent: ${userAgent}\r\n` : '') +
        '\r\n',
    );
  });
}

/** The proxy's answer as a person reads it, printable characters only. */
function answerText(status: number, phrase: string): string {
  const clean = phrase.replace(/[^\x20-\x7e]/g, '').slice(0, 100);
  return `${status}${clean ? ` ${clean}` : ''}`;
}
