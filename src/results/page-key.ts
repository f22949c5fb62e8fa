/**
 * A page is its origin and path: query strings of sessions and trackers do not make new
 * pages. Used for accessibility fingerprints and their tracking across runs.
 */
export function pageKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
