/**
 * What a quarterly report says, as data: the renderers (HTML, PDF, CSV, JSON) only lay it
 * out. Everything here comes from the store, so the same store gives the same model.
 */
import type { DocumentClass, MediaBreakKind } from '../results/result.ts';
import type { Period } from './period.ts';
import type { CoverageRow, Principle } from './wcag.ts';

export const IMPACT_ORDER = ['critical', 'serious', 'moderate', 'minor'] as const;
export type Impact = (typeof IMPACT_ORDER)[number];
export type ByImpact = Record<Impact, number>;

export interface Scope {
  county?: string;
  service?: string;
}

/** One online service: the probes that share a county and a service label. */
export interface ServiceKey {
  county: string;
  service: string;
}

export interface Kpi {
  id:
    | 'services'
    | 'servicesWithSevereIssues'
    | 'openPatterns'
    | 'bitvCompliance'
    | 'accessibleDocuments'
    | 'availability'
    | 'endToEndDigital';
  /** Null when the period has no data for it. */
  value: number | null;
  previous: number | null;
  unit: 'count' | 'percent';
  /** Whether a higher value is better (for the arrow's meaning). */
  higherIsBetter: boolean;
}

/**
 * Whether the service's barriers are known for the period: `scanned` when an accessibility
 * scan (an `a11y` probe or a journey) loaded a page in it, `failed` when its `a11y` probes
 * ran but none loaded a page (every scan errored or its pages failed to load), `none` when
 * nothing scanned it.
 */
export type ScanState = 'scanned' | 'failed' | 'none';

/** Level of administration of a service (the probes' `adminLevel`), widest first. */
export const ADMIN_LEVEL_ORDER = ['bund', 'land', 'kreis', 'gemeinde'] as const;

export interface ServiceSummary extends ServiceKey {
  ags?: string;
  /** The probes' `adminLevel`; absent when none of them names one. */
  adminLevel?: string;
  /** The probes' `owner`s, sorted; empty when none names one. */
  owners: string[];
  probes: number;
  /**
   * First and last run of any of its probes in the period (epoch ms): a service watched
   * for part of the period has figures for that part only.
   */
  firstRun: number;
  lastRun: number;
  /** Whether the service was watched for the whole period (see `PART_OF_PERIOD_MS`). */
  wholePeriod: boolean;
  scan: ScanState;
  /** Share of successful runs outside maintenance, `error` runs left out; null without runs. */
  availability: number | null;
  /**
   * Open patterns at the end of the period; null ("nicht geprüft") unless `scan` is
   * `scanned`: a scan that loaded no page knows nothing, which is not 0.
   */
  openPatterns: ByImpact | null;
  /**
   * Open patterns at the start of the period (the end of the previous one), from the same
   * history and waivers as the balance; null unless the service's own scans ran in the
   * previous period.
   */
  openPatternsBefore: number | null;
  /** Waived patterns at the end of the period; null when not scanned (see `openPatterns`). */
  waived: number | null;
  bitvPassed: number | null;
  bitvChecked: number | null;
  /**
   * Accessible documents of those checked: PDF/UA-claimed files whose machine checks all
   * passed (the "pass" tier). Tagged files without a passing claim are `documentsTagged`.
   */
  documentsAccessible: number;
  /** Tagged documents without a PDF/UA claim that passed the machine checks ("partial"). */
  documentsTagged: number;
  documentsChecked: number;
  maturity: number | null;
  endToEndDigital: boolean | null;
}

export interface BitvRow extends ServiceKey {
  /** Signal name → 1, 0, or null when not checked. */
  signals: Record<string, 0 | 1 | null>;
  statementAgeDays: number | null;
  /** Start of the run the signals are from: the newest in the period that reached the site. */
  checkedAt: number | null;
  /**
   * Start of the newest run in the period that could not check (start page not loaded or
   * answering ≥ 400), when it came after `checkedAt`; null when the last run checked.
   */
  notReachedAt: number | null;
}

export interface RuleRow {
  ruleId: string;
  help: string;
  helpUrl: string;
  impact: Impact;
  wcag: string[];
  en301549: string[];
  patterns: number;
  occurrences: number;
  services: number;
  /** The services, as `county/service`. */
  serviceList: string[];
}

export interface HeatmapCell extends ServiceKey {
  principle: Principle;
  patterns: number;
}

export interface TrendPoint {
  /** First day of the week (YYYY-MM-DD). */
  week: string;
  impact: Impact;
  open: number;
}

export interface Changes {
  openAtStart: number;
  new: number;
  reopened: number;
  fixed: number;
  /**
   * Open at start, not open at end and not fixed either: the pages of their occurrences
   * were no longer scanned (see `AppendixRow.state` `unchecked`).
   */
  unchecked: number;
  openAtEnd: number;
  /** Open at start and at end. */
  persisting: number;
  /** Appeared and were fixed within the period: not in the balance above. */
  transient: number;
  /** Median days from first sighting to fix, of the patterns fixed in the period. */
  medianDaysToFix: Partial<Record<Impact, number>>;
}

/** What a rule asks and the WCAG criteria it tests, beside its id wherever a finding is named. */
export interface RuleMeaning {
  /** The rule's short description as stored with the scans (axe-core's, in English). */
  help: string;
  /** WCAG success criteria (`4.1.2`); empty for best-practice rules. */
  wcag: string[];
}

export interface OpenCritical extends ServiceKey, RuleMeaning {
  pattern: string;
  ruleId: string;
  impact: Impact;
  page: string;
  firstSeen: number;
  ageDays: number;
}

export interface SharedPattern extends RuleMeaning {
  pattern: string;
  ruleId: string;
  impact: Impact;
  services: number;
  occurrences: number;
  html: string;
  serviceList: string[];
}

/**
 * One measure of the report's "Empfehlungen & Maßnahmen": fixing one open pattern (one
 * broken component) wherever it occurs, on one service or, for a shared component, several.
 */
export interface Measure extends RuleMeaning {
  /** 1 for the most urgent. */
  rank: number;
  pattern: string;
  ruleId: string;
  impact: Impact;
  /** The services it is open on, as `county/service`, sorted. */
  serviceList: string[];
  /** Their levels of administration (codes, widest first); empty when none is named. */
  adminLevels: string[];
  /** Open occurrences at the end of the period. */
  occurrences: number;
  /** The pages its open occurrences are on, sorted: where to fix it. */
  pages: string[];
  /** The broken component's HTML as a scan recorded it (from the watched page). */
  html: string;
  firstSeen: number;
  ageDays: number;
  /** Impact weight × reach (services + occurrences) × (1 + age in days / 90), one decimal. */
  priority: number;
  /** Owners of the probes that found it (or of the services' other probes); empty: not set. */
  owners: string[];
  /** The services (`county/service`) whose probes name no owner; all of them when `owners` is empty. */
  servicesWithoutOwner: string[];
  /** First seen + the deadline of its impact (epoch ms). */
  due: number;
  /** Whole days past `due` at the end of the period; 0 when not overdue. */
  daysOverdue: number;
  overdue: boolean;
}

/** The services of one level of administration, for the ranking split by level. */
export interface LevelRow {
  /** `bund` … `gemeinde`, or `none` when the probes name no level. */
  level: string;
  services: number;
  /** Of those, scanned for accessibility (open patterns known). */
  scanned: number;
  /** Of the scanned, with open critical or serious patterns. */
  severeServices: number;
  /** Open critical and serious patterns of these services. */
  severePatterns: number;
}

export interface JourneyRow extends ServiceKey {
  probeId: string;
  name: string;
  steps: number;
  scanSteps: number;
  pagesScanned: number;
  stepsWithSevere: number;
  errorPageCovered: boolean;
  confirmationPageCovered: boolean;
  blockedRequests: number;
  lastRun: number;
}

export interface DocumentRow extends ServiceKey {
  url: string;
  format: string;
  class: DocumentClass;
  tagged: boolean;
  pdfua: boolean;
  /**
   * A PDF/UA claim's machine checks: the clauses of ISO 14289-1 it fails ([] passed), or
   * null when it claims nothing or was classified before ozgwatch checked claims.
   */
  pdfuaFailed: string[] | null;
  lang: string | null;
  title: string | null;
  formFields: number;
  /** Form fields a screen reader cannot name; null for none or when not counted. */
  formFieldsUnnamed: number | null;
  pages: number;
}

export interface ReviewRow extends ServiceKey {
  ruleId: string;
  help: string;
  pages: number;
  nodes: number;
}

export interface WaiverRow extends ServiceKey {
  ruleId: string;
  reason: string;
  owner: string;
  expires: string;
  nodes: number;
}

export interface MediaBreakRow extends ServiceKey {
  probeId: string;
  level: number | null;
  levelBefore: number | null;
  endToEndDigital: boolean | null;
  endToEndDigitalBefore: boolean | null;
  /** Start of the run the level and breaks are from; null when no run in the period reached the service. */
  checkedAt: number | null;
  /** As `BitvRow.notReachedAt`. */
  notReachedAt: number | null;
  breaks: {
    kind: MediaBreakKind;
    evidence: string;
    url: string;
    condition?: string;
    /** An in-person appearance the law requires: no portal can remove it. */
    legallyMandated?: true;
  }[];
  appeared: number;
  disappeared: number;
}

export interface AvailabilityRowModel extends ServiceKey {
  runs: number;
  ok: number;
  errors: number;
  maintenance: number;
  availability: number | null;
}

export interface AppendixRow extends ServiceKey, RuleMeaning {
  probeId: string;
  ruleId: string;
  impact: Impact;
  page: string;
  selector: string;
  pattern: string;
  occurrence: string;
  /**
   * At the end: `unchecked` when still open in the store but its page was not scanned by
   * its probe in the 7 days before the probe's last run in the period (a URL removed from
   * the probe, a site that moved): no longer counted as open, not counted as fixed.
   */
  state: 'open' | 'fixed' | 'waived' | 'unchecked';
  firstSeen: number;
  fixedAt: number | null;
  reopened: number;
}

export interface DataQuality {
  /** Accessibility scans in the period that could not scan a page. */
  pagesNotScanned: number;
  /** Runs in the period that ended in `error`. */
  errorRuns: number;
  /** State-changing requests the journeys' guard held back. */
  blockedRequests: number;
}

export interface ReportModel {
  period: Period;
  previous: Period;
  scope: Scope;
  versions: { ozgwatch: string; axe: string[]; browsers: string[]; profiles: string[] };
  /** Start of the newest run the report read (epoch ms); null when the period is empty. */
  dataUntil: number | null;
  /**
   * Whether the period had not ended when the report was made: its figures are those of
   * `asOf`, not of the period's end ("vorläufig").
   */
  provisional: boolean;
  /**
   * The moment the figures are computed at (epoch ms, exclusive): the end of the period, or
   * for a provisional report just after the newest run (`dataUntil`).
   */
  asOf: number;
  /** SHA-256 of the data the report is made of (hex): same data, same hash. */
  dataHash: string;
  /** The deadline per impact the measures' due dates come from (ms), as configured. */
  deadlines: Record<Impact, number>;
  kpis: Kpi[];
  services: ServiceSummary[];
  /**
   * Services watched in the previous period and not in this one (a probe removed, a
   * shard gone): they are not in this period's figures, and the previous period's count
   * of services includes them.
   */
  servicesDropped: (ServiceKey & { lastRun: number })[];
  coverage: CoverageRow[];
  bitv: BitvRow[];
  /**
   * The open patterns' figures (`byImpact`, `byPrinciple`, `changes`) are null when no
   * accessibility scan in scope ran in the period: nothing is known, which is not zero.
   */
  byImpact: ByImpact | null;
  byPrinciple: Record<Principle, number> | null;
  byClause: { clause: string; patterns: number }[];
  topRules: RuleRow[];
  heatmap: HeatmapCell[];
  /** From the first week by whose end a scan in scope had run; earlier weeks are unknown, not 0. */
  trend: TrendPoint[];
  changes: Changes | null;
  oldestOpen: OpenCritical[];
  shared: SharedPattern[];
  /** Every open pattern as a measure, most urgent first. */
  measures: Measure[];
  /** Services and their severe patterns per level of administration. */
  byLevel: LevelRow[];
  journeys: JourneyRow[];
  documents: DocumentRow[];
  review: ReviewRow[];
  waivers: WaiverRow[];
  mediaBreaks: MediaBreakRow[];
  availability: AvailabilityRowModel[];
  availabilityWeekly: {
    week: string;
    county: string;
    service: string;
    availability: number | null;
  }[];
  appendix: AppendixRow[];
  dataQuality: DataQuality;
}
