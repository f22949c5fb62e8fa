import { intervalOf, type Probe } from '../probes/schema.ts';
import { scheduleSignature } from '../scheduler/scheduler.ts';
import { staleAfter } from '../scheduler/staleness.ts';
import { isSuccess, type HttpPhases, type Result, type RunStatus } from '../results/result.ts';
import {
  catalogue,
  HTTP_PHASES,
  PROBE_METRICS,
  RUN_RESULTS,
  STATUS_VALUES,
  type MetricSpec,
} from './catalogue.ts';
import { BREAK_KINDS } from '../checkers/media-breaks/lexicon.ts';
import {
  IMPACTS,
  OFFICE_CLASSES,
  PDF_CLASSES,
  summarise,
  type A11ySummary,
} from '../checkers/a11y/summary.ts';
import { familyHeader, formatValue, labelPairs } from './exposition.ts';
import {
  advance,
  countNew,
  merge,
  openSinceFromStore,
  scanPatterns,
  type OpenPattern,
  type OpenSince,
} from './a11y-novelty.ts';
import type { FindingHistory } from '../store/store.ts';

/**
 * The per-probe series, kept as ready exposition lines.
 *
 * prom-client serialises every series on every scrape (~0.5 s per 100k series); with
 * 10,000 probes that is too slow. Here each probe holds one string per metric family,
 * re-rendered only when that probe records a result (a few µs) or its configuration
 * changes; a scrape concatenates the strings family by family under one
 * `# HELP`/`# TYPE` header each.
 */
export class ProbeSeries {
  #entries = new Map<string, Entry>();
  readonly #location: string | undefined;
  readonly #now: () => number;

  /**
   * `location`: the vantage point, a label on every series when set. `now`: wall time in
   * epoch ms, for accessibility patterns that stop being new between two scans.
   */
  constructor(location?: string, now: () => number = Date.now) {
    this.#location = location;
    this.#now = now;
  }

  /** The probes now configured. Series of probes not in the list disappear; counters of the others stay. */
  setProbes(probes: readonly Probe[]): void {
    const next = new Map<string, Entry>();
    for (const probe of probes) {
      const labels = labelPairs([
        ['probe', probe.id],
        ['service', probe.labels.service],
        ['county', probe.labels.county],
        ...(this.#location === undefined ? [] : [['location', this.#location] as [string, string]]),
      ]);
      let entry = this.#entries.get(probe.id);
      if (entry === undefined) {
        entry = {
          labels,
          lines: PROBE_METRICS.map(() => ''),
          runs: RUN_RESULTS.map(() => 0),
          last: undefined,
          lastRunAt: 0,
          maintenance: false,
          since: new Map(),
          newUntil: Number.POSITIVE_INFINITY,
          schedule: '',
          configuredAt: this.#now(),
        };
        renderRuns(entry);
      } else if (entry.labels !== labels) {
        entry.labels = labels;
        renderLast(entry);
        renderNew(entry, this.#now());
        renderRuns(entry);
        renderStaleAfter(entry, probe);
      }
      renderConfig(entry, probe, this.#location);
      const schedule = scheduleSignature(probe);
      if (entry.schedule !== schedule) {
        // A new schedule starts the wait for a first run afresh, as the scheduler does.
        if (entry.lastRunAt === 0) entry.configuredAt = this.#now();
        entry.schedule = schedule;
        renderStaleAfter(entry, probe);
      }
      next.set(probe.id, entry);
    }
    this.#entries = next;
  }

  /**
   * Takes in one result. A result of a probe that is not configured (a run that ended
   * after its probe was removed by a reload) is ignored, so it cannot bring back series
   * a reload just removed. Returns whether the result was recorded.
   */
  record(probe: Probe, result: Result, nowMs: number): boolean {
    const entry = this.#entries.get(probe.id);
    if (entry === undefined) return false;
    entry.lastRunAt = nowMs / 1000;
    entry.maintenance = result.maintenance;
    const runResult = result.maintenance ? MAINTENANCE : RESULT_INDEX[result.status];
    entry.runs[runResult] = (entry.runs[runResult] ?? 0) + 1;
    if (!result.maintenance) {
      const prev = entry.last;
      const patterns = result.a11y ? scanPatterns(result.a11y) : undefined;
      entry.last = lastOf(result, prev, patterns?.open);
      renderLast(entry, prev);
      followPatterns(entry, result, patterns?.seen);
      renderNew(entry, nowMs);
    }
    renderRuns(entry);
    renderStaleAfter(entry, probe);
    return true;
  }

  /**
   * Shows a probe's last stored run until it runs again in this process (after a restart),
   * without counting it as a run: its series must not vanish and come back with the first
   * run, which would end every alert on it and start its `for:` again. Only a result that
   * still stands (its next run would not yet be due) is taken; one recorded meanwhile wins.
   */
  seed(probe: Probe, result: Result, nowMs: number): boolean {
    const entry = this.#entries.get(probe.id);
    if (entry === undefined || entry.lastRunAt !== 0) return false;
    const endedAt = result.startedAt + result.duration * 1000;
    if (nowMs - result.startedAt >= intervalOf(probe) + probe.timeout) return false;
    entry.lastRunAt = Math.round(endedAt) / 1000;
    entry.maintenance = result.maintenance;
    if (!result.maintenance) {
      const patterns = result.a11y ? scanPatterns(result.a11y) : undefined;
      entry.last = lastOf(result, undefined, patterns?.open);
      renderLast(entry);
      followPatterns(entry, result, patterns?.seen);
      renderNew(entry, nowMs);
    }
    renderRuns(entry);
    renderStaleAfter(entry, probe);
    return true;
  }

  /**
   * The probe's accessibility findings as the store has them, read when the probe is new to
   * this process (a restart, or a move from another instance of the same store): patterns
   * keep the day they appeared instead of counting as new with the next scan. Merged with
   * what this process saw meanwhile, the earlier time winning.
   */
  seedFindings(probe: Probe, findings: readonly FindingHistory[], nowMs: number): boolean {
    const entry = this.#entries.get(probe.id);
    if (entry === undefined) return false;
    entry.since = merge(entry.since, openSinceFromStore(findings));
    renderNew(entry, nowMs);
    return true;
  }

  /** Number of probes with series. */
  get size(): number {
    return this.#entries.size;
  }

  /** The text exposition of all per-probe families; families without series are left out. */
  render(): string {
    let out = '';
    for (const chunk of this.chunks()) out += chunk;
    return out;
  }

  /**
   * The same text in pieces of about `size` characters, so that a scrape of 10,000
   * probes never holds a 16 MB string: the server writes each piece as the socket
   * takes it. Each piece holds whole lines; a family's header comes before its lines.
   */
  *chunks(size = 64 * 1024): Generator<string> {
    const entries = [...this.#entries.values()];
    // A pattern stops being new a day after it appeared, scan or no scan.
    const now = this.#now();
    for (const entry of entries) if (entry.newUntil <= now) renderNew(entry, now);
    let out = '';
    for (let f = 0; f < PROBE_METRICS.length; f++) {
      let header = HEADERS[f] as string;
      for (const entry of entries) {
        const lines = entry.lines[f] as string;
        if (lines === '') continue;
        out += header + lines;
        header = '';
        if (out.length >= size) {
          yield out;
          out = '';
        }
      }
    }
    if (out !== '') yield out;
  }
}

/** What the series of a probe are rendered from: numbers only, no references into results. */
interface LastRun {
  success: number;
  status: number;
  duration: number;
  httpStatus: number | undefined;
  redirects: number | undefined;
  httpVersion: number | undefined;
  ipProtocol: number | undefined;
  phases: HttpPhases | undefined;
  certExpiry: number | undefined;
  /** Steps that ran (not skipped), in order. */
  steps: { name: string; duration: number; success: number }[] | undefined;
  failedStep: string | undefined;
  vitals: { ttfb?: number; fcp?: number; lcp?: number; cls?: number } | undefined;
  a11y: A11ySummary | undefined;
  /** Patterns of the scan outside any waiver. */
  a11yOpen: OpenPattern[] | undefined;
  bitv: { signals: [string, number][]; statementAgeDays: number | undefined } | undefined;
  lighthouse: [category: string, score: number][] | undefined;
  media:
    | { kinds: string[]; mandated: number; level: number; endToEnd: number; pathSteps: number }
    | undefined;
}

interface Entry {
  /** `probe="…",service="…",county="…"`, escaped once. */
  labels: string;
  /** One block of lines per family of {@link PROBE_METRICS}; `''` for none. */
  lines: string[];
  /** Counts by {@link RUN_RESULTS} index. */
  runs: number[];
  /** Values of the last run outside maintenance. */
  last: LastRun | undefined;
  /** Unix seconds; 0 before the first run. */
  lastRunAt: number;
  maintenance: boolean;
  /** Since when each accessibility pattern has been open, from the scans and the store. */
  since: OpenSince;
  /** Epoch ms when the next new pattern stops being new; re-rendered then. */
  newUntil: number;
  /** {@link scheduleSignature} of the schedule the stale-after line was rendered for. */
  schedule: string;
  /** Epoch ms when the probe (or its schedule) was configured: the wait for a first run counts from it. */
  configuredAt: number;
}

const index = (spec: MetricSpec): number => PROBE_METRICS.indexOf(spec);
const SUCCESS = index(catalogue.probeSuccess);
const DURATION = index(catalogue.probeDuration);
const HTTP_STATUS = index(catalogue.probeHttpStatusCode);
const HTTP_PHASE = index(catalogue.probeHttpDuration);
const CERT_EXPIRY = index(catalogue.probeSslEarliestCertExpiry);
const REDIRECTS = index(catalogue.probeHttpRedirects);
const HTTP_VERSION = index(catalogue.probeHttpVersion);
const IP_PROTOCOL = index(catalogue.probeIpProtocol);
const RUNS = index(catalogue.runsTotal);
const LAST_RUN = index(catalogue.lastRunTimestamp);
const INTERVAL = index(catalogue.intervalSeconds);
const STALE_AFTER = index(catalogue.staleAfterTimestamp);
const STATUS = index(catalogue.probeStatus);
const MAINTENANCE_FLAG = index(catalogue.probeMaintenance);
const INFO = index(catalogue.probeInfo);
const STEP_DURATION = index(catalogue.journeyStepDuration);
const STEP_SUCCESS = index(catalogue.journeyStepSuccess);
const FAILED_STEP = index(catalogue.journeyFailedStep);
const VITAL_SECONDS = index(catalogue.webVitalSeconds);
const VITAL_CLS = index(catalogue.webVitalCls);
const VITALS = ['ttfb', 'fcp', 'lcp'] as const;
const A11Y_VIOLATIONS = index(catalogue.a11yViolations);
const A11Y_PATTERNS = index(catalogue.a11yViolationPatterns);
const A11Y_NEW = index(catalogue.a11yNewPatterns);
const A11Y_NEW_RULES = index(catalogue.a11yNewPatternRules);
const A11Y_INCOMPLETE = index(catalogue.a11yIncomplete);
const A11Y_WAIVED = index(catalogue.a11yWaived);
const A11Y_PAGES = index(catalogue.a11yPagesScanned);
const A11Y_STATEMENT = index(catalogue.a11yPagesStatementLinked);
const A11Y_SUCCESS = index(catalogue.a11yScanSuccess);
const BITV_SIGNAL = index(catalogue.bitvSignal);
const PDF_DOCUMENTS = index(catalogue.pdfDocuments);
const OFFICE_DOCUMENTS = index(catalogue.officeDocuments);
const BITV_AGE = index(catalogue.bitvStatementAge);
const LIGHTHOUSE_SCORE = index(catalogue.lighthouseScore);
const MEDIA_BREAKS = index(catalogue.mediaBreaks);
const MANDATED = index(catalogue.mediaBreaksLegallyMandated);
const MATURITY = index(catalogue.maturityLevel);
const END_TO_END = index(catalogue.endToEndDigital);
const PATH_STEPS = index(catalogue.mediaBreakPathSteps);

const HEADERS = PROBE_METRICS.map(familyHeader);
const MAINTENANCE = RUN_RESULTS.indexOf('maintenance');
/**
 * Exported at 0 from the moment a probe is configured: `increase()` counts from a series'
 * first sample, so a series that appears with its first failed run hides that run from every
 * count of failures (the first failure after a start or a new probe's). The other results
 * appear with their first run, which keeps a probe at one or two runs series.
 */
const FAIL = RUN_RESULTS.indexOf('fail');
const RESULT_INDEX: Record<RunStatus, number> = {
  pass: RUN_RESULTS.indexOf('pass'),
  degraded: RUN_RESULTS.indexOf('degraded'),
  fail: RUN_RESULTS.indexOf('fail'),
  error: RUN_RESULTS.indexOf('error'),
};
const RESULT_LABELS = RUN_RESULTS.map((r) => `,result="${r}"} `);
const PHASE_LABELS = HTTP_PHASES.map((p) => `,phase="${p}"} `);

/**
 * `prev`: the run before, whose certificate stands while runs fail before any handshake.
 * `a11yOpen`: the scan's patterns outside any waiver (scanPatterns), read once per result.
 */
function lastOf(result: Result, prev?: LastRun, a11yOpen?: OpenPattern[]): LastRun {
  // No version without a response (connection refused, timeout, certificate rejected): no series.
  const version = Number(result.http?.httpVersion ?? Number.NaN);
  return {
    success: isSuccess(result.reportedStatus) ? 1 : 0,
    status: STATUS_VALUES[result.reportedStatus],
    duration: result.duration,
    httpStatus: result.http?.status,
    redirects: result.http?.redirects.length,
    httpVersion: Number.isFinite(version) && version > 0 ? version : undefined,
    ipProtocol: result.http?.ipProtocol,
    phases: result.phases ? { ...result.phases } : undefined,
    certExpiry: result.tls
      ? result.tls.earliestExpiry / 1000
      : isSuccess(result.status)
        ? undefined
        : prev?.certExpiry,
    steps: result.steps
      ?.filter((st) => st.status !== 'skipped')
      .map((st) => ({
        name: st.name,
        duration: st.duration,
        success: st.status === 'pass' ? 1 : 0,
      })),
    failedStep: result.steps?.find((st) => st.status === 'fail')?.name,
    vitals: worstVitals(result),
    a11y: result.a11y ? summarise(result.a11y) : undefined,
    a11yOpen,
    bitv: result.bitv
      ? {
          signals: Object.entries(result.bitv.signals).map(([name, s]) => [name, s.value]),
          statementAgeDays: result.bitv.statementAgeDays,
        }
      : undefined,
    lighthouse: result.lighthouse
      ? Object.entries(result.lighthouse.scores).filter(
          (e): e is [string, number] => typeof e[1] === 'number',
        )
      : undefined,
    media: result.mediaBreaks
      ? {
          kinds: result.mediaBreaks.breaks.map((b) => b.kind),
          mandated: new Set(
            result.mediaBreaks.breaks.filter((b) => b.legallyMandated).map((b) => b.kind),
          ).size,
          level: result.mediaBreaks.maturity.level,
          endToEnd: result.mediaBreaks.endToEndDigital ? 1 : 0,
          pathSteps: result.mediaBreaks.path.steps,
        }
      : undefined,
  };
}

/** The largest value of each vital over the pages a journey visited. */
function worstVitals(result: Result): LastRun['vitals'] {
  if (!result.vitals || result.vitals.length === 0) return undefined;
  const worst: NonNullable<LastRun['vitals']> = {};
  for (const page of result.vitals) {
    for (const key of [...VITALS, 'cls'] as const) {
      const value = page[key];
      if (value !== undefined && (worst[key] === undefined || value > worst[key]))
        worst[key] = value;
    }
  }
  return worst;
}

/** A single-sample family line, or `''` when there is no value. */
function line(spec: MetricSpec, labels: string, value: number | undefined): string {
  return value === undefined ? '' : flat(`${spec.name}{${labels}} ${formatValue(value)}\n`);
}

const NOTHING = /\0/;
/**
 * Makes V8 flatten a concatenated string now (a regexp needs a flat subject). A line
 * built from pieces is a tree of small strings; 170,000 of them would otherwise be
 * walked at every scrape when the response is encoded, which costs more than
 * everything else a scrape does. Once per record it is a fraction of a microsecond.
 */
function flat(text: string): string {
  NOTHING.test(text);
  return text;
}

/**
 * Renders the last-run families. With `prev`, only the values that changed: status
 * code, version, redirects and certificate rarely do, and skipping them halves the
 * cost of a record.
 */
function renderLast(entry: Entry, prev?: LastRun): void {
  const { last, labels, lines } = entry;
  if (last === undefined) return;
  if (last.success !== prev?.success) {
    lines[SUCCESS] = line(catalogue.probeSuccess, labels, last.success);
  }
  if (last.status !== prev?.status) {
    lines[STATUS] = line(catalogue.probeStatus, labels, last.status);
  }
  if (last.duration !== prev?.duration) {
    lines[DURATION] = line(catalogue.probeDuration, labels, last.duration);
  }
  if (prev === undefined || last.httpStatus !== prev.httpStatus) {
    lines[HTTP_STATUS] = line(catalogue.probeHttpStatusCode, labels, last.httpStatus);
  }
  if (prev === undefined || last.redirects !== prev.redirects) {
    lines[REDIRECTS] = line(catalogue.probeHttpRedirects, labels, last.redirects);
  }
  if (prev === undefined || last.httpVersion !== prev.httpVersion) {
    lines[HTTP_VERSION] = line(catalogue.probeHttpVersion, labels, last.httpVersion);
  }
  if (prev === undefined || last.ipProtocol !== prev.ipProtocol) {
    lines[IP_PROTOCOL] = line(catalogue.probeIpProtocol, labels, last.ipProtocol);
  }
  if (prev === undefined || last.certExpiry !== prev.certExpiry) {
    lines[CERT_EXPIRY] = line(catalogue.probeSslEarliestCertExpiry, labels, last.certExpiry);
  }
  let phases = '';
  if (last.phases) {
    const prefix = `${catalogue.probeHttpDuration.name}{${labels}`;
    for (let i = 0; i < HTTP_PHASES.length; i++) {
      const value = last.phases[HTTP_PHASES[i] as keyof HttpPhases];
      phases += `${prefix}${PHASE_LABELS[i] as string}${formatValue(value)}\n`;
    }
  }
  lines[HTTP_PHASE] = flat(phases);
  renderJourney(entry);
}

/** Journey families: per declared step, the failed step, and the worst web vitals. */
function renderJourney(entry: Entry): void {
  const { last, labels, lines } = entry;
  if (last === undefined) return;
  let durations = '';
  let successes = '';
  for (const step of last.steps ?? []) {
    const stepLabels = `${labels},${labelPairs([['step', step.name]])}`;
    durations += `${catalogue.journeyStepDuration.name}{${stepLabels}} ${formatValue(step.duration)}\n`;
    successes += `${catalogue.journeyStepSuccess.name}{${stepLabels}} ${step.success}\n`;
  }
  lines[STEP_DURATION] = flat(durations);
  lines[STEP_SUCCESS] = flat(successes);
  lines[FAILED_STEP] =
    last.failedStep === undefined
      ? ''
      : flat(
          `${catalogue.journeyFailedStep.name}{${labels},${labelPairs([['step', last.failedStep]])}} 1\n`,
        );
  let vitals = '';
  for (const vital of VITALS) {
    const value = last.vitals?.[vital];
    if (value !== undefined) {
      vitals += `${catalogue.webVitalSeconds.name}{${labels},vital="${vital}"} ${formatValue(value)}\n`;
    }
  }
  lines[VITAL_SECONDS] = flat(vitals);
  lines[VITAL_CLS] = line(catalogue.webVitalCls, labels, last.vitals?.cls);
  renderA11y(entry);
}

/** Accessibility families: occurrences and patterns by impact, reviews, pages, success. */
function renderA11y(entry: Entry): void {
  const { last, labels, lines } = entry;
  const a11y = last?.a11y;
  let violations = '';
  let patterns = '';
  if (a11y) {
    for (const impact of IMPACTS) {
      violations += `${catalogue.a11yViolations.name}{${labels},impact="${impact}"} ${a11y.byImpact[impact]}\n`;
      patterns += `${catalogue.a11yViolationPatterns.name}{${labels},impact="${impact}"} ${a11y.patternsByImpact[impact]}\n`;
    }
  }
  let documents = '';
  for (const cls of a11y ? PDF_CLASSES : []) {
    documents += `${catalogue.pdfDocuments.name}{${labels},class="${cls}"} ${a11y?.documents[cls] ?? 0}\n`;
  }
  lines[PDF_DOCUMENTS] = flat(documents);
  let office = '';
  for (const cls of a11y ? OFFICE_CLASSES : []) {
    office += `${catalogue.officeDocuments.name}{${labels},class="${cls}"} ${a11y?.officeDocuments[cls] ?? 0}\n`;
  }
  lines[OFFICE_DOCUMENTS] = flat(office);
  lines[A11Y_VIOLATIONS] = flat(violations);
  lines[A11Y_PATTERNS] = flat(patterns);
  lines[A11Y_INCOMPLETE] = line(catalogue.a11yIncomplete, labels, a11y?.incomplete);
  lines[A11Y_WAIVED] = line(catalogue.a11yWaived, labels, a11y?.waived);
  lines[A11Y_PAGES] = line(catalogue.a11yPagesScanned, labels, a11y?.pagesScanned);
  lines[A11Y_STATEMENT] = line(
    catalogue.a11yPagesStatementLinked,
    labels,
    a11y?.pagesStatementLinked,
  );
  let bitv = '';
  for (const [name, value] of last?.bitv?.signals ?? []) {
    bitv += `${catalogue.bitvSignal.name}{${labels},${labelPairs([['signal', name]])}} ${value}\n`;
  }
  lines[BITV_SIGNAL] = flat(bitv);
  const days = last?.bitv?.statementAgeDays;
  lines[BITV_AGE] = line(
    catalogue.bitvStatementAge,
    labels,
    days === undefined ? undefined : days * 86_400,
  );
  let scores = '';
  for (const [category, score] of last?.lighthouse ?? []) {
    scores += `${catalogue.lighthouseScore.name}{${labels},${labelPairs([['category', category]])}} ${score}\n`;
  }
  lines[LIGHTHOUSE_SCORE] = flat(scores);
  renderMediaBreaks(entry);
  lines[A11Y_SUCCESS] = line(
    catalogue.a11yScanSuccess,
    labels,
    a11y ? (a11y.complete ? 1 : 0) : undefined,
  );
}

/**
 * Media-break families: one series per category (0/1), those the law requires, maturity,
 * Ende-zu-Ende, path length.
 */
function renderMediaBreaks(entry: Entry): void {
  const { last, labels, lines } = entry;
  const media = last?.media;
  let breaks = '';
  for (const kind of media ? BREAK_KINDS : []) {
    breaks += `${catalogue.mediaBreaks.name}{${labels},kind="${kind}"} ${media?.kinds.includes(kind) ? 1 : 0}\n`;
  }
  lines[MEDIA_BREAKS] = flat(breaks);
  lines[MANDATED] = line(catalogue.mediaBreaksLegallyMandated, labels, media?.mandated);
  lines[MATURITY] = line(catalogue.maturityLevel, labels, media?.level);
  lines[END_TO_END] = line(catalogue.endToEndDigital, labels, media?.endToEnd);
  lines[PATH_STEPS] = line(catalogue.mediaBreakPathSteps, labels, media?.pathSteps);
}

/** A scan moves the pattern history on; a run without a scan leaves it. */
function followPatterns(entry: Entry, result: Result, seen: ReadonlySet<string> | undefined): void {
  if (!result.a11y || !seen) return;
  const complete = result.a11y.pages.every((p) => p.error === undefined);
  entry.since = advance(entry.since, seen, result.startedAt, complete);
}

/** Most rule ids the info series names; more would make the alert text a list nobody reads. */
const MAX_RULES = 5;

/** New patterns by impact, and the rule ids of those that have any. */
function renderNew(entry: Entry, nowMs: number): void {
  const { labels, lines } = entry;
  const open = entry.last?.a11yOpen;
  let counts = '';
  let rules = '';
  entry.newUntil = Number.POSITIVE_INFINITY;
  if (open) {
    const fresh = countNew(open, entry.since, nowMs);
    entry.newUntil = fresh.expires;
    for (const impact of IMPACTS) {
      counts += `${catalogue.a11yNewPatterns.name}{${labels},impact="${impact}"} ${fresh.byImpact[impact]}\n`;
      const ids = fresh.rules[impact];
      if (ids.length === 0) continue;
      const list = ids.slice(0, MAX_RULES).join(',') + (ids.length > MAX_RULES ? ',…' : '');
      rules += `${catalogue.a11yNewPatternRules.name}{${labels},impact="${impact}",${labelPairs([['rules', list]])}} 1\n`;
    }
  }
  lines[A11Y_NEW] = flat(counts);
  lines[A11Y_NEW_RULES] = flat(rules);
}

function renderRuns(entry: Entry): void {
  const { labels, lines, runs } = entry;
  let out = '';
  for (let i = 0; i < runs.length; i++) {
    const n = runs[i] as number;
    if (n > 0 || i === FAIL) {
      out += `${catalogue.runsTotal.name}{${labels}${RESULT_LABELS[i] as string}${n}\n`;
    }
  }
  lines[RUNS] = flat(out);
  if (entry.lastRunAt > 0) {
    lines[LAST_RUN] = line(catalogue.lastRunTimestamp, labels, entry.lastRunAt);
    lines[MAINTENANCE_FLAG] = line(catalogue.probeMaintenance, labels, entry.maintenance ? 1 : 0);
  }
}

/**
 * When the last result goes stale, from the end of the last run and the schedule now in force:
 * a reload that makes a weekly probe run every minute makes its result stale within minutes.
 * Before the first run (a new probe, or one whose stored result no longer stood at a restart),
 * counted from when it was configured: a daemon that starts and never runs it is noticed too.
 * Computed here, once per run or change, because a rule cannot step through a cron schedule.
 */
function renderStaleAfter(entry: Entry, probe: Probe): void {
  const from = entry.lastRunAt > 0 ? entry.lastRunAt * 1000 : entry.configuredAt;
  const at = staleAfter(probe, from) / 1000;
  entry.lines[STALE_AFTER] = line(catalogue.staleAfterTimestamp, entry.labels, at);
}

function renderConfig(entry: Entry, probe: Probe, location: string | undefined): void {
  const { labels, lines } = entry;
  lines[INTERVAL] = line(catalogue.intervalSeconds, labels, intervalOf(probe) / 1000);
  const info = labelPairs([
    ['probe', probe.id],
    ['name', probe.name],
    ['kind', probe.kind],
    ['service', probe.labels.service],
    ['county', probe.labels.county],
    ['ags', probe.ags ?? ''],
    ['leika', probe.leika ?? ''],
    ['admin_level', probe.adminLevel ?? ''],
    ...(location === undefined ? [] : [['location', location] as [string, string]]),
  ]);
  lines[INFO] = flat(`${catalogue.probeInfo.name}{${info}} 1\n`);
}
