import { ProxyAgent, type Dispatcher } from 'undici';
import { proxyFor, type ProxyServer, type ProxySettings } from './proxy.ts';

/** One agent per proxy for the daemon's life: its connections to the proxy are reused. */
const agents = new WeakMap<ProxyServer, ProxyAgent>();

/**
 * The undici dispatcher for a request to `url`: an agent of the proxy it goes through, or
 * undefined for undici's default (direct). For the requests of checkers that need no phase
 * timings (document downloads, robots.txt); the HTTP checker dials the proxy itself.
 */
export function dispatcherFor(
  settings: ProxySettings | undefined,
  url: string | URL,
): Dispatcher | undefined {
  const proxy = proxyFor(settings, typeof url === 'string' ? new URL(url) : url);
  if (!proxy) return undefined;
  let agent = agents.get(proxy);
  if (!agent) {
    agent = new ProxyAgent({
      // The credentials go as a header, never in the URL: undici's errors quote the URL.
      uri: proxy.origin,
      ...(proxy.authorization ? { token: proxy.authorization } : {}),
      // http targets in absolute form, as curl sends them; only https ones through CONNECT.
      proxyTunnel: false,
    });
    agents.set(proxy, agent);
  }
  return agent;
}

/** Raised for a request the proxy itself failed: the target was never asked. */
export class ProxyFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProxyFailure';
  }
}

/**
 * The proxy's failure behind an error or a status of a request sent through `proxy`, or
 * undefined when the proxy did its work (the target answered, or the proxy says it could
 * not reach it: 502/503/504 are the target's).
 */
export function proxyFailureOf(
  proxy: ProxyServer,
  outcome: { status: number } | { error: unknown },
): ProxyFailure | undefined {
  if ('status' in outcome) {
    return outcome.status === 407
      ? new ProxyFailure(`proxy ${proxy.origin} answered 407 Proxy Authentication Required`)
      : undefined;
  }
  const e = outcome.error as NodeJS.ErrnoException & { cause?: unknown };
  const message = e?.message ?? String(outcome.error);
  // undici's words: for CONNECT, and for a 407 to a request in absolute form.
  if (/Proxy Authentication Required \(407\)/.test(message)) {
    return new ProxyFailure(`proxy ${proxy.origin} answered 407 Proxy Authentication Required`);
  }
  const tunnel = /Proxy response \((\d{3})\) !== 200/.exec(message);
  if (tunnel) {
    const status = Number(tunnel[1]);
    if (status === 502 || status === 503 || status === 504) return undefined;
    return new ProxyFailure(`proxy ${proxy.origin} refused the tunnel: answered ${status}`);
  }
  const code = e?.code ?? (e?.cause as NodeJS.ErrnoException | undefined)?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  ) {
    return new ProxyFailure(`proxy ${proxy.origin} unreachable: ${code}`);
  }
  return undefined;
}
