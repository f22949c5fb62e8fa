/**
 * The report's "Empfehlungen & Maßnahmen" (DOMAIN B3.1 §10): every open pattern as one
 * measure, with who answers for it and by when, ranked by impact × reach × age. It is the
 * input for the public body's "Maßnahmen- und Zeitpläne", so every figure is one an officer
 * can check against the other tables of the report.
 */
import { DAY, keyOf, type ScopedProbe } from './common.ts';
import type { Deadlines } from './deadlines.ts';
import { NO_LEVEL, sortLevels } from './levels.ts';
import type { Impact, Measure, RuleMeaning } from './model.ts';
import { occurrenceLiveAt, type PatternState } from './patterns.ts';
import { berlinDate } from './period.ts';

/** How much more a measure of each impact weighs: critical locks people out, minor hinders. */
export const IMPACT_WEIGHT: Readonly<Record<Impact, number>> = {
  critical: 4,
  serious: 3,
  moderate: 2,
  minor: 1,
};

/** Age counts in quarters: a pattern open for a quarter weighs twice a new one. */
const AGE_UNIT_DAYS = 90;

export interface MeasureInput {
  /** Patterns open at `asOf` (per service). */
  open: readonly PatternState[];
  /** The probes in scope, by id (for owners). */
  probes: ReadonlyMap<string, ScopedProbe>;
  deadlines: Deadlines;
  asOf: number;
  meaning: (ruleId: string) => RuleMeaning;
  /** The component's HTML as the scans recorded it, by pattern (`patternHtml`). */
  html: ReadonlyMap<string, string>;
}

export function measures(input: MeasureInput): Measure[] {
  const { asOf } = input;
  // Due dates are days: a measure due on the period's last day is not overdue in it.
  const lastDay = dayNumber(asOf - 1);
  // One measure per broken component: a pattern open on several services is one fix.
  const byPattern = new Map<string, PatternState[]>();
  for (const p of input.open) byPattern.set(p.pattern, [...(byPattern.get(p.pattern) ?? []), p]);
  const rows = [...byPattern.entries()].map(([pattern, list]): Omit<Measure, 'rank'> => {
    const impact = worst(list.map((p) => p.impact));
    const serviceList = [...new Set(list.map((p) => keyOf(p.service)))].sort();
    const occurrences = list.reduce((n, p) => n + p.openOccurrencesAt(asOf), 0);
    const firstSeen = Math.min(...list.map((p) => p.firstSeen));
    const ageDays = Math.max(0, Math.floor((asOf - firstSeen) / DAY));
    const due = firstSeen + input.deadlines[impact];
    const first = list[0] as PatternState;
    const owned = ownersOf(list, input.probes, asOf);
    return {
      pattern,
      ruleId: first.ruleId,
      ...input.meaning(first.ruleId),
      impact,
      serviceList,
      adminLevels: levelsOf(serviceList, input.probes),
      occurrences,
      // Where to fix it: the pages its open occurrences are on, and the component.
      pages: [
        ...new Set(
          list.flatMap((p) =>
            p.occurrences.filter((o) => !o.waived && occurrenceLiveAt(o, asOf)).map((o) => o.page),
          ),
        ),
      ].sort(),
      html: input.html.get(pattern) ?? '',
      firstSeen,
      ageDays,
      priority:
        Math.round(
          IMPACT_WEIGHT[impact] *
            (serviceList.length + occurrences) *
            (1 + ageDays / AGE_UNIT_DAYS) *
            10,
        ) / 10,
      owners: owned.owners,
      servicesWithoutOwner: owned.without,
      due,
      daysOverdue: Math.max(0, lastDay - dayNumber(due)),
      overdue: dayNumber(due) < lastDay,
    };
  });
  return rows
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        IMPACT_WEIGHT[b.impact] - IMPACT_WEIGHT[a.impact] ||
        a.firstSeen - b.firstSeen ||
        a.pattern.localeCompare(b.pattern),
    )
    .map((row, i) => ({ rank: i + 1, ...row }));
}

/**
 * Who answers for a measure: per service, the owners of the probes whose scans found its
 * open occurrences; a service whose finding probes name none falls back to the owners of its
 * other probes (an HTTP probe owned by the web team, say). A shared component has the owners
 * of every service it is open on, and names the services for which nobody is entered: the
 * owners of the others would otherwise read as answering for all of them.
 */
function ownersOf(
  list: readonly PatternState[],
  probes: ReadonlyMap<string, ScopedProbe>,
  asOf: number,
): { owners: string[]; without: string[] } {
  const owners = new Set<string>();
  const without = new Set<string>();
  for (const p of list) {
    const finders = new Set(
      p.occurrences.filter((o) => !o.waived && occurrenceLiveAt(o, asOf)).map((o) => o.probeId),
    );
    const named = (ids: Iterable<string>): string[] =>
      [...ids].map((id) => probes.get(id)?.owner).filter((o): o is string => !!o);
    let found = named(finders);
    if (found.length === 0) {
      const key = keyOf(p.service);
      found = named([...probes.values()].filter((x) => x.key === key).map((x) => x.probeId));
    }
    for (const o of found) owners.add(o);
    if (found.length === 0) without.add(keyOf(p.service));
  }
  return {
    owners: [...owners].sort((a, b) => a.localeCompare(b)),
    without: [...without].sort(),
  };
}

/**
 * The levels of the services concerned; a service whose probes name none adds `none`, unless
 * no service names one (then the list is empty: "nicht angegeben").
 */
function levelsOf(services: readonly string[], probes: ReadonlyMap<string, ScopedProbe>): string[] {
  const levels = services.map(
    (key) =>
      [...probes.values()].find((p) => p.key === key && p.adminLevel)?.adminLevel ?? NO_LEVEL,
  );
  return levels.every((l) => l === NO_LEVEL) ? [] : sortLevels(levels);
}

/** The Berlin calendar day of a moment, as a count of days: differences are whole days. */
function dayNumber(t: number): number {
  const [y, m, d] = berlinDate(t).split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY;
}

function worst(impacts: readonly Impact[]): Impact {
  return impacts.reduce((a, b) => (IMPACT_WEIGHT[b] > IMPACT_WEIGHT[a] ? b : a));
}
