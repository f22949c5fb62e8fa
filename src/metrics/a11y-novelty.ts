import type { A11yReport } from '../results/result.ts';
import type { FindingHistory } from '../store/store.ts';
import { IMPACTS, type Impact } from '../checkers/a11y/summary.ts';

/**
 * How long a violation pattern counts as new after it was first seen or came back:
 * a day, the span the accessibility alerts used to compare over, so a daily scan
 * reports each new barrier at exactly one run.
 */
export const NEW_PATTERN_WINDOW_MS = 86_400_000;

/** Epoch ms since which each open pattern has been open without a break, by pattern. */
export type OpenSince = Map<string, number>;

/** An open (not waived) pattern of a scan, with its rule and impact. */
export interface OpenPattern {
  pattern: string;
  ruleId: string;
  impact: Impact;
}

/**
 * The patterns of a scan: those with a node outside any waiver (what the alerts count),
 * and every pattern seen, waived or not (what the history follows, so a waiver that
 * expires brings back an old barrier, not a new one).
 */
export function scanPatterns(report: A11yReport): { open: OpenPattern[]; seen: Set<string> } {
  const open = new Map<string, OpenPattern>();
  const seen = new Set<string>();
  for (const page of report.pages) {
    for (const v of page.violations) {
      // As summarise() does: an impact axe-core did not name counts as minor.
      const impact = (IMPACTS as readonly string[]).includes(v.impact)
        ? (v.impact as Impact)
        : 'minor';
      for (const n of v.nodes) {
        seen.add(n.pattern);
        if (n.waived === undefined)
          open.set(n.pattern, { pattern: n.pattern, ruleId: v.ruleId, impact });
      }
    }
  }
  return { open: [...open.values()], seen };
}

/**
 * The history after a scan at `at`: a pattern seen before keeps its time, a pattern not
 * seen before starts now. A pattern the scan did not see is gone (the store marks it
 * fixed), unless pages of the scan failed: the store leaves findings of pages it could
 * not scan open, and so does this.
 */
export function advance(
  before: OpenSince,
  seen: ReadonlySet<string>,
  at: number,
  complete: boolean,
): OpenSince {
  const next: OpenSince = complete ? new Map<string, number>() : new Map(before);
  for (const pattern of seen) next.set(pattern, before.get(pattern) ?? at);
  return next;
}

/**
 * The history as the store knows it: for each pattern with an open finding, the start of
 * its current open stretch. A pattern is open while any of its occurrences is, so one
 * occurrence fixed in the run that finds another (the widget moved to another page) is no
 * break; only a pattern that was fixed everywhere and came back starts anew.
 */
export function openSinceFromStore(findings: readonly FindingHistory[]): OpenSince {
  const stretches = new Map<string, [start: number, end: number][]>();
  for (const f of findings) {
    const list = stretches.get(f.pattern) ?? [];
    stretches.set(f.pattern, list);
    let start: number | undefined;
    for (const e of f.events) {
      if (e.type === 'fixed') {
        if (start !== undefined) list.push([start, e.at]);
        start = undefined;
      } else {
        start ??= e.at;
      }
    }
    // Findings of stores older than their events: the first sighting stands in.
    if (f.state === 'open') list.push([start ?? f.firstSeen, Number.POSITIVE_INFINITY]);
  }
  const out: OpenSince = new Map();
  for (const [pattern, list] of stretches) {
    list.sort((a, b) => a[0] - b[0]);
    let start = Number.NaN;
    let end = Number.NEGATIVE_INFINITY;
    for (const [s, e] of list) {
      // A stretch that starts where (or before) the last ended continues it.
      if (s > end) start = s;
      end = Math.max(end, e);
    }
    if (end === Number.POSITIVE_INFINITY) out.set(pattern, start);
  }
  return out;
}

/** Two histories of the same patterns as one: the earlier time of each. */
export function merge(memory: OpenSince, stored: OpenSince): OpenSince {
  const out = new Map(memory);
  for (const [pattern, at] of stored) out.set(pattern, Math.min(at, out.get(pattern) ?? at));
  return out;
}

/**
 * The open patterns that are new at `now`, by impact, with the rule ids of the new ones,
 * and when the next of them stops being new (for a re-render without a scan).
 */
export function countNew(
  open: readonly OpenPattern[],
  since: OpenSince,
  now: number,
): { byImpact: Record<Impact, number>; rules: Record<Impact, string[]>; expires: number } {
  const byImpact: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const rules: Record<Impact, string[]> = { critical: [], serious: [], moderate: [], minor: [] };
  let expires = Number.POSITIVE_INFINITY;
  for (const p of open) {
    const end = (since.get(p.pattern) ?? now) + NEW_PATTERN_WINDOW_MS;
    if (end <= now) continue;
    byImpact[p.impact]++;
    if (!rules[p.impact].includes(p.ruleId)) rules[p.impact].push(p.ruleId);
    expires = Math.min(expires, end);
  }
  for (const impact of IMPACTS) rules[impact].sort();
  return { byImpact, rules, expires };
}
