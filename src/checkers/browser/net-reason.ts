import { proxyRefusal } from '../../net/proxy-refusal.ts';
import { proxyFor, type ProxySettings } from '../../net/proxy.ts';
import type { CheckContext } from '../checker.ts';
import type { Outcome, ReasonCode } from '../../results/result.ts';
import { errorLine } from '../error-line.ts';

/** The reason code of a Chromium network error (`net::ERR_…`) of a page load. */
export function netReason(code: string): ReasonCode {
  if (code === 'ERR_BLOCKED_BY_CLIENT') return 'request_blocked';
  if (isProxyError(code)) return 'proxy_error';
  if (code === 'ERR_NAME_NOT_RESOLVED') return 'dns';
  if (code.startsWith('ERR_CERT') || code === 'ERR_SSL_PROTOCOL_ERROR') return 'cert_invalid';
  if (code === 'ERR_TIMED_OUT') return 'navigation_timeout';
  // An error status with an empty body: Chromium shows its own error page instead.
  if (code === 'ERR_HTTP_RESPONSE_CODE_FAILURE') return 'http_status';
  if (code === 'ERR_CONNECTION_RESET' || code === 'ERR_EMPTY_RESPONSE') return 'connection_reset';
  // Chromium gives up after 20 hops, loop or not.
  if (code === 'ERR_TOO_MANY_REDIRECTS') return 'too_many_redirects';
  // file:, data: and the like; Chromium refuses them, as a monitor must.
  if (code === 'ERR_UNSAFE_REDIRECT') return 'unsafe_redirect';
  return 'connect';
}

/**
 * Chromium's errors of the outbound proxy itself: unreachable, wanting other credentials,
 * misconfigured. Not ERR_TUNNEL_CONNECTION_FAILED: Chromium reports any refused CONNECT so,
 * also the proxy's 502 for a target that does not answer, which is the target's outage.
 * Nor ERR_PROXY_UNABLE_TO_CONNECT_TO_DESTINATION, which says the same of the target.
 */
function isProxyError(code: string): boolean {
  if (code === 'ERR_PROXY_UNABLE_TO_CONNECT_TO_DESTINATION') return false;
  return code.startsWith('ERR_PROXY_') || code === 'ERR_MANDATORY_PROXY_CONFIGURATION_FAILED';
}

/**
 * Network errors behind which the proxy may be refusing us: Chromium reports any non-2xx
 * answer to CONNECT as ERR_TUNNEL_CONNECTION_FAILED, a 403 by policy or a 407 alike with the
 * proxy's 502 for a target that does not answer. Asking the proxy tells them apart.
 */
export function asksProxy(code: string): boolean {
  return code === 'ERR_TUNNEL_CONNECTION_FAILED';
}

/** Playwright's words for a renderer or browser that died (or a page closed after it). */
export const CRASHED =
  /Target crashed|Page crashed|has been closed|Browser closed|has been disconnected/;

/**
 * The outcome of a check whose first page did not load: a site that is down fails with
 * the reason of its failure (dns, connect, navigation_timeout …), not as an error of
 * ozgwatch; a proxy that fails is ozgwatch's error (proxy_error). A page that timed out
 * through a proxy is explained by asking the proxy (see {@link proxyRefusal}).
 */
export async function pageNotLoaded(
  page: string,
  url: string,
  error: unknown,
  ctx: Pick<CheckContext, 'proxy' | 'signal' | 'userAgent'>,
): Promise<Outcome> {
  const message = errorLine(error);
  let reason = pageLoadReason(message);
  let why = message;
  if (reason === 'navigation_timeout' || tunnelRefused(message)) {
    const refused = await proxyRefusal(ctx.proxy, url, ctx.signal, ctx.userAgent);
    if (refused) {
      reason = 'proxy_error';
      why = `the outbound proxy ${refused}`;
    }
  }
  return {
    // The outbound proxy is ozgwatch's own path, not the service: no outage of the county.
    status: reason === 'proxy_error' ? 'error' : 'fail',
    reason,
    message: `${page} ${url} did not load: ${why}`,
    assertions: [],
  };
}

/**
 * Why `page.goto` failed, from its error: the browser or renderer died, a network error
 * Chromium named, or else the page did not finish loading in time.
 */
export function pageLoadReason(message: string): ReasonCode {
  if (CRASHED.test(message)) return 'browser_crash';
  const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  return net ? netReason(net) : 'navigation_timeout';
}

/**
 * The reason of a page that answered `status`: a 407 through the outbound proxy is the
 * proxy's own answer (it wants other credentials), ozgwatch's error, not the service's.
 */
export function statusReason(
  status: number,
  url: string,
  proxy: ProxySettings | undefined,
): ReasonCode {
  return status === 407 && proxyFor(proxy, new URL(url)) ? 'proxy_error' : 'http_status';
}

/** The outcome of a first page that answered with an error status, or with none. */
export function pageStatusFailed(
  page: string,
  url: string,
  status: number,
  proxy: ProxySettings | undefined,
): Outcome {
  const reason = statusReason(status, url, proxy);
  return {
    status: reason === 'proxy_error' ? 'error' : 'fail',
    reason,
    message:
      reason === 'proxy_error'
        ? `${page} ${url}: the outbound proxy answered 407 (it wants other credentials)`
        : `${page} ${url} answered ${status}`,
    assertions: [],
  };
}

/** Whether a page load failed on a refused CONNECT (see {@link asksProxy}). */
export function tunnelRefused(message: string): boolean {
  const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  return net !== undefined && asksProxy(net);
}
