/**
 * Lighthouse's Chromium logs in to the outbound proxy through the DevTools protocol: it
 * gets the proxy only as a `--proxy-server` flag, which takes no credentials, so the
 * proxy's 407 reaches the request guard's `Fetch` as an authentication challenge, and this
 * decides the answer.
 */
import type { ProxySettings } from '../../net/proxy.ts';

/** A proxy that wants a login, as the Lighthouse child gets it (on standard input only). */
export interface ProxyLogin {
  /** `http://proxy.rz.example:3128`, as Chromium names the challenger. */
  origin: string;
  username: string;
  password: string;
}

/** `Fetch.AuthChallenge` of the DevTools protocol. */
export interface AuthChallenge {
  source?: 'Server' | 'Proxy';
  origin: string;
  scheme: string;
  realm: string;
}

/** `Fetch.AuthChallengeResponse` of the DevTools protocol. */
export type AuthAnswer =
  | { response: 'Default' | 'CancelAuth' }
  | { response: 'ProvideCredentials'; username: string; password: string };

export interface ProxyAuthenticator {
  /** The answer to the challenge Chromium paused request `requestId` for. */
  answer(requestId: string, challenge: AuthChallenge): AuthAnswer;
  /** The proxy that refused the credentials (a second 407 for one request), if one did. */
  readonly refusedBy: string | undefined;
}

/**
 * Answers the challenges of the proxies in `logins` with their credentials, once per
 * request: a second challenge for the same request means the proxy refused them, and
 * Chromium would otherwise be asked again and again until it gives up with
 * `ERR_TOO_MANY_RETRIES`. After a refusal that proxy gets no credentials for the rest of the
 * audit: an account that a directory locks after a few failed logins is the one every other
 * probe uses too.
 *
 * A server's own login (401) is declined: the page's login is not ozgwatch's to answer, and
 * the proxy's credentials go to no one else. Declined, Chromium takes the server's 401 as
 * the answer and Lighthouse reports the page's status, as a journey does; left to Chromium,
 * it fails with `ERR_INVALID_AUTH_CREDENTIALS`, which also means a proxy wanting a login.
 * A proxy without known credentials is left to Chromium, which says just that.
 */
export function proxyAuthenticator(logins: readonly ProxyLogin[]): ProxyAuthenticator {
  const byOrigin = new Map(logins.map((l) => [sameOrigin(l.origin), l]));
  const answered = new Set<string>();
  const refused = new Set<string>();
  let refusedBy: string | undefined;
  return {
    get refusedBy() {
      return refusedBy;
    },
    answer(requestId, challenge) {
      if (challenge.source !== 'Proxy') return { response: 'CancelAuth' };
      const origin = sameOrigin(challenge.origin);
      const login = byOrigin.get(origin);
      if (!login) return { response: 'Default' };
      if (answered.has(requestId)) {
        refused.add(origin);
        refusedBy ??= login.origin;
      }
      // Cancelled, Chromium takes the proxy's 407 as the answer: the request fails at once.
      if (refused.has(origin)) return { response: 'CancelAuth' };
      answered.add(requestId);
      return { response: 'ProvideCredentials', username: login.username, password: login.password };
    },
  };
}

/** Origins compared as URLs see them (case, default port); text that is none stays as it is. */
function sameOrigin(text: string): string {
  try {
    return new URL(text).origin;
  } catch {
    return text;
  }
}

/** The proxies of `settings` that carry credentials, each once (http and https may share one). */
export function proxyLogins(settings: ProxySettings | undefined): ProxyLogin[] {
  const logins = new Map<string, ProxyLogin>();
  for (const proxy of [settings?.https, settings?.http]) {
    if (!proxy || proxy.username === undefined || proxy.password === undefined) continue;
    logins.set(proxy.origin, {
      origin: proxy.origin,
      username: proxy.username,
      password: proxy.password,
    });
  }
  return [...logins.values()];
}
