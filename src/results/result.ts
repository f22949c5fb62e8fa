/**
 * The Result every part of ozgwatch speaks: checkers produce an {@link Outcome},
 * the runner wraps it into a {@link Result}, sinks (store, metrics) consume it.
 * A result explains itself — nothing downstream ever parses a log line.
 */

/** `error` means ozgwatch could not run the check; it says nothing about the target. */
export type RunStatus = 'pass' | 'degraded' | 'fail' | 'error';

export const RUN_STATUSES: readonly RunStatus[] = ['pass', 'degraded', 'fail', 'error'];

/** Why a run did not pass. Stable strings: they are stored and shown to people. */
export type ReasonCode =
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'http_status'
  | 'assertion'
  | 'redirect_loop'
  | 'too_many_redirects'
  | 'unsafe_redirect'
  | 'connection_reset'
  | 'protocol'
  | 'body_too_large'
  | 'soft_error'
  | 'maintenance_page'
  | 'cert_expiring'
  | 'cert_invalid'
  | 'slow'
  | 'selector_missing'
  | 'not_actionable'
  | 'navigation_timeout'
  | 'page_unresponsive'
  | 'request_blocked'
  | 'js_error'
  | 'browser_crash'
  | 'a11y_violations'
  | 'scan_failed'
  | 'frame_not_scanned'
  | 'bitv_signals'
  | 'media_breaks'
  | 'aborted'
  | 'secret_missing'
  | 'proxy_error'
  | 'internal';

/** One checked expectation, with what was expected and what was seen. */
export interface Assertion {
  /** Short machine name, e.g. `status`, `body_contains`, `header`, `max_duration`, `cert_expiry`. */
  name: string;
  ok: boolean;
  /** Human sentence in the style `status 503 ∈ [200]`. */
  text: string;
  expected?: unknown;
  actual?: unknown;
}

/** HTTP phase durations in seconds, named as blackbox_exporter names them. */
export interface HttpPhases {
  resolve: number;
  connect: number;
  tls: number;
  processing: number;
  transfer: number;
}

export interface RedirectHop {
  url: string;
  status: number;
}

export interface HttpDetails {
  /** Final status code (after redirects); 0 when no response arrived. */
  status: number;
  /** `1.1` or `2`, of the final response; absent when no response arrived. */
  httpVersion?: string;
  finalUrl: string;
  redirects: RedirectHop[];
  bodyBytes: number;
  remoteAddress?: string;
  /** IP protocol of the connection to the last hop; absent through a proxy (it chose the address). */
  ipProtocol?: 4 | 6;
}

export interface TlsDetails {
  /** Earliest `notAfter` of the presented chain, epoch milliseconds. */
  earliestExpiry: number;
  /** Days until {@link earliestExpiry} at the time of the run (may be negative). */
  daysLeft: number;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  /** Whether the requested host name matches the leaf certificate. */
  hostnameMatch: boolean;
  /**
   * Whether the chain is trusted: by Node's default CA store for an `http` probe and for a
   * certificate a journey's browser refused (read by ozgwatch's own handshake); by the browser
   * (its trust store, with whatever the probe's browser trusts in addition) for a journey's
   * certificate the page loaded with, which is always `true`: a refused one has no page.
   */
  authorized: boolean;
  /** Node's reason for not trusting the chain, e.g. `CERT_HAS_EXPIRED`. */
  authorizationError?: string;
  protocol?: string;
  cipher?: string;
  /**
   * The site the certificate is of, `host:port` as in its URL (`id.bund.de`,
   * `localhost:8443`). Set by browser journeys, which load the certificates of several sites.
   */
  host?: string;
  /**
   * When the certificate was read, epoch ms, when that was an earlier run of the probe: a
   * journey that failed before reaching a site keeps its certificate from the runs of the
   * last days ({@link Outcome.certificates}). Absent when this run read it.
   */
  seenAt?: number;
}

/** One step of a browser journey. */
export interface StepResult {
  /** The declared name (a metric label): given in the probe, or `<position>-<action>`. */
  name: string;
  action: string;
  status: 'pass' | 'fail' | 'skipped';
  /** Seconds. */
  duration: number;
  /** Page URL when the step ended. */
  url?: string;
  /** Status of the main document, for steps that navigated. */
  httpStatus?: number;
  consoleErrors: string[];
  /** Uncaught JavaScript errors of the page during the step. */
  pageErrors: string[];
  failedRequests: number;
  /** The failed expectation, with what was seen. */
  assertion?: Assertion;
  error?: string;
}

/** A request the journey wanted to send but the guard stopped (it would change state). */
export interface BlockedRequest {
  method: string;
  url: string;
  step: string;
}

/** Core Web Vitals of one visited page, as the browser reported them. Seconds, CLS unitless. */
export interface PageVitals {
  url: string;
  ttfb?: number;
  fcp?: number;
  lcp?: number;
  cls?: number;
}

/** A file kept as evidence of a run (screenshot, page HTML, trace, download). */
export interface Artifact {
  /** File name inside the run's artifact folder. */
  name: string;
  kind: 'screenshot' | 'html' | 'trace' | 'download' | 'report';
  contentType: string;
  bytes: number;
}

/** One element an accessibility rule flagged. */
export interface A11yNode {
  /** CSS selectors (`>>>` enters a frame). */
  target: string[];
  /** Selectors with the element's ancestry: stable across small changes elsewhere on the page. */
  ancestry: string[];
  /** The element's HTML, truncated. */
  html: string;
  failureSummary?: string;
  /** Rule + page + stable selector: this finding at this place. */
  occurrence: string;
  /** Rule + normalised HTML of the component: the same broken widget wherever it appears. */
  pattern: string;
  /** An accepted finding (from `waivers:`): counted apart, not as a violation. */
  waived?: { reason: string; owner: string; expires: string };
}

/** One rule's result on one page: a violation, or `incomplete` (needs a person to review). */
export interface A11yFinding {
  ruleId: string;
  impact: string;
  tags: string[];
  /** WCAG success criteria from the rule's tags, e.g. `1.4.3`. */
  wcag: string[];
  /** EN 301 549 clauses from the rule's tags, e.g. `9.1.4.3`. */
  en301549: string[];
  help: string;
  helpUrl: string;
  nodes: A11yNode[];
}

export interface A11yPage {
  url: string;
  /** Seconds axe took on this page. */
  seconds: number;
  violations: A11yFinding[];
  incomplete: A11yFinding[];
  /** Why the page could not be scanned. */
  error?: string;
  /**
   * Frames that can show content but were not scanned, as `selector: why`: the page was
   * not fully evaluated (WCAG-EM), so it does not pass. Frames without a box are left out.
   */
  framesNotScanned?: string[];
  /** A consent layer hid the content: both it and the content behind it were scanned. */
  consent?: A11yConsent;
  /** The reason code of {@link error}: what a run of this page alone would report. */
  reason?: ReasonCode;
  /** Documents the page links (classified in the report's `documents`). */
  documentLinks?: string[];
  /**
   * The page's link to the accessibility statement (BITV § 7(1): on every page), as
   * `"name" → address`; null when the page has none. Absent on pages not scanned.
   */
  statementLink?: string | null;
  /** Links followed from the start page to reach it (crawls only). */
  depth?: number;
  /** The journey step that scanned it (journeys only). */
  step?: string;
  /** The journey declared it an error state or the process's confirmation page. */
  state?: 'error' | 'confirmation';
}

/** A consent layer (cookie banner) that hid a page's content, and how the scan got past it. */
export interface A11yConsent {
  /** CSS selector of the layer. */
  layer: string;
  /** How it hid the content: it covered the viewport (`overlay`), or set `inert` / `aria-hidden` on it. */
  hid: ('overlay' | 'inert' | 'aria-hidden')[];
  /**
   * `declined`: its accept-free choice (`button`, e.g. "Nur notwendige Cookies") was taken;
   * `hidden`: it had none that freed the content, so it was set aside without a choice.
   */
  action: 'declined' | 'hidden';
  button?: string;
  /**
   * Where the layer's controls were, when not in the page's own DOM: in a closed shadow root
   * (reached over the DevTools protocol) or in a frame over the page.
   */
  in?: 'closed-shadow-root' | 'frame';
  /** What the scans could not do with this layer, e.g. read inside a closed shadow root. */
  note?: string;
}

/** How a crawl went: what it was allowed, what it scanned, what it left out and why. */
export interface A11yCrawl {
  start: string;
  depth: number;
  maxPages: number;
  /** Pages visited (scanned or not). */
  pages: number;
  skipped: {
    /** Matched the probe's `exclude` patterns. */
    excluded: number;
    /** Forbidden to ozgwatch by the site's robots.txt. */
    robots: number;
    /** Found beyond `maxPages`. */
    limit: number;
  };
}

/**
 * `scanned`: no text, only page images (a print-and-sign form); `untagged`: text but no
 * structure; `tagged`: structure a screen reader can follow (PDF: MarkInfo and a structure
 * tree; Word/ODF: heading styles, and alt text on every image); `pdfua`: tagged and claims
 * PDF/UA (whether the claim holds up: `pdfuaProblems`); `unchecked`: a binary Word 97–2003 file, whose structure ozgwatch cannot read;
 * `broken`: could not be read (truncated, encrypted, too large, hostile).
 */
export type DocumentClass = 'scanned' | 'untagged' | 'tagged' | 'pdfua' | 'unchecked' | 'broken';

/** File formats of downloadable documents, told by their bytes, not their names. */
export type DocumentFormat = 'pdf' | 'docx' | 'odt' | 'doc';

/** A downloadable document linked from a scanned page, as far as a machine can judge it. */
export interface DocumentInfo {
  /**
   * The document's identity: the address the page links to, also when it redirects to the
   * file (its history stays one document when the file's address changes every run).
   */
  url: string;
  /** Where the file was fetched from, when a redirect led elsewhere than {@link url}. */
  finalUrl?: string;
  /** Absent in results stored before office documents were checked: a PDF. */
  format?: DocumentFormat;
  bytes: number;
  class: DocumentClass;
  /** 0 when unknown (Word documents give it only when Word saved them). */
  pages: number;
  tagged: boolean;
  /** `pdfuaid:part` of the XMP metadata (1 or 2) when the file claims PDF/UA. */
  pdfuaPart?: number;
  /**
   * A tagged file that claims PDF/UA: the machine checks it fails (up to 10, each with its
   * clause of ISO 14289-1, e.g. `7.3: a Figure has no alternative text`), [] when it passes.
   * Absent when it claims nothing, and in results classified before claims were checked.
   */
  pdfuaProblems?: string[];
  /** The catalog's `/Lang`, or the document language of a Word/ODF file. */
  lang?: string;
  title?: string;
  /** Fillable form fields (AcroForm; Word form fields and content controls; ODF controls). */
  formFields: number;
  /**
   * PDF with form fields: those a screen reader cannot name (no tooltip `/TU`, and no text
   * alternative on their widgets' structure elements). Absent in results from before it was
   * counted.
   */
  formFieldsUnnamed?: number;
  /** Fonts used by the first pages (PDF): none, with images, is a scan. */
  fonts: number;
  /** Images (PDF: on the first pages). */
  images: number;
  /** Word/ODF: images without alternative text. */
  imagesWithoutAlt?: number;
  /** Word/ODF: paragraphs with a heading style or outline level. */
  headings?: number;
  /** PDF: text of the first page (up to 2,000 characters), absent for scans and unreadable text. */
  firstPageText?: string;
  error?: string;
}

/** The accessibility scans of a run: which engine, which rules, every page. */
export interface A11yReport {
  engine: { name: 'axe-core'; version: string };
  /** Version of the browser that rendered the pages, for the report's method section. */
  browser?: string;
  profile: string;
  pages: A11yPage[];
  /** Present when the pages were found by a crawl rather than listed. */
  crawl?: A11yCrawl;
  /** PDFs linked from the scanned pages. */
  documents?: DocumentInfo[];
}

/** One formal BITV signal: present (1) or not (0), and what showed it. */
export interface BitvSignal {
  value: 0 | 1;
  evidence: string;
}

export interface BitvReport {
  /** By name: statement_link, statement_every_page, statement_reachable, statement_contents, statement_current, feedback, schlichtung, leichte_sprache, dgs, lang_matches. */
  signals: Record<string, BitvSignal>;
  /** Days since the statement's latest preparation or review date. */
  statementAgeDays?: number;
}

/** A Lighthouse audit of one page (`kind: lighthouse`). */
export interface LighthouseReport {
  version: string;
  /** The page as Lighthouse finally showed it (after redirects). */
  url: string;
  formFactor: 'desktop' | 'mobile';
  /** 0–1 per category; null when Lighthouse could not score it. */
  scores: Record<string, number | null>;
  /** `fcp`, `lcp`, `tbt`, `speedIndex`, `tti` in seconds; `cls` unitless. */
  metrics: Record<string, number>;
  warnings?: string[];
}

/** The ten media-break categories (DOMAIN.md §5), by their stable ids. */
export type MediaBreakKind =
  | 'paper-form'
  | 'handwritten-signature'
  | 'postal-submission'
  | 'fax-submission'
  | 'email-submission'
  | 'in-person'
  | 'original-documents'
  | 'manual-payment'
  | 'paper-decision'
  | 'scanned-pdf';

/** Where a break was seen: the sentence or link, the page and the element. */
export interface BreakEvidence {
  text: string;
  url: string;
  selector: string;
}

export interface MediaBreak {
  kind: MediaBreakKind;
  evidence: BreakEvidence;
  /** R4: the condition under which it applies ("bei Vertretung"), when there is one. */
  condition?: string;
  /** 0–1: explicit wording 0.9, weaker cues 0.6, a classified document 0.8. */
  confidence: number;
  /** Further places the same break was seen (up to 5). */
  more?: BreakEvidence[];
  /**
   * `in-person` only: whether the law requires the appearance (fingerprints for the
   * Personalausweis, Reisepass or eID card; the Eheschließung), so that no portal can remove
   * this break. Absent on other kinds and in results stored before it was recorded.
   */
  legallyMandated?: boolean;
  /** With `legallyMandated: true`: which rule, why, and the page's sentence that shows it. */
  legalBasis?: LegalBasis;
}

/** Why an in-person appearance is required by law. */
export interface LegalBasis {
  /** `identity-document` or `marriage`. */
  rule: string;
  /** What the law requires, for people to read. */
  reason: string;
  /** The sentence of the procedure that shows the service falls under the rule. */
  evidence: BreakEvidence;
}

/** How far the online-application path was followed, and why it stopped. */
export interface PathFollowed {
  /** The online-application link or button taken, if any. */
  entry?: string;
  /** Pages of the application reached after the service page. */
  steps: number;
  stoppedBecause:
    'no-online-application' | 'offsite' | 'would-post' | 'step-limit' | 'no-next-step' | 'error';
  /** The form that would have sent a state-changing request, as `METHOD action`. */
  stoppedAt?: string;
}

/** What the pages show about the service (DOMAIN.md §6), citizen-side. */
export interface MaturitySignals {
  /** A service description exists (S_info). */
  info: boolean;
  /** A fillable application form (S_assist). */
  assist: boolean;
  /**
   * An online application with a binding digital submission: a link or button into an online
   * service, or a form with a final submit (S_online). Text alone does not make it.
   */
  online: boolean;
  /**
   * The procedure text says this service can be applied for online ("Sie können den Antrag
   * online stellen"). A hint: without a link, button or form it raises no level. Absent in
   * results stored before it was recorded.
   */
  onlineText?: boolean;
  /** BundID, Servicekonto, Online-Ausweis, ELSTER or an organisation account mentioned. */
  auth: boolean;
  /** Evidence can be uploaded (a file input on the path, or the text says so). */
  upload: boolean;
  /** An e-payment method is named. */
  epayment: boolean;
  /** The service is free of charge. */
  noFee: boolean;
  /** Once-Only: evidence is fetched from registers, or none is needed (S_once_only). */
  onceOnly: boolean;
  /** The decision arrives in a Postfach or as a download (S_decision_digital). */
  decisionDigital: boolean;
  /** Pages of the online application followed. */
  pathSteps: number;
}

export interface MaturityEstimate {
  /** 0 offline … 4 online transaction (OZG Reifegradmodell 1.1). */
  level: 0 | 1 | 2 | 3 | 4;
  /** Always `estimated, citizen-side`: back-office criteria are invisible to a monitor. */
  basis: 'estimated, citizen-side';
  /** The level before caps, and the signals that gave it. */
  base: number;
  because: string[];
  /** The break that lowered the level, when one did. */
  cappedBy?: MediaBreakKind;
}

/** A document linked from a service's procedure, as the media-break checker sees it. */
export interface MediaBreakDocument {
  url: string;
  role: 'form' | 'leaflet' | 'unknown';
  class: DocumentClass;
}

/** Media breaks of one service and its estimated OZG maturity level (kind `media-breaks`). */
export interface MediaBreakReport {
  /** Language of the lexicon the text was read with. */
  lexicon: string;
  breaks: MediaBreak[];
  maturity: MaturityEstimate;
  /** No forced break and maturity ≥ 3. */
  endToEndDigital: boolean;
  signals: MaturitySignals;
  /** How far the online-application path was followed. */
  path: PathFollowed;
  /** Pages read: the service page and the application pages reached. */
  pages: string[];
  documents: MediaBreakDocument[];
}

/**
 * What a checker returns. Identity, timing of the whole run, retries and
 * flap damping are the runner's business, not the checker's.
 */
export interface Outcome {
  status: RunStatus;
  reason?: ReasonCode;
  /** One line a person can read, e.g. `status 503 ∈ [200]`. */
  message: string;
  assertions: Assertion[];
  phases?: HttpPhases;
  http?: HttpDetails;
  /**
   * The certificate that expires first: the one `probe_ssl_earliest_cert_expiry` exports. For
   * a browser journey, the earliest of {@link certificates}.
   */
  tls?: TlsDetails;
  /**
   * Browser journeys: one certificate per site (`host`) whose pages the journey loaded in this
   * run, and the runner adds those its runs of the last 7 days reached and this one did not
   * (with `seenAt`; not once expired since, nor in a run that passed), so that a
   * journey that fails before the identity provider still exports the provider's certificate.
   * Sorted by expiry, earliest first.
   */
  certificates?: TlsDetails[];
  steps?: StepResult[];
  blockedRequests?: BlockedRequest[];
  /**
   * What the run could not see or hold back, without changing its status: a WebSocket the
   * request guard blocked on a page that was scanned (what the socket would have shown was
   * not there), or one a worker opened that the guard could not hold back; an address of an
   * HTTP target that failed before another one answered ("IPv6 2001:db8::1 refused the
   * connection (ECONNREFUSED); connected over IPv4 192.0.2.1").
   */
  warnings?: string[];
  vitals?: PageVitals[];
  artifacts?: Artifact[];
  a11y?: A11yReport;
  bitv?: BitvReport;
  lighthouse?: LighthouseReport;
  mediaBreaks?: MediaBreakReport;
}

export interface Result extends Outcome {
  runId: string;
  probeId: string;
  kind: string;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Wall-clock duration of the run (all attempts), seconds. */
  duration: number;
  /** How many attempts were made (1 + retries used). */
  attempts: number;
  /** The run fell into a maintenance window: stored, but kept out of availability. */
  maintenance: boolean;
  /** The status after flap damping; what metrics and alerts see. */
  reportedStatus: RunStatus;
  /** Which ozgwatch made the run, when the daemon made it (not `ozgwatch run`). */
  origin?: RunOrigin;
}

/** The instance, shard and vantage point a run was made from. */
export interface RunOrigin {
  /** The instance's name (a pod name). */
  instance: string;
  /** `INDEX/COUNT` when the probes are shared out among instances. */
  shard?: string;
  location?: string;
}

/** A result as JSON documents show it (the API, `run --json`, `scan --json`): the start as ISO 8601. */
export function resultDocument<T extends { startedAt: number }>(
  result: T,
): Omit<T, 'startedAt'> & { startedAt: string } {
  return { ...result, startedAt: new Date(result.startedAt).toISOString() };
}

/** `pass` and `degraded` both mean "the service works". */
export function isSuccess(status: RunStatus): boolean {
  return status === 'pass' || status === 'degraded';
}
