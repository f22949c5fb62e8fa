import type { Page } from 'playwright';
import type { A11yCrawl, A11yPage, Outcome, DocumentInfo } from '../../results/result.ts';
import { findLink, STATEMENT_LINK } from '../bitv/signals.ts';
import type { Checker, CheckContext } from '../checker.ts';
import { errorLine } from '../error-line.ts';
import { withGuardedPage } from '../browser/guarded-page.ts';
import { pageLinks } from '../browser/page-links.ts';
import { AXE_VERSION, scanPage } from './axe.ts';
import { CrawlFrontier, loadRobots } from './crawl.ts';
import { classifyDocuments, documentLinks } from './documents.ts';
import { applyWaivers } from './waivers.ts';
import { a11ySpecSchema, type A11ySpec } from './spec.ts';
import { summarise } from './summary.ts';

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
  return withGuardedPage(ctx, async (page) => {
    const pages: A11yPage[] = [];
    const documents: string[] = [];
    const targets = frontier ?? listed(spec.urls);
    for (let target = targets.next(); target; target = targets.next()) {
      ctx.signal.throwIfAborted();
      const scanned = await scanUrl(page, target.url, spec, ctx.signal);
      if (frontier) scanned.depth = target.depth;
      pages.push(scanned);
      if (scanned.error !== undefined) continue;
      frontier?.visited(page.url());
      const links = await pageLinks(page).catch(() => []);
      const statement = findLink(links, STATEMENT_LINK);
      scanned.statementLink = statement ? `"${statement.text}" → ${statement.href}` : null;
      const found = spec.documents.max > 0 ? documentLinks(links) : [];
      if (found.length > 0) scanned.documentLinks = found;
      documents.push(...found);
      frontier?.add(
        links.map((l) => l.href),
        target.depth,
      );
    }
    const classified = await classifyDocuments(ctx, documents, spec.documents);
    const browser = page.context().browser()?.version();
    return judge(spec, pages, classified, ctx.now(), frontier?.summary(pages.length), browser);
  });
}

/** The listed URLs, in the frontier's shape. */
function listed(urls: readonly string[]): { next(): { url: string; depth: number } | undefined } {
  let i = 0;
  return {
    next: () => (i < urls.length ? { url: urls[i++] as string, depth: 0 } : undefined),
  };
}

/** One page: loaded, then scanned; a page that cannot be loaded is reported, not thrown. */
async function scanUrl(
  page: Page,
  url: string,
  spec: A11ySpec,
  signal: AbortSignal,
): Promise<A11yPage> {
  const notScanned = (error: string): A11yPage => ({
    url,
    seconds: 0,
    violations: [],
    incomplete: [],
    error,
  });
  try {
    const response = await page.goto(url, { waitUntil: spec.waitUntil, timeout: spec.pageTimeout });
    const status = response?.status() ?? 0;
    if (status >= 400) return notScanned(`status ${status}`);
    return await scanPage(page, {
      profile: spec.profile,
      bestPractice: spec.bestPractice,
      include: spec.include,
      exclude: spec.exclude,
      disabledRules: spec.disableRules.map((r) => r.id),
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return notScanned(errorLine(error));
  }
}

function judge(
  spec: A11ySpec,
  pages: A11yPage[],
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
    return {
      status: 'fail',
      reason: 'navigation_timeout',
      message: `${failedPages.length} of ${pages.length} page(s) not scanned: ${failedPages[0]?.url} (${failedPages[0]?.error})`,
      ...base,
    };
  }
  if (summary.violations > 0) {
    return {
      status: 'fail',
      reason: 'a11y_violations',
      message: `${summary.violations} violation(s) of ${summary.rules.length} rule(s) on ${pages.length} page(s) (${summary.rules.slice(0, 5).join(', ')}); ${summary.waived} waived; ${summary.incomplete} to review`,
      ...base,
    };
  }
  return {
    status: 'pass',
    message: `no violations on ${pages.length} page(s); ${summary.waived} waived; ${summary.incomplete} to review`,
    ...base,
  };
}
