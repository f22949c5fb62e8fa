/**
 * Issue patterns over time: a pattern is one broken component (rule + normalised HTML) of one
 * service, open while any of its occurrences is. From the findings' history the state at any
 * moment follows, and with it the balance, trend, ages and breakdowns of the report.
 */
import type { AxeRuleInfo } from '../checkers/a11y/axe.ts';
import type { Result } from '../results/result.ts';
import type { FindingHistory } from '../store/store.ts';
import {
  a11yReports,
  asImpact,
  DAY,
  keyOf,
  emptyImpacts,
  severe,
  type ScopedProbe,
} from './common.ts';
import {
  IMPACT_ORDER,
  type AppendixRow,
  type ByImpact,
  type Changes,
  type HeatmapCell,
  type Impact,
  type OpenCritical,
  type RuleMeaning,
  type RuleRow,
  type ServiceKey,
  type SharedPattern,
  type TrendPoint,
} from './model.ts';
import { weeks, type Period } from './period.ts';
import { PRINCIPLES, principleOf, type Principle } from './wcag.ts';

/**
 * A pattern of one service: the same broken component (rule + normalised HTML) wherever it
 * occurs on the service's pages. It is open while any of its occurrences is.
 */
export interface PatternState {
  pattern: string;
  service: ServiceKey;
  ruleId: string;
  impact: Impact;
  occurrences: Occurrence[];
  openAt(t: number): boolean;
  openOccurrencesAt(t: number): number;
  waivedAt(t: number): boolean;
  /** Not open at `t` but not fixed either: occurrences open in the store whose pages are no longer scanned. */
  uncheckedAt(t: number): boolean;
  firstSeen: number;
  seenBefore(t: number): boolean;
  changedIn(from: number, to: number): boolean;
  lastFix(from: number, to: number): number | undefined;
}

/** One occurrence as the report counts it. */
export interface Occurrence extends FindingHistory {
  waived: boolean;
  /**
   * For an occurrence whose page is no longer scanned: the moment up to which it counts as
   * open (just after it was last seen); null while its page is scanned.
   */
  checkedUntil: number | null;
}

/** Open in the store's history: the last event before `t` is not a fix. */
export function occurrenceOpenAt(f: FindingHistory, t: number): boolean {
  let open = false;
  for (const e of f.events) {
    if (e.at >= t) break;
    open = e.type !== 'fixed';
  }
  return open;
}

/** Open as the report counts it: open in the store and its page still scanned at `t`. */
export function occurrenceLiveAt(o: Occurrence, t: number): boolean {
  return occurrenceOpenAt(o, t) && (o.checkedUntil === null || t <= o.checkedUntil);
}

/** Open in the store but no longer counted: its page was not scanned any more. */
export function occurrenceUncheckedAt(o: Occurrence, t: number): boolean {
  return occurrenceOpenAt(o, t) && !occurrenceLiveAt(o, t);
}

/**
 * @param unchecked occurrences (`probeId\0occurrence`) whose pages are no longer scanned:
 *   they count as open only up to just after they were last seen.
 */
export function groupPatterns(
  history: readonly FindingHistory[],
  probes: ReadonlyMap<string, ScopedProbe>,
  waived: ReadonlySet<string>,
  unchecked: ReadonlySet<string> = new Set(),
): Map<string, PatternState> {
  const groups = new Map<string, Occurrence[]>();
  for (const f of history) {
    const probe = probes.get(f.probeId);
    if (!probe || f.events.length === 0) continue;
    const key = `${probe.key}\u0000${f.pattern}`;
    const list = groups.get(key) ?? [];
    const id = `${f.probeId}\u0000${f.occurrence}`;
    list.push({
      ...f,
      waived: waived.has(id),
      checkedUntil: unchecked.has(id) ? f.lastSeen + 1 : null,
    });
    groups.set(key, list);
  }
  const out = new Map<string, PatternState>();
  for (const [key, occurrences] of groups) {
    const first = occurrences[0] as FindingHistory;
    const probe = probes.get(first.probeId) as ScopedProbe;
    const live = occurrences.filter((o) => !o.waived);
    const impact = worstImpact(occurrences.map((o) => asImpact(o.impact)));
    out.set(key, {
      pattern: first.pattern,
      service: { county: probe.county, service: probe.service },
      ruleId: first.ruleId,
      impact,
      occurrences,
      openAt: (t) => live.some((o) => occurrenceLiveAt(o, t)),
      openOccurrencesAt: (t) => live.filter((o) => occurrenceLiveAt(o, t)).length,
      waivedAt: (t) =>
        live.every((o) => !occurrenceLiveAt(o, t)) &&
        occurrences.some((o) => o.waived && occurrenceLiveAt(o, t)),
      uncheckedAt: (t) =>
        occurrences.every((o) => !occurrenceLiveAt(o, t)) &&
        occurrences.some((o) => occurrenceUncheckedAt(o, t)),
      firstSeen: Math.min(...occurrences.map((o) => o.firstSeen)),
      seenBefore: (t) => occurrences.some((o) => (o.events[0]?.at ?? Infinity) < t),
      changedIn: (from, to) =>
        occurrences.some((o) => o.events.some((e) => e.at >= from && e.at < to)),
      lastFix: (from, to) => {
        const fixes = live.flatMap((o) =>
          o.events.filter((e) => e.type === 'fixed' && e.at >= from && e.at < to).map((e) => e.at),
        );
        return fixes.length > 0 ? Math.max(...fixes) : undefined;
      },
    });
  }
  return out;
}

export function openPatternsByService(
  patterns: ReadonlyMap<string, PatternState>,
  at: number,
): Map<string, ByImpact> {
  const out = new Map<string, ByImpact>();
  for (const p of patterns.values()) {
    if (!p.openAt(at)) continue;
    const key = keyOf(p.service);
    const counts = out.get(key) ?? emptyImpacts();
    counts[p.impact]++;
    out.set(key, counts);
  }
  return out;
}

export function countWaived(
  patterns: ReadonlyMap<string, PatternState>,
  key: string,
  at: number,
): number {
  let n = 0;
  for (const p of patterns.values()) if (keyOf(p.service) === key && p.waivedAt(at)) n++;
  return n;
}

export function countByImpact(patterns: readonly PatternState[]): ByImpact {
  const out = emptyImpacts();
  for (const p of patterns) out[p.impact]++;
  return out;
}

export function byPrinciple(
  patterns: readonly PatternState[],
  rules: ReadonlyMap<string, AxeRuleInfo>,
): Record<Principle, number> {
  const out = Object.fromEntries(PRINCIPLES.map((p) => [p, 0])) as Record<Principle, number>;
  for (const p of patterns) {
    for (const principle of principlesOf(p.ruleId, rules)) out[principle]++;
  }
  return out;
}

/** The principles a rule's success criteria belong to; best-practice rules belong to none. */
function principlesOf(ruleId: string, rules: ReadonlyMap<string, AxeRuleInfo>): Principle[] {
  const scs = rules.get(ruleId)?.wcag ?? [];
  return [...new Set(scs.map(principleOf).filter((p): p is Principle => p !== undefined))].sort();
}

export function byClause(
  patterns: readonly PatternState[],
  rules: ReadonlyMap<string, AxeRuleInfo>,
): { clause: string; patterns: number }[] {
  const counts = new Map<string, number>();
  for (const p of patterns) {
    for (const clause of new Set(rules.get(p.ruleId)?.en301549 ?? [])) {
      counts.set(clause, (counts.get(clause) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .map(([clause, n]) => ({ clause, patterns: n }))
    .sort((a, b) => compareClauses(a.clause, b.clause));
}

function compareClauses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export function ruleRows(
  patterns: readonly PatternState[],
  rules: ReadonlyMap<string, AxeRuleInfo>,
  at: number,
): RuleRow[] {
  const byRule = new Map<string, PatternState[]>();
  for (const p of patterns) byRule.set(p.ruleId, [...(byRule.get(p.ruleId) ?? []), p]);
  return [...byRule.entries()]
    .map(([ruleId, list]): RuleRow => {
      const info = rules.get(ruleId);
      const serviceList = [...new Set(list.map((p) => keyOf(p.service)))].sort();
      return {
        ruleId,
        help: info?.help ?? ruleId,
        helpUrl: info?.helpUrl ?? '',
        impact: worstImpact(list.map((p) => p.impact)),
        wcag: info?.wcag ?? [],
        en301549: info?.en301549 ?? [],
        patterns: new Set(list.map((p) => p.pattern)).size,
        occurrences: list.reduce((n, p) => n + p.openOccurrencesAt(at), 0),
        services: serviceList.length,
        serviceList,
      };
    })
    .sort(
      (a, b) =>
        IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) ||
        b.services - a.services ||
        b.occurrences - a.occurrences ||
        a.ruleId.localeCompare(b.ruleId),
    );
}

/** The most severe of some impacts (`critical` first). */
function worstImpact(impacts: readonly Impact[]): Impact {
  return [...impacts].sort(
    (a, b) => IMPACT_ORDER.indexOf(a) - IMPACT_ORDER.indexOf(b),
  )[0] as Impact;
}

export function heatmap(
  services: readonly ServiceKey[],
  patterns: readonly PatternState[],
  rules: ReadonlyMap<string, AxeRuleInfo>,
): HeatmapCell[] {
  const cells: HeatmapCell[] = [];
  for (const s of services) {
    const mine = patterns.filter((p) => keyOf(p.service) === keyOf(s));
    for (const principle of PRINCIPLES) {
      cells.push({
        ...s,
        principle,
        patterns: mine.filter((p) => principlesOf(p.ruleId, rules).includes(principle)).length,
      });
    }
  }
  return cells;
}

/**
 * Weeks up to `asOf` only: a week that has not begun has no figures. `knownSince` is the
 * start of the first week whose open patterns are known (see collect.ts `knownSince`).
 */
export function trend(
  patterns: ReadonlyMap<string, PatternState>,
  period: Period,
  asOf: number = period.to,
  knownSince: number | null = period.from,
): TrendPoint[] {
  const points: TrendPoint[] = [];
  if (knownSince === null) return points;
  for (const week of weeks(period)) {
    if (week.start >= asOf) break;
    // Before the first scan nothing is known: such a week is left out, not counted as 0 open.
    if (week.start < knownSince) continue;
    const at = Math.min(week.end, asOf);
    const counts = emptyImpacts();
    for (const p of patterns.values()) if (p.openAt(at)) counts[p.impact]++;
    for (const impact of IMPACT_ORDER)
      points.push({ week: week.label, impact, open: counts[impact] });
  }
  return points;
}

/**
 * The balance of the period: open at start + new + reopened − fixed − no longer checked =
 * open at end. A pattern that appeared and was fixed inside the period is counted as
 * transient only. `period.to` is the moment of the end (`asOf` for a provisional report).
 */
export function changes(
  patterns: ReadonlyMap<string, PatternState>,
  period: { from: number; to: number },
): Changes {
  const out: Changes = {
    openAtStart: 0,
    new: 0,
    reopened: 0,
    fixed: 0,
    unchecked: 0,
    openAtEnd: 0,
    persisting: 0,
    transient: 0,
    medianDaysToFix: {},
  };
  const fixDays: Record<Impact, number[]> = { critical: [], serious: [], moderate: [], minor: [] };
  for (const p of patterns.values()) {
    const start = p.openAt(period.from);
    const end = p.openAt(period.to);
    const active = p.changedIn(period.from, period.to);
    if (start) out.openAtStart++;
    if (end) out.openAtEnd++;
    const unchecked = !end && p.uncheckedAt(period.to);
    if (start && end) out.persisting++;
    else if (start && unchecked) out.unchecked++;
    else if (start && !end) out.fixed++;
    else if (!start && end) {
      if (p.seenBefore(period.from)) out.reopened++;
      else out.new++;
    } else if (active && p.lastFix(period.from, period.to) !== undefined) out.transient++;
    const fix = !end && !unchecked ? p.lastFix(period.from, period.to) : undefined;
    if (fix !== undefined) fixDays[p.impact].push((fix - p.firstSeen) / DAY);
  }
  for (const impact of IMPACT_ORDER) {
    const days = fixDays[impact].sort((a, b) => a - b);
    if (days.length === 0) continue;
    const mid = Math.floor(days.length / 2);
    const median =
      days.length % 2
        ? (days[mid] as number)
        : ((days[mid - 1] as number) + (days[mid] as number)) / 2;
    out.medianDaysToFix[impact] = Math.round(median * 10) / 10;
  }
  return out;
}

export function oldestOpen(
  patterns: readonly PatternState[],
  at: number,
): Omit<OpenCritical, keyof RuleMeaning>[] {
  return patterns
    .filter((p) => severe(p.impact))
    .map((p): Omit<OpenCritical, keyof RuleMeaning> => {
      const open = p.occurrences
        .filter((o) => !o.waived && occurrenceLiveAt(o, at))
        .sort((a, b) => a.firstSeen - b.firstSeen)[0] as FindingHistory;
      return {
        ...p.service,
        pattern: p.pattern,
        ruleId: p.ruleId,
        impact: p.impact,
        page: open.page,
        firstSeen: p.firstSeen,
        ageDays: Math.floor((at - p.firstSeen) / DAY),
      };
    })
    .sort((a, b) => b.ageDays - a.ageDays || a.pattern.localeCompare(b.pattern))
    .slice(0, 10);
}

/** Patterns open on two services or more: one fix in the shared component clears them all. */
/** The HTML of each pattern's component, from the first scan that shows it. */
export function patternHtml(results: Iterable<Result>): Map<string, string> {
  const html = new Map<string, string>();
  for (const [, report] of a11yReports(results)) {
    for (const page of report.pages) {
      for (const v of page.violations)
        for (const n of v.nodes) if (!html.has(n.pattern)) html.set(n.pattern, n.html);
    }
  }
  return html;
}

export function shared(
  patterns: readonly PatternState[],
  results: Iterable<Result>,
  at: number,
): Omit<SharedPattern, keyof RuleMeaning>[] {
  const html = patternHtml(results);
  const byPattern = new Map<string, PatternState[]>();
  for (const p of patterns) byPattern.set(p.pattern, [...(byPattern.get(p.pattern) ?? []), p]);
  return [...byPattern.entries()]
    .map(([pattern, list]): Omit<SharedPattern, keyof RuleMeaning> => {
      const serviceList = [...new Set(list.map((p) => keyOf(p.service)))].sort();
      return {
        pattern,
        ruleId: (list[0] as PatternState).ruleId,
        impact: worstImpact(list.map((p) => p.impact)),
        services: serviceList.length,
        occurrences: list.reduce((n, p) => n + p.openOccurrencesAt(at), 0),
        html: html.get(pattern) ?? '',
        serviceList,
      };
    })
    .filter((s) => s.services >= 2)
    .sort((a, b) => b.occurrences - a.occurrences || a.pattern.localeCompare(b.pattern));
}

/** Every finding that was open at some moment of the period, with its state at the end. */
export function appendix(
  patterns: ReadonlyMap<string, PatternState>,
  period: { from: number; to: number },
): Omit<AppendixRow, keyof RuleMeaning>[] {
  const rows: Omit<AppendixRow, keyof RuleMeaning>[] = [];
  for (const p of patterns.values()) {
    for (const o of p.occurrences) {
      const relevant =
        occurrenceOpenAt(o, period.from) ||
        o.events.some((e) => e.at >= period.from && e.at < period.to);
      if (!relevant) continue;
      const open = occurrenceOpenAt(o, period.to);
      const unchecked = occurrenceUncheckedAt(o, period.to);
      const lastFix = o.events.filter((e) => e.type === 'fixed').at(-1)?.at ?? null;
      rows.push({
        ...p.service,
        probeId: o.probeId,
        ruleId: o.ruleId,
        impact: asImpact(o.impact),
        page: o.page,
        selector: o.selector,
        pattern: o.pattern,
        occurrence: o.occurrence,
        state: !open ? 'fixed' : unchecked ? 'unchecked' : o.waived ? 'waived' : 'open',
        firstSeen: o.firstSeen,
        fixedAt: open ? null : lastFix,
        reopened: o.events.filter((e) => e.type === 'reopened').length,
      });
    }
  }
  return rows.sort(
    (a, b) =>
      keyOf(a).localeCompare(keyOf(b)) ||
      IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.occurrence.localeCompare(b.occurrence),
  );
}
