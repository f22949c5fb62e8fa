import type { Config } from '../config/config.ts';
import { pino } from 'pino';
import { createLogger } from '../log/logger.ts';
import { printable, terminalJson } from '../log/terminal-text.ts';
import { parseDuration } from '../probes/duration.ts';
import { PROFILES } from '../checkers/a11y/axe.ts';
import { a11yChecker, notScannedByOurFault } from '../checkers/a11y/check.ts';
import { blockedSocketWarnings, warningsOfPage } from '../checkers/browser/guard-warnings.ts';
import { MIN_TIMEOUT_MS, probeSchema, type Probe } from '../probes/schema.ts';
import { resultDocument, type Result } from '../results/result.ts';
import { runOnce } from './cli-runner.ts';
import type { CliValues } from './main.ts';
import { anyFailed, formatResultTable } from './result-table.ts';
import { withScheme } from '../probes/url-hint.ts';

/**
 * Checks `scan` can run, by the name used in `--checks` and as the key in its JSON output.
 * `browser` loads the page in Chromium (also `--browser`); `a11y` scans it with axe-core
 * (rule set from `--profile`); `media-breaks` reads it as a service page (JSON key
 * `mediaBreaks`), following its online application.
 */
export const SCAN_CHECKS = ['availability', 'browser', 'a11y', 'media-breaks'] as const;
type ScanCheck = (typeof SCAN_CHECKS)[number];

/**
 * `ozgwatch scan <url…>`: an ad-hoc check of URLs without a probe file.
 * With `--json`, one JSON document per URL per line:
 * `{ url, status, availability: {…}, browser: {…} }`, one key per check.
 */
export async function scanCommand(
  config: Config,
  urls: string[],
  values: CliValues,
): Promise<number> {
  if (urls.length === 0) {
    process.stderr.write('ozgwatch scan: name at least one URL\n');
    return 2;
  }
  const checks = (values.checks ?? 'availability').split(',').map((c) => c.trim());
  if (values.browser && !checks.includes('browser')) checks.push('browser');
  const unknownChecks = checks.filter((c) => !(SCAN_CHECKS as readonly string[]).includes(c));
  if (unknownChecks.length > 0) {
    process.stderr.write(
      `ozgwatch scan: unknown check(s) ${unknownChecks.join(', ')}; available: ${SCAN_CHECKS.join(', ')}\n`,
    );
    return 2;
  }
  const timeout = values.timeout === undefined ? 30_000 : parseDuration(values.timeout);
  if (timeout === undefined || timeout < MIN_TIMEOUT_MS) {
    process.stderr.write(
      timeout === undefined
        ? `ozgwatch scan: --timeout "${values.timeout}" is not a duration (e.g. 10s)\n`
        : `ozgwatch scan: --timeout ${values.timeout} is below the minimum of ${MIN_TIMEOUT_MS}ms\n`,
    );
    return 2;
  }
  const profile = values.profile ?? 'en-301-549';
  if (!(profile in PROFILES)) {
    process.stderr.write(
      `ozgwatch scan: unknown profile "${profile}"; available: ${Object.keys(PROFILES).join(', ')}\n`,
    );
    return 2;
  }
  const planned: { url: string; check: ScanCheck; probe: Probe }[] = [];
  for (const [i, url] of urls.entries()) {
    for (const check of checks as ScanCheck[]) {
      if (check === 'a11y') continue;
      const probe = scanProbe(url, i, check, timeout, profile);
      if (!probe) {
        process.stderr.write(notAUrl(url));
        return 2;
      }
      planned.push({ url, check, probe });
    }
  }
  // Accessibility scans go in batches, one browser page each: one context per batch
  // instead of one per URL. As many batches as the browser pool runs at once.
  const batchCount = config.concurrency.kinds['browser'] ?? a11yChecker.concurrency ?? 2;
  const batches = checks.includes('a11y') ? a11yBatches(urls, batchCount, timeout, profile) : [];
  if (batches === undefined) {
    const bad = urls.find((url, i) => !scanProbe(url, i, 'a11y', timeout, profile)) ?? '';
    process.stderr.write(notAUrl(bad));
    return 2;
  }
  // Quiet by default (the output is the report); OZGWATCH_LOG_LEVEL opens it, on standard error.
  const logger = createLogger({
    level: process.env.OZGWATCH_LOG_LEVEL || 'warn',
    format: 'json',
    destination: pino.destination(2),
  });
  const results = await runOnce(config, [...planned.map((p) => p.probe), ...batches], logger);
  const done = planned.map((p, i) => ({
    ...p,
    result: p.check === 'browser' ? withSocketWarnings(results[i]!) : results[i]!,
  }));
  results.slice(planned.length).forEach((batch, b) => {
    const probe = batches[b]!;
    const requested = (probe.a11y as { urls: string[] }).urls;
    splitA11y(batch, requested).forEach((result, i) => {
      done.push({ url: requested[i] ?? '', check: 'a11y', probe, result });
    });
  });
  if (values.json) {
    for (const url of urls) {
      process.stdout.write(
        `${terminalJson(
          scanDocument(
            url,
            done.filter((d) => d.url === url),
          ),
        )}\n`,
      );
    }
  } else {
    process.stdout.write(
      `${formatResultTable(done.map((d) => ({ label: `${d.url} (${d.check})`, result: d.result })))}\n`,
    );
    const evidence = mediaBreakLines(done);
    if (evidence) process.stdout.write(`${evidence}\n`);
  }
  return anyFailed(done.map((d) => d.result)) ? 1 : 0;
}

function a11yBatches(
  urls: string[],
  count: number,
  timeout: number,
  profile: string,
): Probe[] | undefined {
  const size = Math.ceil(urls.length / count);
  const probes: Probe[] = [];
  for (let b = 0; b * size < urls.length; b++) {
    const part = urls.slice(b * size, (b + 1) * size);
    const parsed = probeSchema.safeParse({
      id: `scan-a11y-${b + 1}`,
      name: `accessibility scan ${b + 1}`,
      kind: 'a11y',
      every: '1d',
      timeout: `${timeout * part.length}ms`,
      labels: { service: 'scan' },
      a11y: { urls: part, profile, pageTimeout: `${timeout}ms` },
    });
    if (!parsed.success) return undefined;
    probes.push(parsed.data);
  }
  return probes;
}

/**
 * The page load of `--browser` is a journey of one step, which passes with its WebSocket
 * blocked: it says, as the page-reading checks do, that the page it loaded lacks what its
 * socket would have shown.
 */
function withSocketWarnings(result: Result): Result {
  const warnings = [
    ...blockedSocketWarnings(result.blockedRequests ?? [], () => ''),
    ...(result.warnings ?? []),
  ];
  return warnings.length > 0 ? { ...result, warnings } : result;
}

/**
 * One result per page of a batch (in the order of its URLs), judged like a one-page scan,
 * with what the request guard held back on that page. A batch that could not scan at all
 * (no browser) gives each URL its error.
 */
function splitA11y(batch: Result, urls: readonly string[]): Result[] {
  const report = batch.a11y;
  if (!report) return urls.map(() => batch);
  return report.pages.map((page, i) => {
    // The guard names the page by the address the scan was given.
    const url = urls[i] ?? page.url;
    const blocked = (batch.blockedRequests ?? []).filter((b) => b.step === url);
    const warnings = warningsOfPage(batch.warnings ?? [], url);
    const documents = (report.documents ?? []).filter((d) => page.documentLinks?.includes(d.url));
    const violations = page.violations.reduce((n, v) => n + v.nodes.length, 0);
    const frames = page.framesNotScanned ?? [];
    const reason =
      page.error !== undefined
        ? (page.reason ?? 'navigation_timeout')
        : violations > 0
          ? 'a11y_violations'
          : frames.length > 0
            ? 'frame_not_scanned'
            : undefined;
    // As for a whole a11y run: a page not scanned for ozgwatch's own reason (axe-core, the
    // proxy) is ozgwatch's error, and one with a frame it could not scan was not fully
    // evaluated: no pass.
    const status: Result['status'] = notScannedByOurFault(reason)
      ? 'error'
      : reason === 'frame_not_scanned'
        ? 'degraded'
        : reason !== undefined
          ? 'fail'
          : 'pass';
    const {
      reason: _reason,
      a11y: _a11y,
      blockedRequests: _blocked,
      warnings: _warnings,
      ...rest
    } = batch;
    const { documents: _documents, ...reportRest } = report;
    return {
      ...rest,
      status,
      reportedStatus: status,
      ...(reason ? { reason } : {}),
      message:
        page.error ??
        (violations > 0
          ? `${violations} violation(s) of ${page.violations.length} rule(s)`
          : frames.length > 0
            ? `no violations found, but ${frames.length} frame(s) not scanned: ${frames[0]}`
            : 'no violations'),
      duration: page.seconds,
      ...(blocked.length > 0 ? { blockedRequests: blocked } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
      a11y: {
        ...reportRest,
        pages: [page],
        ...(documents.length > 0 ? { documents } : {}),
      },
    };
  });
}

function scanProbe(
  url: string,
  i: number,
  check: ScanCheck,
  timeout: number,
  profile: string,
): Probe | undefined {
  const specs: Record<ScanCheck, Record<string, unknown>> = {
    availability: { kind: 'http', http: { url } },
    browser: { kind: 'browser', browser: { steps: [{ name: 'load', goto: url }] } },
    a11y: { kind: 'a11y', a11y: { urls: [url], profile } },
    'media-breaks': { kind: 'media-breaks', 'media-breaks': { url, pageTimeout: `${timeout}ms` } },
  };
  // Reading a service follows its application and fetches its documents: several pages.
  const runTimeout = check === 'media-breaks' ? timeout * 4 : timeout;
  const parsed = probeSchema.safeParse({
    id: `scan-${i + 1}-${check}`,
    name: url,
    every: `${Math.max(runTimeout * 2, 60_000)}ms`,
    timeout: `${runTimeout}ms`,
    labels: { service: 'scan' },
    ...specs[check],
  });
  return parsed.success ? parsed.data : undefined;
}

/** `{ url, status, <check>: {…} }`: the worst status of the checks, then each check's result. */
function scanDocument(url: string, parts: { check: ScanCheck; result: Result }[]) {
  const order = ['pass', 'degraded', 'fail', 'error'];
  const worst = parts
    .map((p) => p.result.status)
    .reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), 'pass');
  const doc: Record<string, unknown> = { url, status: worst };
  for (const { check, result } of parts) {
    const {
      runId: _r,
      probeId: _p,
      kind: _k,
      reportedStatus: _s,
      maintenance: _m,
      ...rest
    } = resultDocument(result);
    if (check === 'a11y') doc[check] = a11yPart(rest);
    else if (check === 'media-breaks') doc['mediaBreaks'] = mediaBreaksPart(rest);
    else doc[check] = rest;
  }
  return doc;
}

/** A result in a scan document: what the URL and check say already is left out. */
type ResultPart = Omit<
  Result,
  'runId' | 'probeId' | 'kind' | 'reportedStatus' | 'maintenance' | 'startedAt'
> & { startedAt: string };

/** The media-break part: status and message of the run, then the report's fields at the top. */
function mediaBreaksPart(result: ResultPart) {
  const { mediaBreaks, ...rest } = result;
  return { ...rest, ...mediaBreaks };
}

/** Readable evidence of the media breaks found, under the result table. */
function mediaBreakLines(done: { url: string; result: Result }[]): string {
  const lines: string[] = [];
  for (const { url, result } of done) {
    const report = result.mediaBreaks;
    if (!report) continue;
    lines.push(
      '',
      `${printable(url)}: maturity ${report.maturity.level} (estimated, citizen-side)${report.endToEndDigital ? ', Ende-zu-Ende digital' : ''}; application path: ${report.path.steps} page(s), stopped: ${report.path.stoppedBecause}`,
    );
    for (const b of report.breaks) {
      lines.push(
        // The whole sentence (the detector keeps at most 400 characters): the words that
        // gave the break away are often at its end.
        `  ${b.kind}${b.condition ? ` (${printable(b.condition)})` : ''}: ${printable(b.evidence.text)} [${printable(b.evidence.url)}]`,
      );
    }
  }
  return lines.join('\n');
}

/** The a11y part of a scan document: the one page's findings at the top, as pa11y users expect. */
function a11yPart(result: ResultPart) {
  const { a11y, ...rest } = result;
  const page = a11y?.pages[0];
  return {
    ...rest,
    engine: a11y?.engine,
    profile: a11y?.profile,
    ...(page ? { seconds: page.seconds } : {}),
    violations: page?.violations ?? [],
    incomplete: page?.incomplete ?? [],
    ...(page?.error ? { error: page.error } : {}),
  };
}

/** The usage error for an address that is not one, with how to write it when only the scheme is missing. */
function notAUrl(url: string): string {
  const meant = withScheme(url);
  return `ozgwatch scan: "${url}" is not an http:// or https:// URL${meant ? `; write "${meant}"` : ''}\n`;
}
