import { connect } from 'node:net';
import { proxyFor, type ProxySettings } from './proxy.ts';
import { openTunnel, TunnelRefused } from './proxy-tunnel.ts';

/** Long enough for a proxy in the same data centre, short beside a page's timeout. */
const ASK_MS = 3_000;

/**
 * Asks the outbound proxy for a tunnel to `url`'s host, with ozgwatch's credentials, to
 * explain a page that did not load through it. Chromium reports a proxy that is down, but
 * when the proxy keeps refusing the credentials of an https:// page (407 after 407) it only
 * waits, and the page looks like a slow service.
 *
 * Resolves with the proxy's refusal (`answered 407 Proxy Authentication Required`,
 * `unreachable: ECONNREFUSED`), or undefined when it opens the tunnel or reports the target
 * unreachable (both say the service is the slow or broken part), when no proxy is used for
 * `url`, or when the run is out of time.
 */
export async function proxyRefusal(
  settings: ProxySettings | undefined,
  url: string,
  signal: AbortSignal,
  userAgent?: string,
): Promise<string | undefined> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const proxy = proxyFor(settings, target);
  if (!proxy || signal.aborted) return undefined;
  const ask = AbortSignal.any([signal, AbortSignal.timeout(ASK_MS)]);
  const socket = connect({ host: proxy.hostname, port: proxy.port });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      ask.addEventListener('abort', () => reject(ask.reason as Error), { once: true });
    });
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    await openTunnel(
      socket,
      { host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port },
      proxy,
      userAgent,
      ask,
    );
    return undefined;
  } catch (error) {
    if (signal.aborted || ask.aborted) return undefined;
    if (error instanceof TunnelRefused) {
      return error.targetUnreachable ? undefined : `answered ${error.message}`;
    }
    const code = (error as NodeJS.ErrnoException).code;
    return `unreachable: ${code ?? (error as Error).message}`;
  } finally {
    socket.destroy();
  }
}
