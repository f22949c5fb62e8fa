import { z } from 'zod';
import { durationMs } from '../../probes/duration.ts';
import { allowedRequestSchema } from '../browser/allow-requests.ts';

export const LIGHTHOUSE_CATEGORIES = [
  'accessibility',
  'performance',
  'best-practices',
  'seo',
] as const;
export type LighthouseCategory = (typeof LIGHTHOUSE_CATEGORIES)[number];

const auditShape = {
  /** Lighthouse categories to score. @default [accessibility, performance, best-practices, seo] */
  categories: z
    .array(z.enum(LIGHTHOUSE_CATEGORIES))
    .min(1)
    .default([...LIGHTHOUSE_CATEGORIES]),
  /** Emulated device: Lighthouse's desktop or mobile preset (with its throttling). @default desktop */
  formFactor: z.enum(['desktop', 'mobile']).default('desktop'),
};

/** `kind: lighthouse`: one page audited by Lighthouse in a process of its own. */
export const lighthouseSpecSchema = z.strictObject({
  /** The page to audit. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  ...auditShape,
  /**
   * Requests the page may send during the audit although they could change state, as in a
   * browser probe. Everything else but GET/HEAD/OPTIONS is held back and listed. @default []
   */
  allowRequests: z.array(allowedRequestSchema).default([]),
});

export type LighthouseSpec = z.output<typeof lighthouseSpecSchema>;

/**
 * The `lighthouse:` option of an `a11y` probe: a Lighthouse audit of its first URL on a
 * slow cadence, run as a probe of its own (`<id>-lighthouse`).
 */
export const lighthouseOptionSchema = z.strictObject({
  /** How often. @default 1d */
  every: durationMs.default(86_400_000),
  /** Deadline of one audit (Lighthouse takes 6–15 s). @default 2m */
  timeout: durationMs.default(120_000),
  ...auditShape,
});

export type LighthouseOption = z.output<typeof lighthouseOptionSchema>;
