import { z } from 'zod';
import type { A11yReport } from '../../results/result.ts';

/**
 * An accepted accessibility finding: who decided, why, until when. Written in a probe
 * file or `defaults.yaml` under `waivers:`; a waiver past its expiry counts again.
 */
export const waiverSchema = z.strictObject({
  /** Only for this probe; unset = every probe in the folder. */
  probe: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional(),
  /** The axe rule id. */
  rule: z.string().regex(/^[a-z0-9-]+$/, 'an axe rule id'),
  /** Narrow it to one component (pattern fingerprint) or one place (occurrence fingerprint). */
  pattern: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'a pattern fingerprint (16 hex digits)')
    .optional(),
  occurrence: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'an occurrence fingerprint (16 hex digits)')
    .optional(),
  reason: z.string().min(3),
  owner: z.string().min(2),
  /** Last day the waiver holds (YYYY-MM-DD, Europe/Berlin date taken as UTC). */
  expires: z.iso.date(),
});

export type Waiver = z.output<typeof waiverSchema>;

/**
 * Marks the violations a waiver covers (`waived` on the node) and returns the report.
 * A waiver whose expiry day is over covers nothing.
 */
export function applyWaivers(
  report: A11yReport,
  waivers: readonly Waiver[],
  now: number,
): A11yReport {
  const live = waivers.filter((w) => Date.parse(`${w.expires}T23:59:59Z`) >= now);
  if (live.length === 0) return report;
  for (const page of report.pages) {
    for (const v of page.violations) {
      for (const node of v.nodes) {
        const w = live.find(
          (x) =>
            x.rule === v.ruleId &&
            (x.pattern === undefined || x.pattern === node.pattern) &&
            (x.occurrence === undefined || x.occurrence === node.occurrence),
        );
        if (w) node.waived = { reason: w.reason, owner: w.owner, expires: w.expires };
      }
    }
  }
  return report;
}
