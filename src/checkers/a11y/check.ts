import type { Page } from 'playwright';
import type {
  A11yCrawl,
  A11yPage,
  Outcome,
  DocumentInfo,
  ReasonCode,
} from '../../results/result.ts';
import { readLinks } from '../bitv/links.ts';
import { findLink, STATEMENT_LINK } from '../bitv/signals.ts';
import type { Checker, CheckContext } from '../checker.ts';
import { errorLine } from '../error-line.ts';
import { within } from '../browser/bounded.ts';
import { withGuardedPage } from '../browser/guarded-page.ts';
import { CRASHED, pageLoadReason, statusReason, tunnelRefused } from '../browser/net-reason.ts';
import { proxyRefusal } from '../../net/proxy-refusal.ts';
import type { ProxySettings } from '../../net/proxy.ts';
import { detectSoftError } from '../http/soft-error.ts';
import { AXE_VERSION, scanPage } from './axe.ts';
import { CrawlFrontier, loadRobots } from './crawl.ts';
import { brokenDocument } from './classify.ts';
import { classifyDocumentLinks } from './documents.ts';
import { DocumentFinder } from './document-finder.ts';
import { settle } from './settle.ts';
import {
  declineConsent,
  findConsentLayer,
  hideConsentLayer,
  joinScans,
  occurrencesInLayer,
} from './consent.ts';
import { applyWaivers } from './waivers.ts';
import { a11ySpecSchema, type A11ySpec } from './spec.ts';
import { summarise } from './summary.ts';
import { TimeBudget } from '../time-budget.ts';

export const a11yChecker: Checker<A11ySpec> = {
  kind: 'a11y',
  spec: a11ySpecSchema,
  // Shares the browser's pool: a scan is a browser context like a journey.
  pool: 'browser',
  concurrency: 2,
  check: checkA11y,
};

/**
 * Scans each URL, or the pages a crawl finds, with axe-core in one fresh browser context.
 * Violations make the run `fail` (reason `a11y_violations`); a page that does not load
 * fails the run too, and the pages after it are still scanned. Each scanned page also
 * records its link to the accessibility statement and the documents it links.
 */
export async function checkA11y(ctx: CheckContext, spec: A11ySpec): Promise<Outcome> {
  const frontier = spec.crawl
    ? new CrawlFrontier(
        spec.crawl,
        spec.crawl.robots ? await loadRobots(ctx, spec.crawl.start) : undefined,
      )
    : undefined;
  // Pages are loaded and scanned within the run's time: a page that hangs must not take the
  // pages scanned before it down with the run.
  const budget = new TimeBudget(ctx.deadlineAt);
  const finder = new DocumentFinder(ctx, spec.documents.max, () => budget.left());
  return withGuardedPage(ctx, async (first, guard) => {
    let page = first;
    const pages: A11yPage[] = [];
    const reasons: ReasonCode[] = [];
    const documents: string[] = [];
    /** A document's identity → where its file is, when a redirect leads elsewhere. */
    const located = new Map<string, string>();
    const targets = frontier ?? listed(spec.urls);
    for (let target = targets.next(); target; target = targets.next()) {
      ctx.signal.throwIfAborted();
      if (budget.left() < MIN_PAGE_MS) {
        // Pages the run has no time for are named, listed or found by the crawl: a scan
        // cut off by the deadline must not read as a site free of violations.
        for (; target; target = targets.next()) {
          pages.push(notReached(target.url));
          reasons.push('timeout');
        }
        break;
      }
      const timeout = budget.cap(spec.pageTimeout);
      // A request the guard holds back is recorded with the page it was sent from.
      guard.step = target.url;
      const { scanned, reason, spoiled } = await scanUrl(
        page,
        target.url,
        { ...spec, pageTimeout: timeout },
        ctx.signal,
        ctx.proxy,
      );
      if (frontier) scanned.depth = target.depth;
      pages.push(scanned);
      if (spoiled) {
        // The next page gets a renderer of its own: this one crashed or is still busy.
        const old = page;
        await old.close().catch(() => undefined);
        // Without a browser no new page opens; the next URLs then fail as crashed too.
        page = await old
          .context()
          .newPage()
          .catch(() => old);
      }
      if (reason) reasons.push(reason);
      if (scanned.error !== undefined) continue;
      frontier?.visited(page.url());
      const links = (await within(readLinks(page), LINKS_MS)) ?? [];
      const statement = findLink(links, STATEMENT_LINK);
      scanned.statementLink = statement ? `"${statement.text}" → ${statement.href}` : null;
      const found =
        spec.documents.max > 0
          ? await finder.find(links)
          : { documents: [], at: new Map<string, string>(), notPages: new Set<string>() };
      if (found.documents.length > 0) scanned.documentLinks = found.documents;
      documents.push(...found.documents);
      for (const [identity, at] of found.at) located.set(identity, at);
      frontier?.add(
        links.map((l) => l.href).filter((href) => !found.notPages.has(href)),
        target.depth,
      );
    }
    // Documents are fetched only with time left: pages already scanned come first. Those
    // left unfetched are named, never dropped: a form not checked is not an accessible one.
    const classified =
      budget.left() >= MIN_PAGE_MS
        ? await classifyDocumentLinks(
            ctx,
            [...new Set(documents)].map((url) => ({ url, at: located.get(url) })),
            spec.documents,
          )
        : [...new Set(documents)]
            .slice(0, spec.documents.max)
            .map((url) =>
              brokenDocument(url, 0, "not fetched: the run's timeout was reached before it"),
            );
    const browser = page.context().browser()?.version();
    return judge(
      spec,
      pages,
      reasons,
      classified,
      ctx.now(),
      frontier?.summary(pages.length),
      browser,
    );
  });
}

/** At most this long for what a page does after `load` (see {@link settle}). */
const SETTLE_MS = 5_000;

/** Reading a scanned page's links: a page that answered axe-core answers this at once. */
const LINKS_MS = 5_000;

/** The error of a scan whose page navigated away while axe-core read it. */
const NAVIGATED = /Execution context was destroyed|navigat|Frame was detached/i;

/** Why a page answered 200 is not the service: it shows an error or maintenance notice. */
async function softError(
  page: Page,
): Promise<{ error: string; reason: 'soft_error' | 'maintenance_page' } | undefined> {
  const soft = detectSoftError(await page.content());
  return soft
    ? {
        error: `the page shows an error, not the service: "${soft.phrase}" in its ${soft.where}`,
        reason: soft.reason,
      }
    : undefined;
}

/**
 * An empty shell: no text and nothing but bare containers, as a single-page app leaves
 * when its script failed. Elements with a role, a name or any other meaning (an empty
 * heading, an unnamed textbox) are content axe-core judges; a meta refresh too.
 */
async function isEmpty(page: Page): Promise<boolean> {
  const empty = await page.evaluate(`(() => {
    const body = document.body;
    if (!body || (body.innerText || '').trim() !== '') return false;
    if (document.querySelector('meta[http-equiv="refresh" i]')) return false;
    const IGNORED = /^(script|style|noscript|template|link|meta)$/;
    const BARE = /^(div|span|main|section|article|header|footer|nav)$|-/;
    return [...body.querySelectorAll('*')].every((el) => {
      const tag = el.tagName.toLowerCase();
      if (IGNORED.test(tag) || el.closest('template, noscript')) return true;
      return BARE.test(tag) && !el.shadowRoot && (el.textContent || '').trim() === '' &&
        [...el.attributes].every((a) => /^(id|class|style|data-.*)$/.test(a.name));
    });
  })()`);
  return empty === true;
}

/** Less time than this left, no further page is loaded: it could not be scanned in time. */
const MIN_PAGE_MS = 1_000;

/** A listed page the run had no time left for. */
function notReached(url: string): A11yPage {
  const error = "not scanned: the run's timeout was reached before this page";
  return { url, seconds: 0, violations: [], incomplete: [], error, reason: 'timeout' };
}

/** The listed URLs, in the frontier's shape. */
function listed(urls: readonly string[]): { next(): { url: string; depth: number } | undefined } {
  let i = 0;
  return {
    next: () => (i < urls.length ? { url: urls[i++] as string, depth: 0 } : undefined),
  };
}

/** What scanning one URL gave; `reason` and `spoiled` only when it was not scanned. */
interface UrlScan {
  scanned: A11yPage;
  /** Why the page was not scanned, as a reason code. */
  reason?: ReasonCode;
  /** The page crashed or is still busy: the next URL needs a new one. */
  spoiled: boolean;
}

/**
 * One page: loaded, settled, then scanned, all within its `pageTimeout` (and the fixed
 * {@link MIN_SCAN_MS} for a scan the load left no time for); a page that cannot be loaded or
 * scanned is reported, not thrown.
 */
async function scanUrl(
  page: Page,
  url: string,
  spec: A11ySpec,
  signal: AbortSignal,
  proxy: ProxySettings | undefined,
): Promise<UrlScan> {
  const notScanned = (error: string, reason: ReasonCode, spoiled = false): UrlScan => ({
    scanned: { url, seconds: 0, violations: [], incomplete: [], error, reason },
    reason,
    spoiled,
  });
  // Every step after the load takes from what is left of the page's time, not from a time
  // of its own: a page whose script loops after `load` used to get the settle, the
  // error-page check and the scan one after another (2.6 × pageTimeout at 4 s).
  const deadline = performance.now() + spec.pageTimeout;
  const left = (): number => Math.max(0, deadline - performance.now());
  let status: number;
  try {
    const response = await page.goto(url, { waitUntil: spec.waitUntil, timeout: spec.pageTimeout });
    status = response?.status() ?? 0;
  } catch (error) {
    if (signal.aborted) throw error;
    const message = errorLine(error);
    const reason = pageLoadReason(message);
    // A proxy that keeps refusing our credentials makes Chromium wait without an error, one
    // that refuses the tunnel looks like the target's: the proxy is asked.
    const refused =
      reason === 'navigation_timeout' || tunnelRefused(message)
        ? await proxyRefusal(proxy, url, signal)
        : undefined;
    if (refused) return notScanned(`the outbound proxy ${refused}`, 'proxy_error', true);
    // A page that did not load may still be loading or spinning in a script.
    return notScanned(message, reason, true);
  }
  if (status >= 400) return notScanned(`status ${status}`, statusReason(status, url, proxy));

  // A page that did not answer while it settled is held by a script: asking it whether it
  // shows an error would wait as long again; the scan gets that time instead.
  const answers = await settle(page, Math.min(SETTLE_MS, spec.pageTimeout / 4, left()));
  const shown = answers
    ? await within(softError(page), Math.min(SETTLE_MS, Math.max(left(), MIN_SCAN_MS)))
    : undefined;
  if (shown) {
    // An error page or a maintenance notice has no violations worth the name: the service
    // itself was not there to be checked.
    return notScanned(shown.error, shown.reason);
  }

  // The scan gets what is left of the page's time: axe-core on a huge page runs for minutes
  // (10 MB of HTML: over 15 s), and a page that loops in a script never lets it finish.
  const seconds = spec.pageTimeout / 1000;
  const scanTime = (): number => Math.max(left(), MIN_SCAN_MS);
  const axeOptions = {
    profile: spec.profile,
    bestPractice: spec.bestPractice,
    include: spec.include,
    exclude: spec.exclude,
    disabledRules: spec.disableRules.map((r) => r.id),
  };
  const attempt = (): Promise<A11yPage | Error> =>
    scanPage(page, { ...axeOptions, deadline: performance.now() + scanTime() }).then(
      (scanned): A11yPage | Error => scanned,
      (error: unknown): A11yPage | Error =>
        error instanceof Error ? error : new Error(String(error)),
    );
  let result = await within(attempt(), scanTime());
  if (result instanceof Error && NAVIGATED.test(result.message) && !signal.aborted) {
    // The page went on to another one while it was read: scan where it arrived, once.
    await settle(page, Math.min(SETTLE_MS, spec.pageTimeout / 4, left()));
    result = await within(attempt(), scanTime());
  }
  if (answers && result !== undefined && !(result instanceof Error)) {
    result = await pastConsent(page, result, () => within(attempt(), scanTime()), left);
  }
  if (signal.aborted) throw signal.reason as Error;
  if (result === undefined) {
    return notScanned(`accessibility scan did not finish within ${seconds}s`, 'scan_failed', true);
  }
  if (result instanceof Error) {
    const message = errorLine(result);
    if (CRASHED.test(message)) return notScanned(message, 'browser_crash', true);
    // axe-core walks the DOM recursively: from about 2,000 levels its stack overflows.
    return notScanned(`accessibility scan failed: ${message}`, 'scan_failed');
  }
  // An empty shell's violations (no title, no lang) are real; without any, "no violations"
  // would be said of a page that shows nothing.
  if (result.violations.length === 0 && (await within(isEmpty(page), scanTime()))) {
    return notScanned('the page shows nothing: no text or content after loading', 'soft_error');
  }
  return { scanned: result, spoiled: false };
}

/**
 * A page whose consent layer hides its content (covers it, or made it `inert` or
 * `aria-hidden`) is scanned twice: as shown — the layer is part of the page, and a banner
 * without accessible buttons is a barrier for everyone who must get past it — and with the
 * layer declined ("Nur notwendige", "Ablehnen": no consent is given) or, without such a
 * choice, set aside; the page keeps both scans' findings, none twice, and what was done.
 */
async function pastConsent(
  page: Page,
  shown: A11yPage,
  scan: () => Promise<A11yPage | Error | undefined>,
  left: () => number,
): Promise<A11yPage | Error | undefined> {
  const layer = await findConsentLayer(page, Math.min(CONSENT_MS, Math.max(left(), 100)));
  if (!layer || layer.hides.length === 0) return shown;
  const inLayer = await occurrencesInLayer(page, layer, shown, Math.max(left(), 100));
  const button = await declineConsent(page, layer, Math.min(CONSENT_MS, Math.max(left(), 100)));
  if (button === undefined) await hideConsentLayer(page, layer, Math.max(left(), 100));
  // Not excluded by its selector: once the layer is gone, an nth-child path may name content.
  // A layer that stays (as a small settings button) is found again and counted once.
  const content = await scan();
  if (content === undefined || content instanceof Error) return content;
  return joinScans(shown, content, inLayer, {
    layer: layer.selector,
    hid: layer.hides,
    ...(button !== undefined
      ? { action: 'declined' as const, button }
      : { action: 'hidden' as const }),
    ...(layer.in ? { in: layer.in } : {}),
    ...(layer.in === 'closed-shadow-root' ? { note: CLOSED_ROOT_NOTE } : {}),
  });
}

/**
 * axe-core, like every script of the page, cannot read a closed shadow root: the layer was
 * found and declined over CDP, but its own barriers are not among the findings.
 */
const CLOSED_ROOT_NOTE =
  "the layer renders in a closed shadow root: axe-core cannot read inside it, so the layer's own barriers are not among the findings";

/** At most this long to find a consent layer, and to wait for it to close once declined. */
const CONSENT_MS = 2_000;

/**
 * A scan the load and settle left no time for still gets this long: the fixed margin a page
 * may run over its `pageTimeout`.
 */
const MIN_SCAN_MS = 1_000;

function judge(
  spec: A11ySpec,
  pages: A11yPage[],
  reasons: readonly ReasonCode[],
  documents: DocumentInfo[],
  now: number,
  crawl: A11yCrawl | undefined,
  browser: string | undefined,
): Outcome {
  const report = applyWaivers(
    {
      engine: { name: 'axe-core' as const, version: AXE_VERSION },
      ...(browser ? { browser } : {}),
      profile: spec.profile,
      pages,
      ...(crawl ? { crawl } : {}),
      ...(documents.length > 0 ? { documents } : {}),
    },
    spec.waivers,
    now,
  );
  const summary = summarise(report);
  const failedPages = pages.filter((p) => p.error !== undefined);
  const base = { assertions: [], a11y: report };
  if (failedPages.length > 0) {
    // A page the target broke (not loaded, crashed) outweighs one only ozgwatch could not
    // scan (axe-core failed, the outbound proxy failed); if all are of the second kind,
    // ozgwatch could not check: `error`, not `fail`.
    const worst = Math.max(
      reasons.findIndex((r) => !notScannedByOurFault(r)),
      0,
    );
    const reason = reasons[worst] ?? 'navigation_timeout';
    const page = failedPages[worst];
    return {
      status: notScannedByOurFault(reason) ? 'error' : 'fail',
      reason,
      message: `${failedPages.length} of ${pages.length} page(s) not scanned: ${page?.url} (${page?.error})`,
      ...base,
    };
  }
  // A page with a frame that can show content but was not scanned was not fully evaluated
  // (WCAG-EM): its result says nothing about that frame, so the run cannot pass.
  const partial = pages.filter((p) => p.framesNotScanned !== undefined);
  const frames = partial.flatMap((p) => p.framesNotScanned ?? []);
  const unscanned =
    partial.length > 0
      ? `; ${frames.length} frame(s) not scanned on ${partial.length} page(s): ${frames[0]} on ${partial[0]?.url}`
      : '';
  if (summary.violations > 0) {
    return {
      status: 'fail',
      reason: 'a11y_violations',
      message: `${summary.violations} violation(s) of ${summary.rules.length} rule(s) on ${pages.length} page(s) (${summary.rules.slice(0, 5).join(', ')}); ${summary.waived} waived; ${summary.incomplete} to review${unscanned}`,
      ...base,
    };
  }
  if (partial.length > 0) {
    return {
      status: 'degraded',
      reason: 'frame_not_scanned',
      message: `no violations found, but ${frames.length} frame(s) not scanned on ${partial.length} of ${pages.length} page(s): ${frames[0]} on ${partial[0]?.url}; ${summary.waived} waived; ${summary.incomplete} to review`,
      ...base,
    };
  }
  return {
    status: 'pass',
    message: `no violations on ${pages.length} page(s); ${summary.waived} waived; ${summary.incomplete} to review`,
    ...base,
  };
}

/**
 * Whether a page was not scanned for ozgwatch's own reason (axe-core failed, the outbound
 * proxy failed), which says nothing about the service: such a run is an `error`.
 */
export function notScannedByOurFault(reason: ReasonCode | undefined): boolean {
  return reason === 'scan_failed' || reason === 'proxy_error';
}
