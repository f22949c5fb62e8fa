import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright';
import { pageKey } from '../../results/page-key.ts';
import type { A11yFinding, A11yNode, A11yPage } from '../../results/result.ts';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** The installed axe-core's version: recorded with every result. */
export const AXE_VERSION: string = (require('axe-core/package.json') as { version: string })
  .version;

let axeSource: string | undefined;
/** axe-core's source, read once from the installed package (never fetched). */
function source(): string {
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  return axeSource;
}

/** Named rule sets. `en-301-549` is what BITV 2.0 refers to. */
export const PROFILES = {
  'en-301-549': ['EN-301-549'],
  wcag21aa: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
  wcag22aa: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'],
} as const;
export type Profile = keyof typeof PROFILES;

export interface AxeOptions {
  profile: Profile;
  bestPractice: boolean;
  include: readonly string[];
  exclude: readonly string[];
  /** Rule ids switched off (the probe gives a reason for each). */
  disabledRules: readonly string[];
  /**
   * `performance.now()` by which the page's scan must end: a frame then gets at most half
   * of what is left, so that one busy frame is named as not scanned rather than taking the
   * whole page's scan down with it.
   */
  deadline?: number;
}

/** What axe-core returns, as far as ozgwatch reads it. */
interface AxeResult {
  id: string;
  impact?: string | null;
  tags: string[];
  help: string;
  helpUrl: string;
  nodes: {
    target: (string | string[])[];
    ancestry?: (string | string[])[];
    html: string;
    failureSummary?: string;
    impact?: string | null;
  }[];
}

const HTML_LIMIT = 300;

/** A frame axe-core could not scan: it is named as needs-review, never silently left out. */
interface SkippedFrame {
  /** Selectors from the top document to the `<iframe>`, one per frame level. */
  target: string[];
  html: string;
  why: string;
  /** The frame has no box (none, or 1 px at most, or hidden): it cannot show content. */
  blank: boolean;
}

/** One frame's partial result as `axe.runPartial` returns it; null for a frame not scanned. */
type Partial = object | null;

/** The page's own code must not see ozgwatch's scan: calls into axe-core go through here. */
interface AxeGlobal {
  axe: {
    run(c: unknown, o: unknown): Promise<unknown>;
    runPartial(c: unknown, o: unknown): Promise<object>;
    finishRun(p: Partial[], o: unknown): Promise<unknown>;
    utils: {
      getFrameContexts(
        c: unknown,
        o?: unknown,
      ): { frameSelector: unknown; frameContext: unknown }[];
      shadowSelect(s: unknown): unknown;
    };
  };
  document: unknown;
}

/**
 * Runs axe-core on a page, in every frame, the way axe-core's own Playwright integration
 * does: `axe.runPartial` in each frame through Playwright, which reaches cross-origin and
 * nested frames alike, and `axe.finishRun` over all of them. (`axe.run` with `iframes`
 * asks frames by postMessage and, by default, only frames of the page's own origin: an
 * embedded form of another host — a Fachverfahren, a payment page — was left out without
 * a word.) A frame that cannot be scanned, or whose page has not loaded, is reported as
 * needs-review (`frame-tested`) with its selector: the scan does not pass over it.
 */
export async function scanPage(page: Page, options: AxeOptions): Promise<A11yPage> {
  const started = performance.now();
  const runOptions = {
    runOnly: {
      type: 'tag',
      values: [...PROFILES[options.profile], ...(options.bestPractice ? ['best-practice'] : [])],
    },
    rules: Object.fromEntries(options.disabledRules.map((id) => [id, { enabled: false }])),
    resultTypes: ['violations', 'incomplete'],
    ancestry: true,
  };
  const context =
    options.include.length > 0 || options.exclude.length > 0
      ? {
          ...(options.include.length > 0 ? { include: [...options.include] } : {}),
          ...(options.exclude.length > 0 ? { exclude: [...options.exclude] } : {}),
        }
      : null;
  const partials: Partial[] = [];
  const skipped: SkippedFrame[] = [];
  const { deadline } = options;
  const frameTime = (): number =>
    deadline === undefined
      ? FRAME_SCAN_MS
      : Math.max(MIN_FRAME_MS, Math.min(FRAME_SCAN_MS, (deadline - performance.now()) / 2));
  const top = page.mainFrame();
  await top.evaluate(source());
  const framed = await top.evaluate(
    ([ctx]) => {
      const g = globalThis as unknown as AxeGlobal;
      return g.axe.utils.getFrameContexts(ctx ?? g.document).length > 0;
    },
    [context] as const,
  );
  // A page without frames (most of them) in one call: partial results would cross to Node
  // and back once more for nothing, about a fifth of a scan.
  const raw = framed
    ? await collectPartials(top, context, runOptions, [], partials, skipped, frameTime).then(() =>
        top.evaluate(
          async ([results, opts]) =>
            (globalThis as unknown as AxeGlobal).axe.finishRun(results, opts),
          [partials, runOptions] as const,
        ),
      )
    : await top.evaluate(
        async ([ctx, opts]) => {
          const g = globalThis as unknown as AxeGlobal;
          return g.axe.run(ctx ?? g.document, opts);
        },
        [context, { ...runOptions, iframes: false }] as const,
      );
  const result = raw as { violations: AxeResult[]; incomplete: AxeResult[] };
  const url = page.url();
  const incomplete = result.incomplete.map((r) => finding(r, url));
  if (skipped.length > 0) incomplete.push(framesNotScanned(skipped, url, incomplete));
  const unscanned = skipped
    .filter((f) => !f.blank)
    .map((f) => `${f.target.join(' >>> ')}: ${f.why}`);
  return {
    url,
    seconds: (performance.now() - started) / 1000,
    violations: result.violations.map((r) => finding(r, url)),
    incomplete,
    ...(unscanned.length > 0 ? { framesNotScanned: unscanned } : {}),
  };
}

/** A frame that takes longer to scan (a script that loops) is left out and named. */
const FRAME_SCAN_MS = 15_000;

/** Even at the page's deadline a frame gets this long: a scan cut short names it as not scanned. */
const MIN_FRAME_MS = 500;

/** A frame gets this long to finish loading before it is scanned as it is. */
const FRAME_LOAD_MS = 2_000;

/**
 * The partial results of `frame` and, depth first, of the frames inside it, in the order
 * `axe.finishRun` expects. An error in the top frame fails the scan; in a child frame it
 * makes that frame (and what it contains) a {@link SkippedFrame}.
 */
async function collectPartials(
  frame: Frame,
  context: unknown,
  runOptions: object,
  path: readonly string[],
  out: Partial[],
  skipped: SkippedFrame[],
  frameTime: () => number,
): Promise<void> {
  await frame.evaluate(source());
  const children = await frame.evaluate(
    ([ctx]) => {
      const g = globalThis as unknown as AxeGlobal;
      return g.axe.utils.getFrameContexts(ctx ?? g.document);
    },
    [context] as const,
  );
  out.push(
    await frame.evaluate(
      ([ctx, opts]) => {
        const g = globalThis as unknown as AxeGlobal;
        return g.axe.runPartial(ctx ?? g.document, opts);
      },
      [context, runOptions] as const,
    ),
  );
  for (const { frameSelector, frameContext } of children) {
    const target = [
      ...path,
      Array.isArray(frameSelector) ? frameSelector.join(' >>> ') : String(frameSelector),
    ];
    const seen = { html: '<iframe>', blank: false };
    const own: Partial[] = [];
    const ownSkipped: SkippedFrame[] = [];
    const child = async (): Promise<void> => {
      const element = (
        await frame.evaluateHandle(
          ([selector]) => (globalThis as unknown as AxeGlobal).axe.utils.shadowSelect(selector),
          [frameSelector] as const,
        )
      ).asElement();
      if (!element) throw new Error('the frame element is gone');
      Object.assign(seen, await element.evaluate(describeFrame));
      const content = await element.contentFrame();
      if (!content) throw new Error('the frame has no document');
      await content.waitForLoadState('load', { timeout: FRAME_LOAD_MS }).catch(() => undefined);
      // A lazy frame never scrolled into view stays about:blank: empty, not accessible
      // (and Playwright would wait for its document without end).
      const src = frameSource(await element.getAttribute('src'), frame.url());
      if (src && (content.url() === 'about:blank' || content.url() === '')) {
        throw new Error(`the frame has not loaded its page ${src}`);
      }
      await collectPartials(content, frameContext, runOptions, target, own, ownSkipped, frameTime);
    };
    let timer: NodeJS.Timeout | undefined;
    const ms = frameTime();
    try {
      await Promise.race([
        child(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the frame did not answer within ${Math.round(ms) / 1000}s`)),
            ms,
          );
        }),
      ]);
      out.push(...own);
      skipped.push(...ownSkipped);
    } catch (error) {
      out.push(null);
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      skipped.push({ target, html: seen.html, why: message ?? 'unknown', blank: seen.blank });
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A frame element's own markup, and whether it has no box to show anything in: not
 * rendered, hidden, or 1 px at most (a tracking or messaging frame). Runs in the page.
 */
function describeFrame(e: unknown): { html: string; blank: boolean } {
  const el = e as {
    cloneNode(deep: boolean): { outerHTML: string };
    getBoundingClientRect(): { width: number; height: number };
  };
  const style = (
    globalThis as unknown as {
      getComputedStyle(e: unknown): { display: string; visibility: string };
    }
  ).getComputedStyle(e);
  const box = el.getBoundingClientRect();
  return {
    html: el.cloneNode(false).outerHTML,
    blank:
      style.display === 'none' ||
      style.visibility === 'hidden' ||
      box.width <= 1 ||
      box.height <= 1,
  };
}

/** The http(s) address an `<iframe src>` names, if any. */
function frameSource(src: string | null, base: string): string | undefined {
  if (!src) return undefined;
  try {
    const url = new URL(src, base);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The frames not scanned, as one needs-review finding under axe-core's own rule for it. */
function framesNotScanned(
  skipped: readonly SkippedFrame[],
  url: string,
  incomplete: A11yFinding[],
): A11yFinding {
  const rule = axeRules().get('frame-tested');
  const existing = incomplete.findIndex((f) => f.ruleId === 'frame-tested');
  const base =
    existing >= 0
      ? incomplete.splice(existing, 1)[0]!
      : finding(
          {
            id: 'frame-tested',
            impact: 'critical',
            tags: rule?.tags ?? ['best-practice', 'review-item'],
            help: rule?.help ?? 'Frames should be tested with axe-core',
            helpUrl: rule?.helpUrl ?? '',
            nodes: [],
          },
          url,
        );
  const nodes = skipped.map((f) =>
    node('frame-tested', url, {
      target: f.target,
      html: f.html,
      failureSummary: f.blank
        ? `Not scanned by ozgwatch: ${f.why}. The frame has no box and shows no content.`
        : `Not scanned by ozgwatch: ${f.why}. Check this frame's content by hand or scan its page.`,
    }),
  );
  return { ...base, nodes: [...base.nodes, ...nodes] };
}

/** What the installed axe-core says about one of its rules, without a page. */
export interface AxeRuleInfo {
  ruleId: string;
  help: string;
  helpUrl: string;
  tags: string[];
  /** WCAG success criteria, e.g. `1.4.3`. */
  wcag: string[];
  /** EN 301 549 clauses, e.g. `9.1.4.3`. */
  en301549: string[];
}

let ruleCatalogue: Map<string, AxeRuleInfo> | undefined;
/**
 * Every rule of the installed axe-core, read from the package in Node (its rule
 * metadata needs no DOM). The report uses it for findings no stored result describes.
 */
export function axeRules(): ReadonlyMap<string, AxeRuleInfo> {
  if (!ruleCatalogue) {
    const axe = require('axe-core') as {
      getRules(): { ruleId: string; help: string; helpUrl: string; tags: string[] }[];
    };
    ruleCatalogue = new Map(
      axe.getRules().map((r) => [
        r.ruleId,
        {
          ruleId: r.ruleId,
          help: r.help,
          helpUrl: r.helpUrl,
          tags: r.tags,
          wcag: r.tags.filter((t) => /^wcag\d{3,4}$/.test(t)).map(successCriterion),
          en301549: en301549Clauses(r.tags),
        },
      ]),
    );
  }
  return ruleCatalogue;
}

function finding(r: AxeResult, url: string): A11yFinding {
  return {
    ruleId: r.id,
    impact: r.impact ?? 'minor',
    tags: r.tags,
    wcag: r.tags.filter((t) => /^wcag\d{3,4}$/.test(t)).map(successCriterion),
    en301549: en301549Clauses(r.tags),
    help: r.help,
    helpUrl: r.helpUrl,
    nodes: r.nodes.map((n) => node(r.id, url, n)),
  };
}

/**
 * The EN 301 549 clauses of axe's tags: `EN-9.1.1.1` → `9.1.1.1`. The tag `EN-301-549`, which
 * marks a rule as part of the standard, names no clause.
 */
export function en301549Clauses(tags: readonly string[]): string[] {
  return tags.filter((t) => /^EN-\d+(?:\.\d+)+$/.test(t)).map((t) => t.slice(3));
}

/** `wcag143` → `1.4.3`, `wcag1410` → `1.4.10`. */
export function successCriterion(tag: string): string {
  const digits = tag.slice(4);
  return `${digits[0]}.${digits[1]}.${digits.slice(2)}`;
}

function node(ruleId: string, url: string, n: AxeResult['nodes'][number]): A11yNode {
  const target = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t));
  const ancestry = (n.ancestry ?? n.target).map((t) => (Array.isArray(t) ? t.join(' >>> ') : t));
  const html = n.html.length > HTML_LIMIT ? `${n.html.slice(0, HTML_LIMIT)}…` : n.html;
  return {
    target,
    ancestry,
    html,
    ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
    occurrence: fingerprint(ruleId, pageKey(url), ancestry.join(' | ')),
    pattern: fingerprint(ruleId, normaliseHtml(n.html)),
  };
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * The shape of a component without what varies between its copies: text, ids,
 * URLs and numbers go; element names, classes and roles stay. The same broken
 * widget on 40 pages is then one pattern.
 */
export function normaliseHtml(html: string): string {
  return html
    .replace(/>[^<]*</g, '><')
    .replace(
      /\s(id|href|src|for|aria-labelledby|aria-describedby|aria-controls|name|value|title|alt)="[^"]*"/gi,
      ' $1=""',
    )
    .replace(/\d+/g, '0')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
