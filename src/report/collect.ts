/**
 * Builds the report's model from the store alone: the probe catalogue, run counts, the
 * history of findings and the last result of each probe in the period. Nothing here reads
 * the probe files, and the clock only to tell whether the period has ended (`now`), so a
 * past quarter can be reported at any time and the same store gives the same model.
 */
import { createHash } from 'node:crypto';
import { axeRules, en301549Clauses, type AxeRuleInfo } from '../checkers/a11y/axe.ts';
import { failedClauses } from '../checkers/a11y/pdf-ua-checks.ts';
import type { Result } from '../results/result.ts';
import type { Store } from '../store/store.ts';
import { VERSION } from '../version.ts';
import {
  IMPACT_ORDER,
  type BitvRow,
  type ByImpact,
  type DocumentRow,
  type JourneyRow,
  type Kpi,
  type MediaBreakRow,
  type ReportModel,
  type ReviewRow,
  type RuleMeaning,
  type Scope,
  type ServiceKey,
  type ServiceSummary,
  type WaiverRow,
} from './model.ts';
import type { FindingHistory } from '../store/store.ts';
import {
  a11yReports,
  accessibleDocument,
  asImpact,
  countableDocument,
  DAY,
  emptyImpacts,
  keyOf,
  partialDocument,
  type ScopedProbe,
  severe,
} from './common.ts';
import {
  appendix,
  byClause,
  byPrinciple,
  changes,
  countByImpact,
  countWaived,
  groupPatterns,
  heatmap,
  occurrenceOpenAt,
  oldestOpen,
  openPatternsByService,
  patternHtml,
  ruleRows,
  shared,
  trend,
} from './patterns.ts';
import { previousPeriod, weeks, type Period } from './period.ts';
import { coverageMatrix } from './wcag.ts';
import { DEFAULT_DEADLINES, type Deadlines } from './deadlines.ts';
import { byLevel } from './levels.ts';
import { measures } from './measures.ts';

/** Kinds whose runs say whether the service works; scans fail for findings, not outages. */
export const AVAILABILITY_KINDS: ReadonlySet<string> = new Set(['http', 'browser']);
/** Kinds whose results carry axe findings. */
const A11Y_KINDS = new Set(['a11y', 'browser']);
/** The signals of the BITV matrix, in the order of the report. */
export const BITV_SIGNALS = [
  'statement_link',
  'statement_every_page',
  'statement_reachable',
  'statement_contents',
  'statement_current',
  'feedback',
  'schlichtung',
  'leichte_sprache',
  'dgs',
  'lang_matches',
] as const;

/**
 * What a result must carry to say something about the service, by kind: a run that could
 * not load the start page fails without it and keeps the last one that did in the report.
 */
const CHECKED: Readonly<Record<string, (r: Result) => boolean>> = {
  bitv: (r) => r.bitv !== undefined,
  'media-breaks': (r) => r.mediaBreaks !== undefined,
  a11y: (r) => r.a11y?.pages.some((p) => p.error === undefined) ?? false,
};

/**
 * An open finding whose page its probe has not scanned for this long before the probe's last
 * run in the period is "no longer checked": longer than a weekly probe's interval, so one
 * page that fails to load once does not drop its findings.
 */
export const UNCHECKED_AFTER_MS = 7 * DAY;

export interface CollectOptions {
  period: Period;
  scope?: Scope;
  /**
   * How long after first seen a measure is due, by impact (`reports.deadlines`).
   * @default DEFAULT_DEADLINES
   */
  deadlines?: Deadlines;
  /**
   * The time the report is made (epoch ms), only to tell an unfinished period: its figures
   * are then those of just after the newest run, and the report is provisional.
   * @default Date.now()
   */
  now?: number;
}

export async function collectReport(store: Store, options: CollectOptions): Promise<ReportModel> {
  const period = options.period;
  const previous = previousPeriod(period);
  const scope = options.scope ?? {};
  const catalogue = (await store.probeCatalogue())
    .filter((p) => scope.county === undefined || p.county === scope.county)
    .filter((p) => scope.service === undefined || p.service === scope.service)
    .map((p): ScopedProbe => ({ ...p, key: keyOf(p) }));
  const ids = catalogue.map((p) => p.probeId);

  // Which probes ran in each period: a service is "monitored" in a period it was checked in.
  const [runsNow, runsBefore] = await Promise.all([
    store.availability({ probeIds: ids, from: period.from, to: period.to }),
    store.availability({ probeIds: ids, from: previous.from, to: previous.to }),
  ]);
  const ranNow = new Set(runsNow.filter((r) => r.runs + r.maintenance > 0).map((r) => r.probeId));
  const ranBefore = new Set(
    runsBefore.filter((r) => r.runs + r.maintenance > 0).map((r) => r.probeId),
  );
  const probes = catalogue.filter((p) => ranNow.has(p.probeId));
  const probesBefore = catalogue.filter((p) => ranBefore.has(p.probeId));
  const byId = new Map(catalogue.map((p) => [p.probeId, p]));

  const last = await lastResults(store, probes, period);
  const checkedNow = await lastChecked(store, probes, period, last);
  const checkedBefore = await lastChecked(
    store,
    probesBefore,
    previous,
    await lastResults(store, probesBefore, previous),
  );
  const until = await dataUntil(store, probes, period);
  // An unfinished period is reported as of its newest run, not as of its end.
  const provisional = (options.now ?? Date.now()) < period.to;
  const asOf = provisional
    ? Math.min(period.to, Math.max(period.from, (until ?? period.from) + 1))
    : period.to;
  const scanned = probes.filter((p) => A11Y_KINDS.has(p.kind));
  const history = await store.findingHistory(
    scanned.map((p) => p.probeId),
    asOf,
  );

  // The newest scan of each probe that loaded a page: one whose pages all failed knows
  // nothing of rules, waivers or review items.
  const scans = new Map(last);
  for (const [id, c] of checkedNow) if (c.result) scans.set(id, c.result);
  const rules = ruleCatalogue(scans.values());
  // One waiver set for every moment of the report: the waivers the last scan in the period
  // applied. The previous period's figures are recomputed from the same history with them.
  const waived = waivedOccurrences(scans.values());
  const patterns = groupPatterns(history, byId, waived, uncheckedOccurrences(history, last, asOf));
  // Wherever a finding is named, what its rule asks and the criteria it tests go with it.
  const withMeaning = <T extends { ruleId: string }>(row: T): T & RuleMeaning => {
    const rule = rules.get(row.ruleId);
    return { ...row, help: rule?.help ?? row.ruleId, wcag: rule?.wcag ?? [] };
  };

  const serviceKeys = uniqueServices(probes);
  const scannedNow = scannedServices(probes, checkedNow);
  const scannedBefore = scannedServices(probesBefore, checkedBefore);
  const span = await runSpans(store, probes, period);
  const openNow = openPatternsByService(patterns, asOf);
  // The end of the previous period is the start of this one.
  const openBefore = openPatternsByService(patterns, period.from);

  const availability = availabilityByService(probes, runsNow);
  const availabilityBefore = availabilityByService(probesBefore, runsBefore);
  const bitv = bitvRows(serviceKeys, probes, checkedNow);
  const bitvBefore = bitvRows(uniqueServices(probesBefore), probesBefore, checkedBefore);
  const documents = documentRows(probes, checkedNow);
  const documentsBefore = documentRows(probesBefore, checkedBefore);
  const mediaBreaks = await mediaBreakRows(store, probes, checkedNow, checkedBefore, period);

  const services: ServiceSummary[] = serviceKeys.map((s) => {
    const key = keyOf(s);
    const inService = probes.filter((p) => p.key === key);
    const b = bitv.find((row) => keyOf(row) === key);
    const checked = b ? BITV_SIGNALS.filter((n) => b.signals[n] !== null) : [];
    const docs = documents.filter((d) => keyOf(d) === key);
    const countable = docs.filter(countableDocument);
    const mb = mediaBreaks.filter((m) => keyOf(m) === key && m.level !== null);
    const firstAgs = inService.find((p) => p.ags)?.ags;
    const adminLevel = inService.find((p) => p.adminLevel)?.adminLevel;
    const owners = [...new Set(inService.flatMap((p) => (p.owner ? [p.owner] : [])))].sort((a, b) =>
      a.localeCompare(b),
    );
    const wasScanned = scannedNow.has(key);
    const spans = inService.map((p) => span.get(p.probeId)).filter((x) => x !== undefined);
    const firstRun = Math.min(...spans.map((x) => x.first));
    const lastRun = Math.max(...spans.map((x) => x.last));
    return {
      ...s,
      ...(firstAgs ? { ags: firstAgs } : {}),
      ...(adminLevel ? { adminLevel } : {}),
      owners,
      probes: inService.length,
      firstRun,
      lastRun,
      wholePeriod:
        firstRun < period.from + PART_OF_PERIOD_MS && lastRun >= asOf - PART_OF_PERIOD_MS,
      scan: wasScanned ? 'scanned' : inService.some((p) => p.kind === 'a11y') ? 'failed' : 'none',
      availability: availability.get(key)?.availability ?? null,
      openPatterns: wasScanned ? (openNow.get(key) ?? emptyImpacts()) : null,
      openPatternsBefore:
        wasScanned && scannedBefore.has(key) ? sum(openBefore.get(key) ?? emptyImpacts()) : null,
      waived: wasScanned ? countWaived(patterns, key, asOf) : null,
      bitvPassed: checked.length > 0 && b ? checked.filter((n) => b.signals[n] === 1).length : null,
      bitvChecked: checked.length > 0 ? checked.length : null,
      documentsAccessible: countable.filter(accessibleDocument).length,
      documentsTagged: countable.filter(partialDocument).length,
      documentsChecked: countable.length,
      maturity: mb.length > 0 ? Math.min(...mb.map((m) => m.level as number)) : null,
      endToEndDigital: mb.length > 0 ? mb.every((m) => m.endToEndDigital === true) : null,
    };
  });

  // A period without a scan knows no open patterns: its figures are null, not 0.
  const anyScan = scannedNow.size > 0;
  const scanKnownSince = await knownSince(
    store,
    scanned.map((p) => p.probeId),
    period,
    asOf,
  );
  const openAtEnd = [...patterns.values()].filter((p) => p.openAt(asOf));
  const balance = changes(patterns, { from: period.from, to: asOf });
  const versions = versionsOf(scans.values());
  // The rules the recorded profiles select; without a recorded profile, every one ozgwatch knows.
  const coverage = coverageMatrix(versions.profiles.length > 0 ? versions.profiles : undefined);
  const deadlines = { ...(options.deadlines ?? DEFAULT_DEADLINES) };
  const model: Omit<ReportModel, 'dataHash'> = {
    period,
    previous,
    scope,
    versions,
    dataUntil: until,
    provisional,
    asOf,
    deadlines,
    kpis: kpis({
      services,
      servicesBefore: uniqueServices(probesBefore).length,
      openBefore: [...openBefore.entries()]
        .filter(([key]) => scannedBefore.has(key))
        .map(([, v]) => v),
      openAtStart: balance.openAtStart,
      openAtEnd: openAtEnd.length,
      hadBefore: probesBefore.length > 0,
      scannedNow: anyScan,
      scannedBefore: scannedBefore.size > 0,
      bitv,
      bitvBefore,
      documents,
      documentsBefore,
      availability: [...availability.values()],
      availabilityBefore: [...availabilityBefore.values()],
      mediaBreaks,
    }),
    services,
    servicesDropped: await droppedServices(store, probesBefore, serviceKeys, previous),
    coverage,
    bitv,
    byImpact: anyScan ? countByImpact(openAtEnd) : null,
    byPrinciple: anyScan ? byPrinciple(openAtEnd, rules) : null,
    byClause: byClause(openAtEnd, rules),
    topRules: ruleRows(openAtEnd, rules, asOf).slice(0, 20),
    heatmap: heatmap(
      serviceKeys.filter((s) => scannedNow.has(keyOf(s))),
      openAtEnd,
      rules,
    ),
    trend: trend(patterns, period, asOf, anyScan ? scanKnownSince : null),
    changes: anyScan ? balance : null,
    oldestOpen: oldestOpen(openAtEnd, asOf).map(withMeaning),
    shared: shared(openAtEnd, scans.values(), asOf).map(withMeaning),
    measures: measures({
      open: openAtEnd,
      probes: new Map(probes.map((p) => [p.probeId, p])),
      deadlines,
      asOf,
      html: patternHtml(scans.values()),
      meaning: (ruleId) => {
        const { help, wcag } = withMeaning({ ruleId });
        return { help, wcag };
      },
    }),
    byLevel: byLevel(services),
    journeys: journeyRows(probes, last),
    documents,
    review: reviewRows(probes, scans),
    waivers: waiverRows(probes, scans),
    mediaBreaks,
    availability: serviceKeys.map((s) => {
      const a = availability.get(keyOf(s));
      return {
        ...s,
        runs: a?.runs ?? 0,
        ok: a?.ok ?? 0,
        errors: a?.errors ?? 0,
        maintenance: a?.maintenance ?? 0,
        availability: a?.availability ?? null,
      };
    }),
    availabilityWeekly: await weeklyAvailability(store, serviceKeys, probes, period, asOf),
    appendix: appendix(patterns, { from: period.from, to: asOf }).map(withMeaning),
    dataQuality: {
      pagesNotScanned: [...last.values()].reduce(
        (n, r) => n + (r.a11y?.pages.filter((p) => p.error !== undefined).length ?? 0),
        0,
      ),
      errorRuns: runsNow.reduce((n, r) => n + r.errors, 0),
      blockedRequests: [...last.values()].reduce((n, r) => n + (r.blockedRequests?.length ?? 0), 0),
    },
  };
  return { ...model, dataHash: dataHash(model) };
}

/** The hash covers the data, not the build that rendered it: `versions.ozgwatch` and the installed axe-core's coverage matrix stay out. */
function dataHash(model: Omit<ReportModel, 'dataHash'>): string {
  const { coverage: _coverage, versions, ...data } = model;
  const { ozgwatch: _ozgwatch, ...dataVersions } = versions;
  return createHash('sha256')
    .update(JSON.stringify({ ...data, versions: dataVersions }))
    .digest('hex');
}

/**
 * The moment from which the open patterns of `probeIds` are known: the period's start when
 * one of them scanned before it (its findings carry over into the period), else the start
 * of the first week of the period in which one scanned; null when none scanned by `asOf`.
 * A run that ended in `error` or in a maintenance window scanned nothing.
 */
async function knownSince(
  store: Store,
  probeIds: readonly string[],
  period: Period,
  asOf: number,
): Promise<number | null> {
  if (probeIds.length === 0) return null;
  const scannedIn = async (from: number, to: number): Promise<boolean> =>
    (await store.availability({ probeIds, from, to })).some((r) => r.runs - r.errors > 0);
  if (await scannedIn(0, period.from)) return period.from;
  for (const week of weeks(period)) {
    if (week.start >= asOf) break;
    if (await scannedIn(week.start, Math.min(week.end, asOf))) return week.start;
  }
  return null;
}

async function lastResults(
  store: Store,
  probes: readonly ScopedProbe[],
  period: Period,
): Promise<Map<string, Result>> {
  const out = new Map<string, Result>();
  for (const p of probes) {
    // HTTP results carry nothing the report reads beyond their counts.
    if (p.kind === 'http') continue;
    const r = await store.lastResult(p.probeId, period.to, period.from);
    if (r) out.set(p.probeId, r);
  }
  return out;
}

/** The newest result of a probe that reached the service, and when it was last not reached after it. */
interface Checked {
  result: Result | undefined;
  notReachedAt: number | null;
}

/**
 * Per probe of a kind in `CHECKED`: the newest result in the period that carries what the
 * kind checks, and the start of the newest run after it that did not (start page not
 * loaded). A probe with runs but none that checked keeps a row with `result` undefined.
 */
async function lastChecked(
  store: Store,
  probes: readonly ScopedProbe[],
  period: Period,
  last: ReadonlyMap<string, Result>,
): Promise<Map<string, Checked>> {
  const out = new Map<string, Checked>();
  const PAGE = 50;
  for (const p of probes) {
    const checks = CHECKED[p.kind];
    if (!checks) continue;
    const newest = last.get(p.probeId);
    if (!newest) continue;
    if (checks(newest)) {
      out.set(p.probeId, { result: newest, notReachedAt: null });
      continue;
    }
    let found: Checked = { result: undefined, notReachedAt: newest.startedAt };
    // Newest first, a page at a time: usually the run before the outage carries the block.
    for (let to = newest.startedAt; found.result === undefined;) {
      const runs = await store.runs({ probeId: p.probeId, from: period.from, to, limit: PAGE });
      for (const run of runs) {
        if (run.status === 'error' || run.maintenance) continue;
        const r = await store.run(run.runId);
        if (r && checks(r)) {
          found = { ...found, result: r };
          break;
        }
      }
      const oldest = runs.at(-1);
      if (runs.length < PAGE || !oldest) break;
      to = oldest.startedAt;
    }
    out.set(p.probeId, found);
  }
  return out;
}

/**
 * Occurrences open at `asOf` whose page their probe has not scanned for `UNCHECKED_AFTER_MS`
 * before its last run in the period: a scan of the page would have seen them (last seen) or
 * fixed them. Without a run of the probe in the period nothing is said.
 */
function uncheckedOccurrences(
  history: readonly FindingHistory[],
  last: ReadonlyMap<string, Result>,
  asOf: number,
): Set<string> {
  const out = new Set<string>();
  for (const f of history) {
    const lastRun = last.get(f.probeId)?.startedAt;
    if (lastRun === undefined || !occurrenceOpenAt(f, asOf)) continue;
    if (f.lastSeen < lastRun - UNCHECKED_AFTER_MS) out.add(`${f.probeId}\u0000${f.occurrence}`);
  }
  return out;
}

/**
 * Services an accessibility scan looked at in the period: a journey that ran, or an `a11y`
 * probe with a run that loaded a page (`checked`). An `a11y` probe whose every run errored
 * or failed to load its pages saw no barrier, which says nothing about the service.
 */
function scannedServices(
  probes: readonly ScopedProbe[],
  checked: ReadonlyMap<string, Checked>,
): Set<string> {
  return new Set(
    probes
      .filter((p) =>
        p.kind === 'a11y' ? checked.get(p.probeId)?.result !== undefined : A11Y_KINDS.has(p.kind),
      )
      .map((p) => p.key),
  );
}

/**
 * A service whose first run came this long after the period's start, or whose last run
 * this long before its end, was watched for part of it only. A week: a weekly probe's
 * runs do not make a service look partial.
 */
export const PART_OF_PERIOD_MS = 7 * DAY;

/** First and last run (epoch ms) of each probe that ran in the period, maintenance included. */
async function runSpans(
  store: Store,
  probes: readonly ScopedProbe[],
  period: Period,
): Promise<Map<string, { first: number; last: number }>> {
  const out = new Map<string, { first: number; last: number }>();
  if (probes.length === 0) return out;
  // Days first, then the runs of the first day with any: a quarter of minutely runs is
  // never read whole.
  const days = await store.availability({
    probeIds: probes.map((p) => p.probeId),
    from: period.from,
    to: period.to,
    bucketMs: DAY,
  });
  const firstDay = new Map<string, number>();
  for (const row of days) {
    if (row.runs + row.maintenance === 0) continue;
    firstDay.set(row.probeId, Math.min(firstDay.get(row.probeId) ?? Infinity, row.bucket));
  }
  for (const p of probes) {
    const bucket = firstDay.get(p.probeId);
    if (bucket === undefined) continue;
    const [newest] = await store.runs({
      probeId: p.probeId,
      from: period.from,
      to: period.to,
      limit: 1,
    });
    const start = period.from + bucket * DAY;
    const ofDay = await store.runs({
      probeId: p.probeId,
      from: start,
      to: Math.min(period.to, start + DAY),
      limit: 24 * 60 * 2,
    });
    const oldest = ofDay.at(-1);
    if (newest && oldest) out.set(p.probeId, { first: oldest.startedAt, last: newest.startedAt });
  }
  return out;
}

/** Services that ran in the previous period and not in this one, with their last run then. */
async function droppedServices(
  store: Store,
  probesBefore: readonly ScopedProbe[],
  now: readonly ServiceKey[],
  previous: Period,
): Promise<ReportModel['servicesDropped']> {
  const still = new Set(now.map(keyOf));
  const gone = probesBefore.filter((p) => !still.has(p.key));
  const out = new Map<string, ReportModel['servicesDropped'][number]>();
  for (const p of gone) {
    const [run] = await store.runs({
      probeId: p.probeId,
      from: previous.from,
      to: previous.to,
      limit: 1,
    });
    if (!run) continue;
    const row = out.get(p.key);
    if (!row || row.lastRun < run.startedAt) {
      out.set(p.key, { county: p.county, service: p.service, lastRun: run.startedAt });
    }
  }
  return [...out.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

async function dataUntil(
  store: Store,
  probes: readonly ScopedProbe[],
  period: Period,
): Promise<number | null> {
  let newest: number | null = null;
  for (const p of probes) {
    const [run] = await store.runs({
      probeId: p.probeId,
      from: period.from,
      to: period.to,
      limit: 1,
    });
    if (run && (newest === null || run.startedAt > newest)) newest = run.startedAt;
  }
  return newest;
}

function uniqueServices(probes: readonly ScopedProbe[]): ServiceKey[] {
  const seen = new Map<string, ServiceKey>();
  for (const p of probes) seen.set(p.key, { county: p.county, service: p.service });
  return [...seen.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function sum(byImpact: ByImpact): number {
  return IMPACT_ORDER.reduce((n, i) => n + byImpact[i], 0);
}

/** Rule descriptions: from the stored results where they exist, else from the installed axe-core. */
function ruleCatalogue(results: Iterable<Result>): Map<string, AxeRuleInfo> {
  const rules = new Map(axeRules());
  for (const r of results) {
    for (const page of r.a11y?.pages ?? []) {
      for (const f of [...page.violations, ...page.incomplete]) {
        if (!rules.has(f.ruleId) || !rules.get(f.ruleId)?.wcag.length) {
          rules.set(f.ruleId, {
            ruleId: f.ruleId,
            help: f.help,
            helpUrl: f.helpUrl,
            tags: f.tags,
            wcag: f.wcag,
            // Recomputed: results stored before the fix listed the tag EN-301-549 as a clause.
            en301549: en301549Clauses(f.tags),
          });
        }
      }
    }
  }
  return rules;
}

/** Occurrences the last scan marked as accepted by a waiver, per probe. */
function waivedOccurrences(results: Iterable<Result>): Set<string> {
  const out = new Set<string>();
  for (const [r, report] of a11yReports(results)) {
    for (const page of report.pages) {
      for (const v of page.violations) {
        for (const n of v.nodes) if (n.waived) out.add(`${r.probeId}\u0000${n.occurrence}`);
      }
    }
  }
  return out;
}

interface Availability {
  runs: number;
  ok: number;
  errors: number;
  maintenance: number;
  availability: number | null;
}

function availabilityByService(
  probes: readonly ScopedProbe[],
  rows: readonly {
    probeId: string;
    runs: number;
    ok: number;
    errors: number;
    maintenance: number;
  }[],
): Map<string, Availability> {
  const kindOf = new Map(probes.map((p) => [p.probeId, p]));
  const out = new Map<string, Availability>();
  for (const row of rows) {
    const probe = kindOf.get(row.probeId);
    if (!probe || !AVAILABILITY_KINDS.has(probe.kind)) continue;
    const a = out.get(probe.key) ?? {
      runs: 0,
      ok: 0,
      errors: 0,
      maintenance: 0,
      availability: null,
    };
    a.runs += row.runs;
    a.ok += row.ok;
    a.errors += row.errors;
    a.maintenance += row.maintenance;
    out.set(probe.key, a);
  }
  for (const a of out.values()) {
    const counted = a.runs - a.errors;
    a.availability = counted > 0 ? a.ok / counted : null;
  }
  return out;
}

/**
 * Availability per week of the report (Berlin-midnight boundaries, as `weeks`): fixed
 * 7 × 24 h buckets would drift by an hour after a change of summer time. Weeks that have not
 * begun at `asOf` have no row.
 */
async function weeklyAvailability(
  store: Store,
  services: readonly ServiceKey[],
  probes: readonly ScopedProbe[],
  period: Period,
  asOf: number,
): Promise<ReportModel['availabilityWeekly']> {
  const counted = probes.filter((p) => AVAILABILITY_KINDS.has(p.kind));
  const keyOfProbe = new Map(counted.map((p) => [p.probeId, p.key]));
  const out: ReportModel['availabilityWeekly'] = [];
  const acc = new Map<string, { ok: number; counted: number }>();
  const labels: string[] = [];
  for (const week of weeks(period)) {
    if (week.start >= asOf) break;
    labels.push(week.label);
    const rows = await store.availability({
      probeIds: counted.map((p) => p.probeId),
      from: week.start,
      to: week.end,
    });
    for (const row of rows) {
      const key = keyOfProbe.get(row.probeId);
      if (key === undefined) continue;
      const slot = `${key}\u0000${week.label}`;
      const a = acc.get(slot) ?? { ok: 0, counted: 0 };
      a.ok += row.ok;
      a.counted += row.runs - row.errors;
      acc.set(slot, a);
    }
  }
  for (const s of services) {
    for (const week of labels) {
      const a = acc.get(`${keyOf(s)}\u0000${week}`);
      if (!a) continue;
      out.push({ week, ...s, availability: a.counted > 0 ? a.ok / a.counted : null });
    }
  }
  return out;
}

/**
 * One row per service with a `bitv` probe that ran in the period: the signals of the newest
 * run that reached the site, and when it was last not reached after that. A service whose
 * start page failed at the last check keeps its row (and its place in the KPI).
 */
function bitvRows(
  services: readonly ServiceKey[],
  probes: readonly ScopedProbe[],
  checked: ReadonlyMap<string, Checked>,
): BitvRow[] {
  const rows: BitvRow[] = [];
  for (const s of services) {
    const mine = probes
      .filter((p) => p.key === keyOf(s) && p.kind === 'bitv')
      .map((p) => checked.get(p.probeId) ?? { result: undefined, notReachedAt: null });
    if (mine.length === 0) continue;
    const newest = mine
      .map((c) => c.result)
      .filter((r): r is Result => r?.bitv !== undefined)
      .sort((a, b) => b.startedAt - a.startedAt)[0];
    const outages = mine
      .map((c) => c.notReachedAt)
      .filter((at): at is number => at !== null && at > (newest?.startedAt ?? -Infinity));
    const signals = Object.fromEntries(
      BITV_SIGNALS.map((n) => [n, newest?.bitv?.signals[n]?.value ?? null]),
    ) as BitvRow['signals'];
    rows.push({
      ...s,
      signals,
      statementAgeDays: newest?.bitv?.statementAgeDays ?? null,
      checkedAt: newest?.startedAt ?? null,
      notReachedAt: outages.length > 0 ? Math.max(...outages) : null,
    });
  }
  return rows;
}

/** The documents of each `a11y` probe's newest scan in the period that loaded a page. */
function documentRows(
  probes: readonly ScopedProbe[],
  checked: ReadonlyMap<string, Checked>,
): DocumentRow[] {
  const seen = new Map<string, DocumentRow>();
  for (const p of probes) {
    for (const d of checked.get(p.probeId)?.result?.a11y?.documents ?? []) {
      const key = `${p.key}\u0000${d.url}`;
      if (seen.has(key)) continue;
      seen.set(key, {
        county: p.county,
        service: p.service,
        url: d.url,
        format: d.format ?? 'pdf',
        class: d.class,
        tagged: d.tagged,
        pdfua: d.pdfuaPart !== undefined,
        pdfuaFailed: d.pdfuaProblems ? failedClauses(d.pdfuaProblems) : null,
        lang: d.lang ?? null,
        title: d.title ?? null,
        formFields: d.formFields,
        formFieldsUnnamed: d.formFieldsUnnamed ?? null,
        pages: d.pages,
      });
    }
  }
  return [...seen.values()].sort(
    (a, b) => keyOf(a).localeCompare(keyOf(b)) || a.url.localeCompare(b.url),
  );
}

function journeyRows(
  probes: readonly ScopedProbe[],
  last: ReadonlyMap<string, Result>,
): JourneyRow[] {
  const rows: JourneyRow[] = [];
  for (const p of probes) {
    const r = last.get(p.probeId);
    if (p.kind !== 'browser' || !r?.steps) continue;
    const pages = r.a11y?.pages ?? [];
    const severeSteps = new Set(
      pages
        .filter((page) =>
          page.violations.some((v) => severe(asImpact(v.impact)) && v.nodes.some((n) => !n.waived)),
        )
        .map((page) => page.step ?? page.url),
    );
    rows.push({
      county: p.county,
      service: p.service,
      probeId: p.probeId,
      name: p.name,
      steps: r.steps.length,
      scanSteps: r.steps.filter((s) => s.action === 'scan').length,
      pagesScanned: pages.filter((page) => page.error === undefined).length,
      stepsWithSevere: severeSteps.size,
      errorPageCovered: pages.some((page) => page.state === 'error' && page.error === undefined),
      confirmationPageCovered: pages.some(
        (page) => page.state === 'confirmation' && page.error === undefined,
      ),
      blockedRequests: r.blockedRequests?.length ?? 0,
      lastRun: r.startedAt,
    });
  }
  return rows.sort(
    (a, b) => keyOf(a).localeCompare(keyOf(b)) || a.probeId.localeCompare(b.probeId),
  );
}

function reviewRows(
  probes: readonly ScopedProbe[],
  last: ReadonlyMap<string, Result>,
): ReviewRow[] {
  const acc = new Map<string, ReviewRow & { pageSet: Set<string> }>();
  for (const p of probes) {
    for (const page of last.get(p.probeId)?.a11y?.pages ?? []) {
      for (const f of page.incomplete) {
        const key = `${p.key}\u0000${f.ruleId}`;
        const row = acc.get(key) ?? {
          county: p.county,
          service: p.service,
          ruleId: f.ruleId,
          help: f.help,
          pages: 0,
          nodes: 0,
          pageSet: new Set<string>(),
        };
        row.pageSet.add(page.url);
        row.nodes += f.nodes.length;
        acc.set(key, row);
      }
    }
  }
  return [...acc.values()]
    .map(({ pageSet, ...row }) => ({ ...row, pages: pageSet.size }))
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)) || a.ruleId.localeCompare(b.ruleId));
}

function waiverRows(
  probes: readonly ScopedProbe[],
  last: ReadonlyMap<string, Result>,
): WaiverRow[] {
  const acc = new Map<string, WaiverRow>();
  for (const p of probes) {
    for (const page of last.get(p.probeId)?.a11y?.pages ?? []) {
      for (const v of page.violations) {
        for (const n of v.nodes) {
          if (!n.waived) continue;
          const key = [p.key, v.ruleId, n.waived.reason, n.waived.owner, n.waived.expires].join(
            '\u0000',
          );
          const row = acc.get(key) ?? {
            county: p.county,
            service: p.service,
            ruleId: v.ruleId,
            reason: n.waived.reason,
            owner: n.waived.owner,
            expires: n.waived.expires,
            nodes: 0,
          };
          row.nodes++;
          acc.set(key, row);
        }
      }
    }
  }
  return [...acc.values()].sort(
    (a, b) =>
      keyOf(a).localeCompare(keyOf(b)) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.expires.localeCompare(b.expires),
  );
}

/** Per `media-breaks` probe that ran: the newest check that reached the service, as `bitvRows`. */
async function mediaBreakRows(
  store: Store,
  probes: readonly ScopedProbe[],
  checked: ReadonlyMap<string, Checked>,
  checkedBefore: ReadonlyMap<string, Checked>,
  period: Period,
): Promise<MediaBreakRow[]> {
  const rows: MediaBreakRow[] = [];
  for (const p of probes) {
    if (p.kind !== 'media-breaks') continue;
    const check = checked.get(p.probeId);
    const result = check?.result;
    const report = result?.mediaBreaks;
    const before = checkedBefore.get(p.probeId)?.result?.mediaBreaks;
    const events = await store.mediaBreakEvents({
      probeId: p.probeId,
      from: period.from,
      to: period.to,
      limit: 10_000,
    });
    rows.push({
      county: p.county,
      service: p.service,
      probeId: p.probeId,
      level: report?.maturity.level ?? null,
      levelBefore: before?.maturity.level ?? null,
      endToEndDigital: report?.endToEndDigital ?? null,
      endToEndDigitalBefore: before?.endToEndDigital ?? null,
      checkedAt: result?.startedAt ?? null,
      notReachedAt: check?.notReachedAt ?? null,
      breaks: (report?.breaks ?? []).map((b) => ({
        kind: b.kind,
        evidence: b.evidence.text,
        url: b.evidence.url,
        ...(b.condition ? { condition: b.condition } : {}),
        ...(b.legallyMandated ? { legallyMandated: true as const } : {}),
      })),
      appeared: events.filter((e) => e.type === 'appeared').length,
      disappeared: events.filter((e) => e.type === 'disappeared').length,
    });
  }
  return rows.sort(
    (a, b) => keyOf(a).localeCompare(keyOf(b)) || a.probeId.localeCompare(b.probeId),
  );
}

function versionsOf(results: Iterable<Result>): ReportModel['versions'] {
  const axe = new Set<string>();
  const browsers = new Set<string>();
  const profiles = new Set<string>();
  for (const [, report] of a11yReports(results)) {
    axe.add(report.engine.version);
    if (report.browser) browsers.add(report.browser);
    profiles.add(report.profile);
  }
  return {
    ozgwatch: VERSION,
    axe: [...axe].sort(),
    browsers: [...browsers].sort(),
    profiles: [...profiles].sort(),
  };
}

interface KpiInput {
  services: readonly ServiceSummary[];
  servicesBefore: number;
  /** Open patterns at the start of the period, per service scanned in the previous period. */
  openBefore: readonly ByImpact[];
  /** The balance's "open at start": the same history and waivers as `openAtEnd`. */
  openAtStart: number;
  openAtEnd: number;
  hadBefore: boolean;
  /** Whether an accessibility scan in scope ran in the period, and in the previous one. */
  scannedNow: boolean;
  scannedBefore: boolean;
  bitv: readonly BitvRow[];
  bitvBefore: readonly BitvRow[];
  documents: readonly DocumentRow[];
  documentsBefore: readonly DocumentRow[];
  availability: readonly Availability[];
  availabilityBefore: readonly Availability[];
  mediaBreaks: readonly MediaBreakRow[];
}

function kpis(i: KpiInput): Kpi[] {
  const before = <T>(value: T): T | null => (i.hadBefore ? value : null);
  const bitvRate = (rows: readonly BitvRow[]): number | null => {
    let passed = 0;
    let checked = 0;
    for (const row of rows) {
      for (const n of BITV_SIGNALS) {
        const v = row.signals[n];
        if (v === null || v === undefined) continue;
        checked++;
        passed += v;
      }
    }
    return checked > 0 ? passed / checked : null;
  };
  const documentShare = (rows: readonly DocumentRow[]): number | null => {
    const countable = rows.filter(countableDocument);
    if (countable.length === 0) return null;
    return countable.filter(accessibleDocument).length / countable.length;
  };
  const availability = (rows: readonly Availability[]): number | null => {
    const ok = rows.reduce((n, a) => n + a.ok, 0);
    const counted = rows.reduce((n, a) => n + a.runs - a.errors, 0);
    return counted > 0 ? ok / counted : null;
  };
  const severeServices = i.services.filter(
    (s) => s.openPatterns !== null && s.openPatterns.critical + s.openPatterns.serious > 0,
  ).length;
  const severeBefore = i.openBefore.filter((b) => b.critical + b.serious > 0).length;
  const openBefore = i.openAtStart;
  const e2e = (rows: readonly MediaBreakRow[], level: (r: MediaBreakRow) => boolean | null) => {
    const known = rows.map(level).filter((v): v is boolean => v !== null);
    return known.length > 0 ? known.filter(Boolean).length : null;
  };
  return [
    {
      id: 'services',
      value: i.services.length,
      previous: before(i.servicesBefore),
      unit: 'count',
      higherIsBetter: true,
    },
    {
      id: 'servicesWithSevereIssues',
      value: i.scannedNow ? severeServices : null,
      previous: i.scannedBefore ? severeBefore : null,
      unit: 'count',
      higherIsBetter: false,
    },
    {
      id: 'openPatterns',
      value: i.scannedNow ? i.openAtEnd : null,
      previous: i.scannedBefore ? openBefore : null,
      unit: 'count',
      higherIsBetter: false,
    },
    {
      id: 'bitvCompliance',
      value: bitvRate(i.bitv),
      previous: bitvRate(i.bitvBefore),
      unit: 'percent',
      higherIsBetter: true,
    },
    {
      id: 'accessibleDocuments',
      value: documentShare(i.documents),
      previous: documentShare(i.documentsBefore),
      unit: 'percent',
      higherIsBetter: true,
    },
    {
      id: 'availability',
      value: availability(i.availability),
      previous: availability(i.availabilityBefore),
      unit: 'percent',
      higherIsBetter: true,
    },
    {
      id: 'endToEndDigital',
      value: e2e(i.mediaBreaks, (r) => r.endToEndDigital),
      previous: e2e(i.mediaBreaks, (r) => r.endToEndDigitalBefore),
      unit: 'count',
      higherIsBetter: true,
    },
  ];
}
