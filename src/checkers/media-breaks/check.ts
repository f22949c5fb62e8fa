import type { Page } from 'playwright';
import type { MediaBreakReport, Outcome } from '../../results/result.ts';
import { DocumentFinder } from '../a11y/document-finder.ts';
import { classifyDocumentLinks } from '../a11y/documents.ts';
import type { Checker, CheckContext } from '../checker.ts';
import { withGuardedPage } from '../browser/guarded-page.ts';
import { pageNotLoaded, pageStatusFailed } from '../browser/net-reason.ts';
import { detectMediaBreaks, writtenIn, type LinkedDocument } from './detect.ts';
import { extractPage, type PageContent } from './extract.ts';
import { followApplication, settle } from './follow.ts';
import { germanLexicon, type Lexicon } from './lexicon.ts';
import { mediaBreaksSpecSchema, type MediaBreaksSpec } from './spec.ts';

export const mediaBreaksChecker: Checker<MediaBreaksSpec> = {
  kind: 'media-breaks',
  spec: mediaBreaksSpecSchema,
  // A browser context like a journey: the browser's pool.
  pool: 'browser',
  concurrency: 2,
  check: checkMediaBreaks,
};

/**
 * Reads a service page in Chromium (as rendered, JavaScript included), follows its online
 * application on the same site up to a step limit without ever sending it, fetches the
 * documents the procedure links, and reports the media breaks found with their evidence
 * and the estimated maturity level. A break is a finding: the run is `fail` with reason
 * `media_breaks`, as accessibility violations are.
 */
export async function checkMediaBreaks(ctx: CheckContext, spec: MediaBreaksSpec): Promise<Outcome> {
  return withGuardedPage(ctx, async (page, guard) => {
    // What the guard holds back is recorded with the page it was sent from.
    const onPage = (url: string): void => {
      guard.step = url;
    };
    onPage(spec.url);
    let status: number;
    try {
      status = (await page.goto(spec.url, { timeout: spec.pageTimeout }))?.status() ?? 0;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return await pageNotLoaded('service page', spec.url, error, ctx);
    }
    if (status >= 400 || status === 0) {
      return pageStatusFailed('service page', spec.url, status, ctx.proxy);
    }
    const lexicon = germanLexicon();
    await settle(page);
    const service = await extractPage(page, lexicon.outOfScopeHeadings);
    if (!writtenIn(service, lexicon)) {
      // Not a finding about the service: the probe points at a page this lexicon cannot read.
      return {
        status: 'error',
        reason: 'scan_failed',
        message: `service page ${spec.url} is not written in the lexicon's language (${lexicon.language}): point the probe at the ${lexicon.language} page of the service`,
        assertions: [],
      };
    }
    const report = await readService(ctx, spec, page, service, lexicon, onPage);
    return judge(report);
  });
}

/** The service page (read already), its application path, its documents, and what they show. */
export async function readService(
  ctx: CheckContext,
  spec: MediaBreaksSpec,
  page: Page,
  service: PageContent,
  lexicon: Lexicon,
  onPage: (url: string) => void = () => undefined,
): Promise<MediaBreakReport> {
  const followed = await followApplication(
    page,
    service,
    lexicon,
    spec.followSteps,
    spec.pageTimeout,
    onPage,
  );
  ctx.signal.throwIfAborted();
  const pages = [service, ...followed.pages];
  const linked = await documentLinks(ctx, pages, spec.documents.max);
  // Known by the address the page links, fetched where it leads: a download script that
  // redirects to a new file name every run keeps one document, not a new one each run.
  const infos = await classifyDocumentLinks(
    ctx,
    linked.map((l) => ({ url: l.href, at: l.at })),
    spec.documents,
  );
  const documents: LinkedDocument[] = infos.map((info) => {
    const link = linked.find((l) => l.href === info.url) as (typeof linked)[number];
    return {
      linkText: link.text,
      context: link.context,
      heading: link.heading,
      pageUrl: link.pageUrl,
      selector: link.selector,
      info,
    };
  });
  return detectMediaBreaks(pages, documents, followed.path, lexicon);
}

/**
 * Document links of the procedure text, each document once, with the page it was on: by
 * extension, or — for a form served as `/download?id=123` or `/formular/antrag` — confirmed
 * by the server's headers (a11y's DocumentFinder: HEAD, per-host limit, a budget of probes).
 * `href` stays the linked address; `at` is where the document is (after redirects).
 */
async function documentLinks(ctx: CheckContext, pages: readonly PageContent[], max: number) {
  const finder = new DocumentFinder(
    ctx,
    max,
    () => (ctx.deadlineAt ?? Number.POSITIVE_INFINITY) - performance.now(),
  );
  const seen = new Set<string>();
  const out: (PageContent['links'][number] & { pageUrl: string; at: string })[] = [];
  for (const page of pages) {
    for (const link of page.links) {
      if (!link.inScope) continue;
      const at = await finder.resolve(link);
      if (!at || seen.has(at)) continue;
      seen.add(at);
      out.push({ ...link, at, pageUrl: page.url });
    }
  }
  return out;
}

function judge(report: MediaBreakReport): Outcome {
  const level = `maturity ${report.maturity.level} (estimated, citizen-side)`;
  if (report.breaks.length === 0) {
    return {
      status: 'pass',
      message: `no media break; ${level}${report.endToEndDigital ? '; Ende-zu-Ende digital' : ''}`,
      assertions: [],
      mediaBreaks: report,
    };
  }
  return {
    status: 'fail',
    reason: 'media_breaks',
    message: `${report.breaks.length} media break(s): ${report.breaks.map((b) => (b.legallyMandated ? `${b.kind} (required by law)` : b.kind)).join(', ')}; ${level}`,
    assertions: [],
    mediaBreaks: report,
  };
}
