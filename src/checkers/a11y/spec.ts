import { z } from 'zod';
import { durationMs } from '../../probes/duration.ts';
import { PROFILES, type Profile } from './axe.ts';
import { urlMatcher } from '../browser/guard.ts';
import { lighthouseOptionSchema } from '../lighthouse/spec.ts';
import { waiverSchema } from './waivers.ts';

const profiles = Object.keys(PROFILES) as [Profile, ...Profile[]];

/** Rule set and scope of an axe scan; shared by the `a11y` kind and journey `scan` steps. */
export const axeSettingsShape = {
  /** `en-301-549` (BITV 2.0), `wcag21aa` or `wcag22aa`. @default en-301-549 */
  profile: z.enum(profiles).default('en-301-549'),
  /** Add axe's `best-practice` rules (not requirements of WCAG or EN 301 549). @default false */
  bestPractice: z.boolean().default(false),
  /** Scan only inside these CSS selectors. */
  include: z.array(z.string().min(1)).default([]),
  /** Leave these CSS selectors out (a third-party widget you report elsewhere). */
  exclude: z.array(z.string().min(1)).default([]),
  /** Rules switched off, each with the reason a reviewer will read. */
  disableRules: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/, 'an axe rule id'),
        reason: z.string().min(3),
      }),
    )
    .default([]),
};

const pageUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** A URL pattern as in `allowRequests`: a glob (`**` spans segments) or `/regex/flags`. */
const urlPattern = z
  .string()
  .min(1)
  .refine((pattern) => {
    try {
      urlMatcher(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid URL pattern (a glob, or /regular expression/)');

/** `crawl:` of an `a11y` probe: the pages of one site, found by following its links. */
export const crawlSchema = z.strictObject({
  /** The start page; only links to its origin (scheme, host, port) are followed. */
  start: pageUrl,
  /** Links followed from the start page: 0 scans the start page alone. @default 2 */
  depth: z.number().int().min(0).max(10).default(2),
  /** Pages scanned at most, the start page included. @default 50 */
  maxPages: z.number().int().min(1).max(500).default(50),
  /** Addresses never visited (search results, calendars, print views). */
  exclude: z.array(urlPattern).default([]),
  /** Obey the site's robots.txt for the product token `ozgwatch`. @default true */
  robots: z.boolean().default(true),
});

export const a11ySpecSchema = z
  .strictObject({
    /** Pages to scan, in one browser context, one after the other. Or `crawl`. */
    urls: z.array(pageUrl).max(500).default([]),
    /** Instead of `urls`: crawl one site, bounded by depth and page count. */
    crawl: crawlSchema.optional(),
    ...axeSettingsShape,
    /** How long one page may take to load, and then to be scanned. @default 30s */
    pageTimeout: durationMs.default(30_000),
    waitUntil: z.enum(['load', 'domcontentloaded', 'networkidle']).default('load'),
    /**
     * A Lighthouse audit of the first URL on a slow cadence, e.g. `{ every: 1d }`: the
     * loader makes it a `lighthouse` probe of its own, `<id>-lighthouse`.
     */
    lighthouse: lighthouseOptionSchema.optional(),
    /** Accepted findings; usually filled from the `waivers:` of the probe files. */
    waivers: z.array(waiverSchema).default([]),
    /** PDFs linked from the scanned pages: how many to fetch and classify, and up to what size. */
    documents: z
      .strictObject({
        /** 0 switches document checks off. @default 20 */
        max: z.number().int().min(0).max(200).default(20),
        /** @default 20 MiB */
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(200 * 2 ** 20)
          .default(20 * 2 ** 20),
      })
      .default({ max: 20, maxBytes: 20 * 2 ** 20 }),
  })
  .superRefine((spec, ctx) => {
    if (spec.urls.length > 0 === (spec.crawl !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['urls'],
        message:
          spec.crawl === undefined
            ? 'give urls (the pages to scan) or crawl (a site to crawl); neither is set'
            : 'give either urls (the pages to scan) or crawl (a site to crawl), not both',
      });
    }
  });

/** The page a Lighthouse audit or a BITV check of this probe starts from. */
export function firstPage(spec: { urls: readonly string[]; crawl?: { start: string } }): string {
  return spec.crawl?.start ?? spec.urls[0] ?? '';
}

export type A11ySpec = z.output<typeof a11ySpecSchema>;
export type A11ySpecInput = z.input<typeof a11ySpecSchema>;
