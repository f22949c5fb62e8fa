import type { Outcome, ReasonCode } from '../../results/result.ts';
import { errorLine } from '../error-line.ts';

/** The reason code of a Chromium network error (`net::ERR_…`) of a page load. */
export function netReason(code: string): ReasonCode {
  if (code === 'ERR_BLOCKED_BY_CLIENT') return 'request_blocked';
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

/** Playwright's words for a renderer or browser that died (or a page closed after it). */
export const CRASHED =
  /Target crashed|Page crashed|has been closed|Browser closed|has been disconnected/;

/**
 * The outcome of a check whose first page did not load: a site that is down fails with
 * the reason of its failure (dns, connect, navigation_timeout …), not as an error of ozgwatch.
 */
export function pageNotLoaded(page: string, url: string, error: unknown): Outcome {
  const message = errorLine(error);
  return {
    status: 'fail',
    reason: pageLoadReason(message),
    message: `${page} ${url} did not load: ${message}`,
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
