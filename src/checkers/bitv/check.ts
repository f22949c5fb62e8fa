import type { Page } from 'playwright';
import type { BitvReport, BitvSignal, Outcome } from '../../results/result.ts';
import type { Checker, CheckContext } from '../checker.ts';
import type { Guard } from '../browser/guard.ts';
import { withGuardedPage } from '../browser/guarded-page.ts';
import { pageNotLoaded, pageStatusFailed } from '../browser/net-reason.ts';
import { settle } from '../a11y/settle.ts';
import { readLinks } from './links.ts';
import {
  EASY_LANGUAGE_LINK,
  findLink,
  isWeakStatementLink,
  looksLikeStatement,
  SIGN_LANGUAGE_LINK,
  STATEMENT_LINK,
  statementContents,
  textLanguage,
  type PageLink,
} from './signals.ts';
import { bitvSpecSchema, SCHLICHTUNGSSTELLE_HOSTS, type BitvSpec } from './spec.ts';

export const bitvChecker: Checker<BitvSpec> = {
  kind: 'bitv',
  spec: bitvSpecSchema,
  pool: 'browser',
  concurrency: 2,
  check: checkBitv,
};

const DAY = 86_400_000;

interface Seen {
  url: string;
  status: number;
  lang: string;
  text: string;
  links: PageLink[];
  videos: number;
}

/** At most this long for what a page does after `load`, as for the accessibility scan. */
const SETTLE_MS = 5_000;

/**
 * What a page shows once it has settled: status, declared language, text, links (with
 * accessible names), videos. A footer a CMS template or a single-page app adds by script
 * after `load` links the statement just as well as one in the HTML; a page without script
 * is read at once (see {@link settle}).
 */
/** Loads one page and reads it; what the guard holds back meanwhile is recorded with `url`. */
async function visit(page: Page, guard: Guard, url: string, timeout: number): Promise<Seen> {
  guard.step = url;
  const response = await page.goto(url, { timeout });
  await settle(page, Math.min(SETTLE_MS, timeout / 4));
  const seen = await page.evaluate<Omit<Seen, 'status' | 'url' | 'links'>>(`({
    lang: document.documentElement.lang || '',
    text: (document.body ? document.body.innerText : '').slice(0, 200000),
    videos: document.querySelectorAll('video, iframe[src*="youtube"], iframe[src*="vimeo"]').length,
  })`);
  return {
    url: page.url(),
    status: response?.status() ?? 0,
    ...seen,
    links: await readLinks(page),
  };
}

/**
 * The formal BITV signals of one site, each 0/1 with its evidence: statement linked from
 * the start page and every listed page, reachable, with the required parts and a recent
 * review date, feedback and Schlichtungsstelle links; Leichte Sprache and DGS pages;
 * a declared language that matches the text.
 */
export async function checkBitv(ctx: CheckContext, spec: BitvSpec): Promise<Outcome> {
  return withGuardedPage(ctx, (page, guard) => readSignals(ctx, spec, page, guard));
}

async function readSignals(
  ctx: CheckContext,
  spec: BitvSpec,
  page: Page,
  guard: Guard,
): Promise<Outcome> {
  const signals: Record<string, BitvSignal> = {};
  const set = (name: string, ok: boolean, evidence: string): void => {
    signals[name] = { value: ok ? 1 : 0, evidence };
  };
  let statementAgeDays: number | undefined;
  let start: Seen;
  try {
    start = await visit(page, guard, spec.url, spec.pageTimeout);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return await pageNotLoaded('start page', spec.url, error, ctx);
  }
  if (start.status >= 400 || start.status === 0) {
    return pageStatusFailed('start page', spec.url, start.status, ctx.proxy);
  }

  const declared = start.lang.toLowerCase().split('-')[0] ?? '';
  const actual = textLanguage(start.text);
  // No lang attribute declares nothing, whatever the text: WCAG 3.1.1 is not met.
  set(
    'lang_matches',
    declared !== '' && (actual === undefined || declared === actual),
    start.lang === ''
      ? `no lang attribute on <html>, text reads as ${actual ?? 'undetermined'}`
      : `lang="${start.lang}", text reads as ${actual ?? 'undetermined'}`,
  );

  const found = findLink(start.links, STATEMENT_LINK);
  // A link named only "Barrierefreiheit" is the statement only if its page is one: many
  // sites link a page about accessible buildings or services that way.
  let statement: Seen | undefined;
  let statementLink = found;
  let notStatement = '';
  if (found) {
    statement = await visit(page, guard, found.href, spec.pageTimeout).catch(() => undefined);
    if (
      isWeakStatementLink(found) &&
      statement !== undefined &&
      statement.status > 0 &&
      statement.status < 400 &&
      !looksLikeStatement(statement.text)
    ) {
      notStatement = `"${found.text}" → ${found.href} is no accessibility statement (neither the statement's name nor a compliance status on the page)`;
      statementLink = undefined;
      statement = undefined;
    }
  }
  set(
    'statement_link',
    statementLink !== undefined,
    statementLink
      ? `"${statementLink.text}" → ${statementLink.href}`
      : notStatement || `no link matching ${STATEMENT_LINK.source} on ${start.url}`,
  );
  let withLink = statementLink ? 1 : 0;
  const missing: string[] = [];
  for (const url of spec.pages) {
    const other = await visit(page, guard, url, spec.pageTimeout).catch(() => undefined);
    // An error page with the site's footer is not a page that links the statement.
    const loaded = other !== undefined && other.status > 0 && other.status < 400;
    if (loaded && findLink(other.links, STATEMENT_LINK)) withLink++;
    else missing.push(loaded ? url : `${url} (${other ? `status ${other.status}` : 'not loaded'})`);
  }
  const total = spec.pages.length + 1;
  set(
    'statement_every_page',
    withLink === total,
    `${withLink} of ${total} page(s) link the statement${missing.length > 0 ? `; missing on ${missing.slice(0, 5).join(', ')}` : ''}`,
  );

  for (const [name, pattern] of [
    ['leichte_sprache', EASY_LANGUAGE_LINK],
    ['dgs', SIGN_LANGUAGE_LINK],
  ] as const) {
    const link = findLink(start.links, pattern);
    if (!link) {
      set(name, false, `no link matching ${pattern.source} on the start page`);
      continue;
    }
    const target = await visit(page, guard, link.href, spec.pageTimeout).catch(() => undefined);
    const reachable = target !== undefined && target.status > 0 && target.status < 400;
    const video = name === 'dgs' ? (target?.videos ?? 0) > 0 : true;
    set(
      name,
      reachable && video,
      `"${link.text}" → ${link.href}: ${reachable ? `status ${target.status}` : 'not reachable'}${name === 'dgs' ? `, ${target?.videos ?? 0} video(s)` : ''}`,
    );
  }

  if (statementLink) {
    const shown = statement;
    const reachable = shown !== undefined && shown.status > 0 && shown.status < 400;
    const html = reachable && !/\.pdf(\?|$)/i.test(shown.url);
    set(
      'statement_reachable',
      html,
      reachable ? `status ${shown.status}, ${shown.url}` : 'not reachable',
    );
    if (shown && html) {
      const statement = shown;
      const contents = statementContents(statement.text, statement.links);
      const parts = [
        contents.complianceStatus ? '' : 'compliance status',
        contents.nonAccessibleContent ? '' : 'non-accessible content',
        contents.reviewedAt !== undefined ? '' : 'date of review',
      ].filter(Boolean);
      set(
        'statement_contents',
        parts.length === 0,
        parts.length === 0 ? 'all required parts found' : `missing: ${parts.join(', ')}`,
      );
      set(
        'feedback',
        contents.feedback,
        contents.feedback
          ? 'contact link in the statement'
          : "no mailto: or contact link in the statement's content (the site's menu does not count)",
      );
      if (contents.reviewedAt !== undefined) {
        statementAgeDays = Math.floor((ctx.now() - contents.reviewedAt) / DAY);
      }
      set(
        'statement_current',
        statementAgeDays !== undefined && statementAgeDays <= spec.maxStatementAgeDays,
        statementAgeDays === undefined
          ? 'no review date found'
          : `reviewed ${statementAgeDays} day(s) ago`,
      );
      const hosts = spec.schlichtungsstelle ?? SCHLICHTUNGSSTELLE_HOSTS[spec.land] ?? [];
      const schlichtung = statement.links.find((l) => hosts.some((h) => hostOf(l.href) === h));
      set(
        'schlichtung',
        schlichtung !== undefined,
        schlichtung ? schlichtung.href : `no link to ${hosts.join(', ')}`,
      );
    }
  }
  for (const name of [
    'statement_reachable',
    'statement_contents',
    'feedback',
    'statement_current',
    'schlichtung',
  ]) {
    signals[name] ??= { value: 0, evidence: 'no statement found' };
  }
  const report: BitvReport = {
    signals,
    ...(statementAgeDays !== undefined ? { statementAgeDays } : {}),
  };
  const failed = Object.entries(signals)
    .filter(([, s]) => s.value === 0)
    .map(([name]) => name);
  return failed.length === 0
    ? {
        status: 'pass',
        message: `all ${Object.keys(signals).length} BITV signals present`,
        assertions: [],
        bitv: report,
      }
    : {
        status: 'fail',
        reason: 'bitv_signals',
        message: `missing BITV signal(s): ${failed.join(', ')}`,
        assertions: [],
        bitv: report,
      };
}

function hostOf(href: string): string {
  try {
    return new URL(href).hostname;
  } catch {
    return '';
  }
}
