/**
 * The one catalogue of ozgwatch's metrics: name, type, help text and labels. The code
 * builds every metric from here and `docs/metrics.md` is checked against it, so
 * dashboards and alert rules can rely on it.
 *
 * Labels are bounded on purpose: a probe's id, its service and county slugs, and small
 * fixed sets (phase, result, kind, reason). Never a URL, a selector or error text.
 */

export type MetricType = 'gauge' | 'counter' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  /** The `# HELP` text; one line. */
  readonly help: string;
  readonly labels: readonly string[];
  /**
   * `probe`: one set of series per configured probe, served from the per-probe cache.
   * `self`: the daemon's own health, kept by prom-client.
   */
  readonly scope: 'probe' | 'self';
  /** Extra words for the docs: when the series exists, what the values mean. */
  readonly doc?: string;
  /** Histogram buckets, in seconds. */
  readonly buckets?: readonly number[];
}

/** The labels of every per-probe series; a probe's `id`, `labels.service`, `labels.county`. */
export const PROBE_LABELS = ['probe', 'service', 'county'] as const;

/** `ozgwatch_probe_status` values. */
export const STATUS_VALUES = { pass: 0, degraded: 1, fail: 2, error: 3 } as const;

/** `result` label values of `ozgwatch_probe_runs_total`. */
export const RUN_RESULTS = ['pass', 'degraded', 'fail', 'error', 'maintenance'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/** HTTP phases, named as blackbox_exporter names them. */
export const HTTP_PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

/** Skip reasons known today; the label takes what the scheduler reports. */
export const SKIP_REASONS = ['overlap', 'shutdown'] as const;

const probeLabels = PROBE_LABELS;

export const catalogue = {
  probeSuccess: {
    name: 'probe_success',
    type: 'gauge',
    help: 'Whether the probe succeeded (1) or failed (0), after flap damping.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'From the reported status (after `failAfter`/`recoverAfter`); `pass` and `degraded` are 1. Runs in a maintenance window leave it at its last value.',
  },
  probeDuration: {
    name: 'probe_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last run, all attempts, in seconds.',
    labels: probeLabels,
    scope: 'probe',
  },
  probeHttpStatusCode: {
    name: 'probe_http_status_code',
    type: 'gauge',
    help: 'HTTP status code of the last response (after redirects); 0 when none arrived.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Present when the last run made an HTTP request.',
  },
  probeHttpDuration: {
    name: 'probe_http_duration_seconds',
    type: 'gauge',
    help: 'Duration of each HTTP phase of the last run, in seconds.',
    labels: [...probeLabels, 'phase'],
    scope: 'probe',
    doc: '`phase` is one of `resolve`, `connect`, `tls`, `processing` (time to first byte), `transfer`; added up over redirects. All five are present when the last run timed its phases; a phase the run never reached is 0. A run that broke off (error or timeout) counts the phase it was in up to that moment: a server that never answers shows its wait as `processing`, a failed DNS lookup the time it took as `resolve`. (blackbox_exporter counts a phase other than `resolve` only once it completed.)',
  },
  probeSslEarliestCertExpiry: {
    name: 'probe_ssl_earliest_cert_expiry',
    type: 'gauge',
    help: 'Earliest expiry of the presented certificate chain, unix seconds.',
    labels: probeLabels,
    scope: 'probe',
    doc: "Exported by `http` and `browser` probes. An `http` probe reads the chain its request ended at. A `browser` probe takes the certificate that expires first among the HTTPS documents its journey loaded in a page's main frame: the service's own hosts and every site the journey is sent to, such as the identity provider of a login or a payment page (not frames inside a page: maps, videos, chats); the browser tells the leaf certificate's expiry only. A certificate the browser refused (`cert_invalid`) is read, whole chain, with a handshake of ozgwatch's own. A site a failing run did not reach (a journey broken before the identity provider) counts with the certificate its runs of the last 7 days read, until that certificate expires, so the value does not jump while the journey is broken; a passing run counts only the sites it reached. From the last run that completed a TLS handshake. A later run that failed before one (connection refused, DNS, timeout) keeps the value, so that a certificate alert does not end while the site is down; a passing run without TLS (an http URL) removes it.",
  },
  probeHttpRedirects: {
    name: 'probe_http_redirects',
    type: 'gauge',
    help: 'Number of redirects the last run followed.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Present when the last run made an HTTP request.',
  },
  probeHttpVersion: {
    name: 'probe_http_version',
    type: 'gauge',
    help: 'HTTP version of the last response (1.1 or 2).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Present when the last run received a response: absent after a refused connection, a rejected certificate or a timeout before the response headers.',
  },
  probeIpProtocol: {
    name: 'probe_ip_protocol',
    type: 'gauge',
    help: 'IP protocol (4 or 6) the last run connected to the target over.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Of the address the last hop connected to, as in blackbox_exporter. With `http.ipProtocol: auto` that is the address that answered: a dual-stack service whose IPv6 address fails shows 4 after the fallback to IPv4. When no address answered, the family of the first one tried; absent after a failed DNS lookup, and through the outbound proxy (the proxy chose the address). `http.ipProtocol: ip6` probes set it to 6 or fail: pair one with the `auto` probe to be told of a broken IPv6.',
  },
  runsTotal: {
    name: 'ozgwatch_probe_runs_total',
    type: 'counter',
    help: 'Runs of each probe by result.',
    labels: [...probeLabels, 'result'],
    scope: 'probe',
    doc: '`result` is the status of the run before flap damping (`pass`, `degraded`, `fail`, `error`), or `maintenance` for every run in a maintenance window whatever its status. `fail` is there at 0 as soon as the probe is configured, so that `increase()` counts the first failed run too; the other results appear with their first run. Survives reloads for probes that stay.',
  },
  lastRunTimestamp: {
    name: 'ozgwatch_probe_last_run_timestamp_seconds',
    type: 'gauge',
    help: 'When the last run of the probe finished, unix seconds.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Also moved by runs in a maintenance window. Alert when it falls behind the interval.',
  },
  intervalSeconds: {
    name: 'ozgwatch_probe_interval_seconds',
    type: 'gauge',
    help: 'Interval between runs of the probe, in seconds; for a cron probe the longest gap between two of its runs.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'A weekly `cron` probe exports 604800. Measured on the Berlin wall clock, so daylight saving time neither adds nor takes an hour; at most 400 days (a rarer schedule, such as 29 February, gets 400). When a result stops standing is `ozgwatch_probe_stale_after_timestamp_seconds`. Present from the moment the probe is configured.',
  },
  staleAfterTimestamp: {
    name: 'ozgwatch_probe_stale_after_timestamp_seconds',
    type: 'gauge',
    help: 'When the last result of the probe goes stale if no run ends before, unix seconds: when the third run after it (or after the probe was configured) is due.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Three intervals after the last run ended; for a `cron` probe, the third start of its schedule after it (plus `jitter`), so a Friday evening result of an office-hours schedule stands through the weekend and goes stale on Monday morning, not a week later. From then on `OzgwatchStaleResults` fires, the availability ratios leave the probe out and the pages mark it _veraltet_. Present from the moment the probe is configured: before its first run in this process (a new probe, or one whose stored result no longer stood at a restart) it counts from then, so a daemon that never runs a probe is noticed as well. Moves with a change of the schedule.',
  },
  probeStatus: {
    name: 'ozgwatch_probe_status',
    type: 'gauge',
    help: 'Reported status of the probe: 0 pass, 1 degraded, 2 fail, 3 error.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Same source as `probe_success` (after flap damping, maintenance runs left out), but tells `degraded` from `pass` and `error` (ozgwatch could not check) from `fail` (the service is down).',
  },
  probeMaintenance: {
    name: 'ozgwatch_probe_maintenance',
    type: 'gauge',
    help: 'Whether the last run of the probe fell into a maintenance window (1) or not (0).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Use it to silence alerts during announced maintenance: `probe_success` keeps its value from before the window.',
  },
  probeInfo: {
    name: 'ozgwatch_probe_info',
    type: 'gauge',
    help: 'Descriptive labels of each configured probe; the value is always 1.',
    labels: ['probe', 'name', 'kind', 'service', 'county', 'ags', 'leika', 'admin_level'],
    scope: 'probe',
    doc: '`ags`, `leika` and `admin_level` (the level of administration, `bund`, `land`, `kreis` or `gemeinde`: split a dashboard by it) are empty when the probe does not set them. Every location, and both shards while a probe moves between them, export it: join one of them for display names and keys, `… * on (probe) group_left (name, ags) topk by (probe) (1, ozgwatch_probe_info)` (a plain `ozgwatch_probe_info` on the right fails with duplicate series).',
  },
  journeyStepDuration: {
    name: 'ozgwatch_journey_step_duration_seconds',
    type: 'gauge',
    help: 'Duration of each step of the last browser journey, in seconds.',
    labels: [...probeLabels, 'step'],
    scope: 'probe',
    doc: '`step` is the step name declared in the probe (`name:`, or `<position>-<action>`), so the set is bounded by the probe file, never discovered from pages. Steps not reached in the last run have no series.',
  },
  journeyStepSuccess: {
    name: 'ozgwatch_journey_step_success',
    type: 'gauge',
    help: 'Whether each step of the last browser journey passed (1) or failed (0).',
    labels: [...probeLabels, 'step'],
    scope: 'probe',
    doc: 'Steps skipped after a failure have no series.',
  },
  journeyFailedStep: {
    name: 'ozgwatch_journey_failed_step_info',
    type: 'gauge',
    help: 'The step at which the last browser journey failed; the value is always 1.',
    labels: [...probeLabels, 'step'],
    scope: 'probe',
    doc: 'Present only while the last journey failed: alert annotations can name the broken step.',
  },
  webVitalSeconds: {
    name: 'ozgwatch_web_vital_seconds',
    type: 'gauge',
    help: 'Core Web Vitals of the last browser journey (worst page), in seconds.',
    labels: [...probeLabels, 'vital'],
    scope: 'probe',
    doc: '`vital` is `ttfb`, `fcp` or `lcp`; the value is the largest over the pages the journey visited, as Chromium reported it.',
  },
  webVitalCls: {
    name: 'ozgwatch_web_vital_cls',
    type: 'gauge',
    help: 'Cumulative layout shift of the last browser journey (worst page).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Unitless; above 0.1 is "needs improvement" by the Web Vitals thresholds.',
  },
  a11yViolations: {
    name: 'ozgwatch_a11y_violations',
    type: 'gauge',
    help: 'Accessibility violations (flagged elements) at the last scan, by impact.',
    labels: [...probeLabels, 'impact'],
    scope: 'probe',
    doc: '`impact` is `critical`, `serious`, `moderate` or `minor` (axe-core). All four series exist once the probe has scanned; occurrences over all pages of the run. For `a11y` probes and journeys with `scan: [a11y]` steps.',
  },
  a11yViolationPatterns: {
    name: 'ozgwatch_a11y_violation_patterns',
    type: 'gauge',
    help: 'Distinct accessibility violation patterns at the last scan, by impact.',
    labels: [...probeLabels, 'impact'],
    scope: 'probe',
    doc: 'A pattern is a rule on one kind of component: the same broken widget on 40 pages counts once here and 40 times in `ozgwatch_a11y_violations`.',
  },
  a11yNewPatterns: {
    name: 'ozgwatch_a11y_new_patterns',
    type: 'gauge',
    help: 'Violation patterns of the last scan first seen, or back after a fix, in the last 24 hours, by impact.',
    labels: [...probeLabels, 'impact'],
    scope: 'probe',
    doc: 'Of the patterns in `ozgwatch_a11y_violation_patterns` (waived ones left out, as there), those whose findings have been open for less than 24 hours without a break: a release that fixes one barrier and brings another counts 1 here while the pattern count stays. Drops to 0 when the day is over, without waiting for the next scan, and when the pattern is fixed. The history comes from the store (the findings on `/probes/<id>`), so a restart or a probe moving to another instance of the same store goes on counting; a waiver that expires brings back an old pattern, not a new one. The first scan of a probe counts every pattern as new. Four series per scanning probe, like the pattern count.',
  },
  a11yNewPatternRules: {
    name: 'ozgwatch_a11y_new_rules_info',
    type: 'gauge',
    help: 'The axe-core rule ids of the new patterns in ozgwatch_a11y_new_patterns, for alert texts; the value is always 1.',
    labels: [...probeLabels, 'impact', 'rules'],
    scope: 'probe',
    doc: '`rules` is a comma-separated, sorted list of at most 5 rule ids (`button-name,label`), followed by `,…` when there are more. Present only while the probe has new patterns of that impact: at most four series per probe, whose `rules` changes only when a new rule appears or a new one ages out. Rule ids come from axe-core, a fixed set, never from the page; not for dashboards.',
  },
  a11yWaived: {
    name: 'ozgwatch_a11y_waived',
    type: 'gauge',
    help: 'Accessibility violations covered by a live waiver at the last scan (not in ozgwatch_a11y_violations).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'A waiver (reason, owner, expiry) is written under `waivers:` in the probe files; once it expires, its findings count as violations again.',
  },
  a11yIncomplete: {
    name: 'ozgwatch_a11y_incomplete',
    type: 'gauge',
    help: 'Elements axe-core could not decide at the last scan (need a person to review).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Never counted as pass or violation.',
  },
  a11yPagesScanned: {
    name: 'ozgwatch_a11y_pages_scanned',
    type: 'gauge',
    help: 'Pages scanned for accessibility in the last run.',
    labels: probeLabels,
    scope: 'probe',
  },
  a11yPagesStatementLinked: {
    name: 'ozgwatch_a11y_pages_statement_linked',
    type: 'gauge',
    help: 'Pages of the last accessibility scan that link the accessibility statement.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'BITV 2.0 § 7(1) asks for the link on every page: divide by `ozgwatch_a11y_pages_scanned` for the share, alert when it is below 1. Counts pages of `a11y` probes and of journey `scan: [a11y]` steps; the link found (or its absence) is in each page of the run result.',
  },
  a11yScanSuccess: {
    name: 'ozgwatch_a11y_scan_success',
    type: 'gauge',
    help: 'Whether every page of the last accessibility scan could be scanned (1) or not (0).',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Tells a scan that found nothing from a scan that did not happen.',
  },
  pdfDocuments: {
    name: 'ozgwatch_pdf_documents',
    type: 'gauge',
    help: 'PDFs linked from the pages of the last accessibility scan, by class.',
    labels: [...probeLabels, 'class'],
    scope: 'probe',
    doc: '`class` is `scanned` (no fonts, only images: print, sign, post), `untagged`, `tagged`, `pdfua` (tagged and claims PDF/UA) or `broken` (could not be read). All five series exist once the probe has scanned.',
  },
  officeDocuments: {
    name: 'ozgwatch_office_documents',
    type: 'gauge',
    help: 'Word and OpenDocument files linked from the pages of the last accessibility scan, by class.',
    labels: [...probeLabels, 'class'],
    scope: 'probe',
    doc: '`.docx`, `.odt` and `.doc`, told by their bytes. `class` is `scanned` (only images), `untagged` (no heading styles, or images without alt text), `tagged` (headings, and alt text on every image), `unchecked` (binary Word 97–2003: structure not readable) or `broken`. All five series exist once the probe has scanned. A form to print in any of these formats is a media break as well.',
  },
  bitvSignal: {
    name: 'ozgwatch_bitv_signal',
    type: 'gauge',
    help: 'Formal BITV 2.0 signals of a site at the last check: present (1) or not (0).',
    labels: [...probeLabels, 'signal'],
    scope: 'probe',
    doc: '`signal` is one of `statement_link`, `statement_every_page`, `statement_reachable`, `statement_contents`, `statement_current`, `feedback`, `schlichtung`, `leichte_sprache`, `dgs`, `lang_matches`. For `bitv` probes; the evidence of each is in the run result.',
  },
  bitvStatementAge: {
    name: 'ozgwatch_bitv_statement_age_seconds',
    type: 'gauge',
    help: 'Time since the accessibility statement was last prepared or reviewed, in seconds.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'Base unit seconds (divide by 86400 for days; the run result has `statementAgeDays`). Absent when the statement gives no date. A statement must be reviewed at least yearly: alert above 31536000.',
  },
  mediaBreaks: {
    name: 'ozgwatch_media_breaks',
    type: 'gauge',
    help: 'Forced media breaks of the service at the last check, by kind: present (1) or not (0).',
    labels: [...probeLabels, 'kind'],
    scope: 'probe',
    doc: '`kind` is one of `paper-form`, `handwritten-signature`, `postal-submission`, `fax-submission`, `email-submission`, `in-person`, `original-documents`, `manual-payment`, `paper-decision`, `scanned-pdf` (DOMAIN taxonomy). All ten series exist once the probe has checked. For `media-breaks` probes and journeys with `scan: [media-breaks]` steps; the evidence of each break (sentence or link, page, selector, condition) is in the run result. Alert on `increase`: a break that appeared.',
  },
  mediaBreaksLegallyMandated: {
    name: 'ozgwatch_media_breaks_legally_mandated',
    type: 'gauge',
    help: 'Forced media breaks of the service at the last check that the law requires: no portal can remove them.',
    labels: probeLabels,
    scope: 'probe',
    doc: "Of the kinds `ozgwatch_media_breaks` shows present, how many the law requires: today only `in-person` where the appearance is mandated (fingerprints and signature for the Personalausweis, Reisepass or eID card; the Eheschließung), as the run result's `legallyMandated` says with its legal basis. The breaks a county could remove: `sum without (kind) (ozgwatch_media_breaks) - ozgwatch_media_breaks_legally_mandated`. They still cap the maturity level. Present whenever `ozgwatch_media_breaks` is.",
  },
  maturityLevel: {
    name: 'ozgwatch_maturity_level',
    type: 'gauge',
    help: 'Estimated OZG maturity level of the service (0 offline … 4 online transaction), citizen-side.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'OZG Reifegradmodell 1.1, estimated from what the pages show: a base level from the signals (description, online application, upload, payment, Once-Only, Postfach), capped by each media break (the lowest criterion decides). Back-office criteria are invisible to a monitor: an estimate, not an official rating.',
  },
  endToEndDigital: {
    name: 'ozgwatch_end_to_end_digital',
    type: 'gauge',
    help: 'Whether the service is Ende-zu-Ende digital at the last check (1) or not (0): no forced media break and maturity at least 3.',
    labels: probeLabels,
    scope: 'probe',
  },
  mediaBreakPathSteps: {
    name: 'ozgwatch_media_break_path_steps',
    type: 'gauge',
    help: 'Pages of the online application followed after the service page at the last check.',
    labels: probeLabels,
    scope: 'probe',
    doc: 'How far the path was followed: it stops before a form that would POST (never sent), at the step limit, off-site, or where no next step is found; the reason is in the run result (`mediaBreaks.path`). 0 when the service has no online application on its own site.',
  },
  lighthouseScore: {
    name: 'ozgwatch_lighthouse_score',
    type: 'gauge',
    help: 'Lighthouse category scores of the last audit, 0 to 1.',
    labels: [...probeLabels, 'category'],
    scope: 'probe',
    doc: "`category` is `accessibility`, `performance`, `best-practices` or `seo` (those the probe asks for). For `lighthouse` probes (also made from the `lighthouse:` option of `a11y` probes, id `<id>-lighthouse`); absent for a category Lighthouse could not score. The full report is the run's `lighthouse.json` artifact.",
  },

  schedulerLag: {
    name: 'ozgwatch_scheduler_lag_seconds',
    type: 'histogram',
    help: 'How late runs start against their schedule, in seconds.',
    labels: [],
    scope: 'self',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    doc: 'Buckets from 1 ms: a healthy daemon starts runs within a few milliseconds.',
  },
  runsInFlight: {
    name: 'ozgwatch_runs_in_flight',
    type: 'gauge',
    help: 'Runs executing now, by kind of probe.',
    labels: ['kind'],
    scope: 'self',
  },
  runsSkipped: {
    name: 'ozgwatch_runs_skipped_total',
    type: 'counter',
    help: 'Runs that were due but not made, by reason.',
    labels: ['reason'],
    scope: 'self',
    doc: '`overlap`: the previous run of the probe was still going. `shutdown`: the run was still waiting for a pool slot when the daemon stopped.',
  },
  configReloadSuccessful: {
    name: 'ozgwatch_config_last_reload_successful',
    type: 'gauge',
    help: 'Whether the last probe configuration (re)load succeeded (1) or not (0).',
    labels: [],
    scope: 'self',
    doc: 'On 0 the daemon keeps running the last good configuration.',
  },
  configReloadTimestamp: {
    name: 'ozgwatch_config_last_reload_success_timestamp_seconds',
    type: 'gauge',
    help: 'When the probe configuration was last loaded successfully, unix seconds.',
    labels: [],
    scope: 'self',
  },
  reports: {
    name: 'ozgwatch_reports_total',
    type: 'counter',
    help: 'Quarterly accessibility reports made or failed, by what asked for them.',
    labels: ['trigger', 'result'],
    scope: 'self',
    doc: '`trigger`: `schedule` (made by the daemon once a quarter has ended, `reports.quarterly`) or `request` (the form of `/reports`); `ozgwatch report` runs outside the daemon and is not counted. `result`: `made` or `failed` (a failure is in the log, `quarterly report failed` or `report failed`). With `reports.perCounty` one quarter makes several reports.',
  },
  quarterlyReportOverdue: {
    name: 'ozgwatch_quarterly_report_overdue',
    type: 'gauge',
    help: 'Whether the report of the quarter that ended is due and not made (1) or not (0).',
    labels: [],
    scope: 'self',
    doc: "Set at each hourly look of `reports.quarterly`: 1 from the first failed attempt to make the ended quarter's report (or while its turn waits behind a report of the `/reports` form) until the report is made or found; 0 before it is due (02:00 Berlin on the quarter's first day after), once it is made, for a quarter without runs, and on an instance that does not make it (`reports.quarterly: false`, shards other than 0). `OzgwatchQuarterlyReportOverdue` fires when it has been 1 for 3 hours; by then at least two attempts have failed (retries after 1 h, 2 h, 4 h … up to a day).",
  },
  buildInfo: {
    name: 'ozgwatch_build_info',
    type: 'gauge',
    help: 'Version of ozgwatch and of its runtime; the value is always 1.',
    labels: ['version', 'node_version', 'playwright_version', 'browser_version', 'external_url'],
    scope: 'self',
    doc: "`browser_version` is empty until the first browser journey launched Chromium. `external_url` is `server.externalUrl`, where people open this instance's pages (empty when unset): dashboards join it on `instance` and `location` to link each series to the instance that ran it (its run pages, screenshots and traces are there).",
  },
  a11yEngineInfo: {
    name: 'ozgwatch_a11y_engine_info',
    type: 'gauge',
    help: 'The accessibility engine and the rule profiles configured probes use; the value is always 1.',
    labels: ['axe_core_version', 'profile'],
    scope: 'self',
    doc: 'One series per profile in use (`en-301-549`, `wcag21aa`, `wcag22aa`).',
  },
  browserContexts: {
    name: 'ozgwatch_browser_contexts_active',
    type: 'gauge',
    help: 'Browser contexts open now (one per browser journey in flight).',
    labels: [],
    scope: 'self',
  },
  browserRestarts: {
    name: 'ozgwatch_browser_restarts_total',
    type: 'counter',
    help: 'Times the browser was replaced, by reason.',
    labels: ['reason'],
    scope: 'self',
    doc: '`crash`: Chromium died (runs inside it ended as `error` with reason `browser_crash`). `runs`: after `browser.restartAfterRuns` journeys. `memory`: above `browser.memoryLimitMb`.',
  },
  storePendingWrites: {
    name: 'ozgwatch_store_pending_writes',
    type: 'gauge',
    help: 'Results queued for the store and not yet committed.',
    labels: [],
    scope: 'self',
    doc: 'Near 0 normally; it grows while the store cannot write (disk full, locked).',
  },
  storeDroppedWrites: {
    name: 'ozgwatch_store_dropped_writes_total',
    type: 'counter',
    help: 'Results the store gave up on: queue full while writes failed, or rejected as malformed.',
    labels: [],
    scope: 'self',
    doc: 'Anything above 0 is history missing from the store; the log says why. With PostgreSQL, a result it refuses for its content is counted here and kept in `dataDir/postgres-rejected.jsonl` until written again ([operations](operations.md#results-postgresql-refuses)).',
  },
  storeBufferedResults: {
    name: 'ozgwatch_store_buffered_results',
    type: 'gauge',
    help: 'Results waiting in the disk buffer for PostgreSQL to become reachable.',
    labels: [],
    scope: 'self',
    doc: 'PostgreSQL store only (`store.url`); 0 while it is reachable. Bounded by `store.bufferLimitMb`; past it the oldest are dropped and counted in `ozgwatch_store_dropped_writes_total`.',
  },
  storeBufferBytes: {
    name: 'ozgwatch_store_buffer_bytes',
    type: 'gauge',
    help: 'Bytes of results in the disk buffer for PostgreSQL.',
    labels: [],
    scope: 'self',
    doc: 'With `ozgwatch_store_buffer_limit_bytes`, how long the buffer lasts.',
  },
  storeBufferLimitBytes: {
    name: 'ozgwatch_store_buffer_limit_bytes',
    type: 'gauge',
    help: 'Most bytes the disk buffer for PostgreSQL holds (store.bufferLimitMb); past it the oldest results are dropped.',
    labels: [],
    scope: 'self',
    doc: 'PostgreSQL store only; 0 with SQLite, which has no disk buffer. Time left while buffering: `(ozgwatch_store_buffer_limit_bytes - ozgwatch_store_buffer_bytes) / deriv(ozgwatch_store_buffer_bytes[15m])`.',
  },
  probesAssigned: {
    name: 'ozgwatch_probes_assigned',
    type: 'gauge',
    help: 'Probes assigned to this instance: all loaded probes, or its shard of them, disabled ones included.',
    labels: [],
    scope: 'self',
    doc: 'With `shard`/`shards`, the instances of one location add up to `ozgwatch_probes_loaded`; less means a shard is missing (`OzgwatchShardMissing`). Disabled probes count here as in `ozgwatch_probes_loaded`, so that the sum holds; the probes an instance watches are those with an `ozgwatch_probe_info` series.',
  },
  probesLoaded: {
    name: 'ozgwatch_probes_loaded',
    type: 'gauge',
    help: 'Probes in the valid configuration this instance loaded, of all shards.',
    labels: [],
    scope: 'self',
    doc: 'The same on every instance of a location that reads the same probes. The instances add their `ozgwatch_probes_assigned` up to it; a missing shard (a pod that cannot be scheduled has no scrape target, so `up` says nothing) shows as a smaller sum.',
  },
} as const satisfies Record<string, MetricSpec>;

/** Every catalogued metric, in exposition order. */
export const METRICS: readonly MetricSpec[] = Object.values(catalogue);

/** The per-probe families, in exposition order. */
export const PROBE_METRICS: readonly MetricSpec[] = METRICS.filter((m) => m.scope === 'probe');

/**
 * prom-client's default process metrics (`collectDefaultMetrics`), catalogued as
 * groups by prefix: their exact set depends on the platform and prom-client version.
 */
export const DEFAULT_METRIC_GROUPS = [
  { prefix: 'process_', help: 'CPU, memory, file descriptors and start time of the process.' },
  { prefix: 'nodejs_', help: 'Event loop lag, heap, garbage collection and handles of Node.js.' },
] as const;

const byName = new Map(METRICS.map((m) => [m.name, m]));

/** The catalogue entry of a family name, `undefined` when not catalogued. */
export function specOf(name: string): MetricSpec | undefined {
  return byName.get(name);
}

/**
 * Whether a name as it appears in PromQL (a family, or a histogram's `_bucket`, `_sum`,
 * `_count` series) is catalogued, individually or as a default process metric.
 */
export function isCatalogued(name: string): boolean {
  if (byName.has(name)) return true;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (m && byName.get(m[1] as string)?.type === 'histogram') return true;
  return DEFAULT_METRIC_GROUPS.some((g) => name.startsWith(g.prefix));
}
