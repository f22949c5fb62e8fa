import type { BlockedRequest } from '../../results/result.ts';
import { WEBSOCKET } from './guard.ts';

/*
 * The warnings (`Outcome.warnings`) of a run the request guard took part in, as sentences a
 * person can act on. Each names where it happened: a page-reading check the page (the
 * guard's step there, so that a scan of several pages can give each page its own), a
 * journey its step.
 */

/** Where a guard's entry happened, for a page-reading check (its step is the page). */
export const onPage = (step: string): string => (step === '' ? '' : ` (page ${step})`);

/** Where a guard's entry happened, in a journey. */
export const inStep = (step: string): string => (step === '' ? '' : ` (step ${step})`);

/**
 * A page that was read with its WebSocket blocked was read without what the socket would
 * have shown: a Blazor Server or SignalR page renders its content over it. A scan passes on
 * what it saw, so the result says what it could not see. (A journey needs none: a step that
 * needed the socket fails, and its message names the socket.)
 */
export function blockedSocketWarnings(
  blocked: readonly BlockedRequest[],
  where: (step: string) => string,
): string[] {
  return blocked
    .filter((b) => b.method === WEBSOCKET)
    .map(
      (b) =>
        `WebSocket ${b.url} was blocked: the page was scanned without what it would have shown over it${where(b.step)}`,
    );
}

/** Sockets a worker opened past the guard (`Guard.unguarded`): they reached the server. */
export function unguardedSocketWarnings(
  unguarded: readonly BlockedRequest[],
  where: (step: string) => string,
): string[] {
  return unguarded.map(
    (u) =>
      `WebSocket ${u.url} was opened by a worker, where the request guard cannot hold it back: what the page sent over it reached the server${where(u.step)}`,
  );
}

/** The warnings made with {@link onPage} that belong to one page of a page-reading check. */
export function warningsOfPage(warnings: readonly string[], page: string): string[] {
  return warnings.filter((w) => w.endsWith(onPage(page)));
}
