import { z } from 'zod';
import { validateDetailed } from 'node-cron';
import { checkers } from '../checkers/registry.ts';
import { durationMs, formatDuration } from './duration.ts';

/**
 * The one schema for probes, shared by YAML and TypeScript probe files.
 * Strict everywhere: an unknown key is an error, not silently ignored.
 */

/** Lowercase letters, digits and `-`; it becomes a metric label, a store key and a URL segment. */
export const PROBE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const probeId = z
  .string()
  .regex(
    PROBE_ID,
    'ids are 1–64 lowercase letters, digits and "-", starting and ending with a letter or digit',
  );

const slug = (what: string) =>
  z.string().regex(SLUG, `${what} is a label value: 1–64 lowercase letters, digits and "-"`);

export const cronExpression = z.string().superRefine((expr, ctx) => {
  const check = validateDetailed(expr);
  if (!check.valid) {
    const why = check.errors.map((e) => e.message).join('; ');
    ctx.addIssue({ code: 'custom', message: `invalid cron expression "${expr}": ${why}` });
  }
});

/** A recurring window: starts at each time `cron` matches (Europe/Berlin) and lasts `duration`. */
export const maintenanceWindow = z.strictObject({
  cron: cronExpression,
  duration: durationMs,
  /** Shown on the run page and in logs. */
  reason: z.string().optional(),
});
export type MaintenanceWindow = z.output<typeof maintenanceWindow>;

/**
 * Labels are bounded on purpose: every label multiplies the series count.
 * `service` groups probes of one online service, `county` the Landkreis or city.
 */
export const probeLabels = z.strictObject({
  service: slug('service'),
  county: slug('county').default('none'),
});

const commonFields = {
  id: probeId,
  name: z.string().min(1).max(200),
  /** Run every so often, e.g. `1m`, `5m`. Either `every` or `cron`. @default 5m */
  every: durationMs.optional(),
  /** Run when this cron expression matches (Europe/Berlin), e.g. `*\/10 6-22 * * *`. */
  cron: cronExpression.optional(),
  /** Random spread around each interval run, at most this much. @default 10% of `every`, at most 30s */
  jitter: durationMs.optional(),
  /** Deadline of one run, all retries included. @default 30s */
  timeout: durationMs.default(30_000),
  /** Extra attempts after a failed one (not after `error`). @default 0 */
  retries: z.number().int().min(0).max(3).default(0),
  /** Pause before each retry; doubles with every further retry. @default 1s */
  retryBackoff: durationMs.default(1000),
  /** Consecutive failures before the reported state turns to failing. @default 1 */
  failAfter: z.number().int().min(1).max(20).default(1),
  /** Consecutive successes before the reported state recovers. @default 1 */
  recoverAfter: z.number().int().min(1).max(20).default(1),
  labels: probeLabels,
  /** Amtlicher Gemeindeschlüssel (8 digits) or Regionalschlüssel (12 digits). */
  ags: z
    .string()
    .regex(/^(\d{8}|\d{12})$/, 'ags is the 8-digit Gemeindeschlüssel or 12-digit Regionalschlüssel')
    .optional(),
  /** LeiKa Leistungsschlüssel (14 digits). */
  leika: z
    .string()
    .regex(/^\d{14}$/, 'leika is the 14-digit Leistungsschlüssel')
    .optional(),
  /** Page for humans (the service description); not what is checked. */
  url: z.url().optional(),
  /** Team or person responsible, shown on run pages. */
  owner: z.string().optional(),
  maintenance: z.array(maintenanceWindow).default([]),
  /** A disabled probe is validated but never scheduled. @default true */
  enabled: z.boolean().default(true),
};

const commonSchema = z.strictObject(commonFields);
type ProbeCommon = z.output<typeof commonSchema>;

/** One member of the union: the common fields, `kind`, and the spec under the key named like the kind. */
function kindSchema(kind: string, spec: z.ZodType) {
  return commonSchema.extend({ kind: z.literal(kind), [kind]: spec });
}

const kindSchemas = checkers.map((c) => kindSchema(c.kind, c.spec));

export const KINDS: readonly string[] = checkers.map((c) => c.kind);

export const probeSchema = z
  .discriminatedUnion(
    'kind',
    kindSchemas as [(typeof kindSchemas)[number], ...(typeof kindSchemas)[number][]],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? `kind must be one of: ${KINDS.join(', ')}` : undefined,
    },
  )
  .transform((probe) => probe as Probe)
  .superRefine((probe, ctx) => {
    if (probe.every !== undefined && probe.cron !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: 'set either every or cron, not both',
      });
    }
    const interval = probe.every ?? DEFAULT_EVERY_MS;
    if (probe.cron === undefined && probe.timeout >= interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `timeout (${formatDuration(probe.timeout)}) must be shorter than the interval (${formatDuration(interval)})`,
      });
    }
  });

export const DEFAULT_EVERY_MS = 5 * 60_000;

/** A validated probe, defaults applied. */
export type Probe = ProbeCommon & { kind: string; [spec: string]: unknown };
/** What a user writes (before defaults); the kind-specific spec is typed by `defineProbe`. */
export type ProbeInput = z.input<typeof commonSchema> & { kind: string; [spec: string]: unknown };

/** Where a probe came from, for diagnostics and the API. */
export interface ProbeSource {
  file: string;
  line?: number;
}

export interface LoadedProbe {
  probe: Probe;
  source: ProbeSource;
}

/** The kind-specific spec of a probe (the value under the key named like its kind). */
export function specOf(probe: Probe): unknown {
  return probe[probe.kind];
}

/** The interval in ms, also for cron probes (the typical gap), used for the interval metric. */
export function intervalOf(probe: Probe): number {
  return probe.every ?? DEFAULT_EVERY_MS;
}
