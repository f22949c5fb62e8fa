import type { CDPSession } from 'playwright';

export interface UnsafeRedirect {
  /** The address that answered with the redirect. */
  from: string;
  /** Where it pointed (shortened): `file:`, `data:`, `javascript:` … */
  to: string;
}

export interface RedirectWatch {
  /** The latest redirect to a scheme other than http(s) since {@link forget}, if one was seen. */
  latest(): UnsafeRedirect | undefined;
  /** Starts afresh (each step): an old redirect must not explain a new failure. */
  forget(): void;
}

/**
 * Watches a page's redirects for targets that are not http(s). Chromium never follows them,
 * but it names the refusal differently (`file:` and `data:` fail as ERR_UNSAFE_REDIRECT,
 * `javascript:` only as ERR_ABORTED) and Playwright reports no response for either; the raw
 * headers of the 3xx, which CDP's `Network.responseReceivedExtraInfo` carries, are the one
 * place the target shows. Without a session (another browser) redirects are named by
 * Chromium's error code alone.
 */
export async function watchRedirects(session: CDPSession | undefined): Promise<RedirectWatch> {
  let latest: UnsafeRedirect | undefined;
  const urls = new Map<string, string>();
  try {
    if (!session) throw new Error('no CDP session');
    session.on('Network.requestWillBeSent', (event) => {
      // Only documents; the map is cleared as it grows, a page can request without end.
      if (event.type !== 'Document') return;
      if (urls.size > 1000) urls.clear();
      urls.set(event.requestId, event.request.url);
    });
    session.on('Network.responseReceivedExtraInfo', (event) => {
      const from = urls.get(event.requestId);
      if (from === undefined || event.statusCode < 300 || event.statusCode > 399) return;
      const location = Object.entries(event.headers).find(
        ([name]) => name.toLowerCase() === 'location',
      )?.[1];
      if (location === undefined) return;
      let target: URL;
      try {
        target = new URL(location, from);
      } catch {
        return;
      }
      if (target.protocol === 'http:' || target.protocol === 'https:') return;
      latest = { from, to: location.length > 100 ? `${location.slice(0, 100)}…` : location };
    });
    await session.send('Network.enable');
  } catch {
    // No CDP (a closed page, another browser): redirects are named by Chromium's code alone.
  }
  return {
    latest: () => latest,
    forget: () => {
      latest = undefined;
    },
  };
}
