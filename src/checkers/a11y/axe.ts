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

/**
 * Runs axe-core on a page, in every frame: axe is injected into each frame (frames
 * without it are skipped silently by axe, which would lose their findings) and then
 * run from the top, which collects the frames' results.
 */
export async function scanPage(page: Page, options: AxeOptions): Promise<A11yPage> {
  const started = performance.now();
  await Promise.all(page.frames().map((frame) => inject(frame)));
  const runOptions = {
    runOnly: {
      type: 'tag',
      values: [...PROFILES[options.profile], ...(options.bestPractice ? ['best-practice'] : [])],
    },
    rules: Object.fromEntries(options.disabledRules.map((id) => [id, { enabled: false }])),
    resultTypes: ['violations', 'incomplete'],
    ancestry: true,
    iframes: true,
  };
  const context =
    options.include.length > 0 || options.exclude.length > 0
      ? {
          ...(options.include.length > 0 ? { include: [...options.include] } : {}),
          ...(options.exclude.length > 0 ? { exclude: [...options.exclude] } : {}),
        }
      : null;
  const raw = await page.evaluate(
    async ([ctx, opts]) => {
      const page = globalThis as unknown as {
        axe: { run: (c: unknown, o: unknown) => Promise<unknown> };
        document: unknown;
      };
      return page.axe.run(ctx ?? page.document, opts);
    },
    [context, runOptions] as const,
  );
  const result = raw as { violations: AxeResult[]; incomplete: AxeResult[]; url: string };
  const url = page.url();
  return {
    url,
    seconds: (performance.now() - started) / 1000,
    violations: result.violations.map((r) => finding(r, url)),
    incomplete: result.incomplete.map((r) => finding(r, url)),
  };
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

async function inject(frame: Frame): Promise<void> {
  // A frame that is detached or navigating meanwhile is simply not scanned.
  await frame.evaluate(source()).catch(() => undefined);
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
