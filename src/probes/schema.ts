import { z } from 'zod';
import { validateDetailed } from 'node-cron';
import { checkers } from '../checkers/registry.ts';
import { cronIntervalMs } from '../scheduler/cron-gap.ts';
import { describeValue } from './diagnostics.ts';
import { durationAtLeast, durationMs, formatDuration } from './duration.ts';

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

/**
 * The floor that protects watched services: however a probe is written, ozgwatch sends it
 * at most once a second, and a run gets at least this long before it is given up.
 * Cron expressions cannot fire more often than once a second either.
 */
export const MIN_EVERY_MS = 1000;
export const MIN_TIMEOUT_MS = 100;

/** Deadline of a run without `timeout`, unless the interval is too short for it (see {@link defaultTimeout}). */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_EVERY_MS = 5 * 60_000;

/**
 * A Gemeindeschlüssel or Leistungsschlüssel is a string of digits. Written without quotes,
 * YAML reads it as a number and drops its leading zero, so the hint shows it quoted.
 */
function digitKey(field: string, lengths: number[], what: string) {
  const pattern = new RegExp(`^(${lengths.map((n) => `\\d{${n}}`).join('|')})$`);
  return z
    .custom<string>((value) => typeof value === 'string', {
      error: (issue) => {
        if (typeof issue.input !== 'number') {
          return `${what}, in quotes; got ${describeValue(issue.input)}`;
        }
        const digits = String(issue.input);
        const width = lengths.find((n) => n >= digits.length) ?? digits.length;
        return `${field} is a string of digits: write it in quotes, e.g. ${field}: '${digits.padStart(width, '0')}' (unquoted, YAML reads the number ${digits} and drops any leading zero)`;
      },
    })
    .refine((text) => pattern.test(text), what);
}

/** Levels of administration a service can belong to, from the widest. */
export const ADMIN_LEVELS = ['bund', 'land', 'kreis', 'gemeinde'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

const commonFields = {
  id: probeId,
  name: z.string().min(1).max(200),
  /** Run every so often, e.g. `1m`, `5m`; at least `1s`. Either `every` or `cron`. @default 5m */
  every: durationAtLeast(
    'every',
    MIN_EVERY_MS,
    'ozgwatch runs a probe at most once a second, so that watching a service never burdens it',
  ).optional(),
  /** Run when this cron expression matches (Europe/Berlin), e.g. `*\/10 6-22 * * *`. */
  cron: cronExpression.optional(),
  /** Random spread around each interval run, at most this much. @default 10% of `every`, at most 30s */
  jitter: durationMs.optional(),
  /**
   * Deadline of one run, all retries included; at least `100ms`, shorter than `every`.
   * @default 30s, or nine tenths of `every` when that is shorter
   */
  timeout: durationAtLeast(
    'timeout',
    MIN_TIMEOUT_MS,
    'a shorter deadline aborts runs before a service can answer',
  ).optional(),
  /** Extra attempts after a failed one (not after `error`). @default 0 */
  retries: z.number().int().min(0).max(3).default(0),
  /** Pause before each retry; doubles with every further retry. @default 1s */
  retryBackoff: durationMs.default(1000),
  /**
   * Consecutive failures before the reported state turns to failing.
   * @default 2 for http and browser, 1 for the scans (see {@link defaultFailAfter})
   */
  failAfter: z.number().int().min(1).max(20).optional(),
  /** Consecutive successes before the reported state recovers. @default 1 */
  recoverAfter: z.number().int().min(1).max(20).default(1),
  labels: probeLabels,
  /** Amtlicher Gemeindeschlüssel (8 digits) or Regionalschlüssel (12 digits). */
  ags: digitKey(
    'ags',
    [8, 12],
    'ags is the 8-digit Gemeindeschlüssel or 12-digit Regionalschlüssel',
  ).optional(),
  /** LeiKa Leistungsschlüssel (14 digits). */
  leika: digitKey('leika', [14], 'leika is the 14-digit Leistungsschlüssel').optional(),
  /** Page for humans (the service description); not what is checked. */
  url: z.url().optional(),
  /** Team or person responsible, shown on run pages and named in the report's measures. */
  owner: z.string().optional(),
  /**
   * Level of administration that offers the service: `bund`, `land`, `kreis` or `gemeinde`.
   * Not derived from `ags`: a Stadtkreis (Ulm, 08421000) is a Kreis and a Gemeinde at once.
   * The quarterly report groups its sample and ranking by it.
   */
  adminLevel: z.enum(ADMIN_LEVELS).optional(),
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

const KIND_LIST = `one of: ${KINDS.join(', ')}`;

export const probeSchema = z
  .discriminatedUnion(
    'kind',
    kindSchemas as [(typeof kindSchemas)[number], ...(typeof kindSchemas)[number][]],
    {
      error: (issue) => (issue.code === 'invalid_union' ? `kind must be ${KIND_LIST}` : undefined),
    },
  )
  .transform(
    (probe): Probe =>
      ({
        ...probe,
        timeout: probe.timeout ?? defaultTimeout(probe),
        failAfter: probe.failAfter ?? defaultFailAfter(probe.kind as string),
      }) as Probe,
  )
  .superRefine((probe, ctx) => {
    if (probe.every !== undefined && probe.cron !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: 'set either every or cron, not both',
      });
    }
    // Only a timeout the probe sets can be too long: the default always fits the interval.
    const interval = probe.every ?? DEFAULT_EVERY_MS;
    if (probe.cron === undefined && probe.timeout >= interval) {
      const which =
        probe.every === undefined
          ? `the interval (${formatDuration(interval)} when every is not set)`
          : `every (${formatDuration(interval)})`;
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `timeout (${formatDuration(probe.timeout)}) must be shorter than ${which}`,
      });
    }
  });

/**
 * Availability is confirmed by a second run before it is reported down: the shipped alert
 * pages after `for: 5m`, and one failed run of a probe every 5 minutes or more would hold
 * `probe_success` at 0 that long on its own. A scan's findings are not a blip: reported at once.
 */
export function defaultFailAfter(kind: string): number {
  return kind === 'http' || kind === 'browser' ? 2 : 1;
}

/**
 * The deadline of a probe without `timeout`: 30s, or nine tenths of a shorter interval, so
 * that a run (plus the default jitter of a tenth) ends before the next one is due, and a
 * probe that sets only `every: 10s` is valid as written.
 */
export function defaultTimeout(probe: { every?: number | undefined; cron?: string | undefined }) {
  if (probe.cron !== undefined || probe.every === undefined) return DEFAULT_TIMEOUT_MS;
  return Math.min(DEFAULT_TIMEOUT_MS, Math.floor(probe.every * 0.9));
}

/**
 * For an entry whose `kind` is missing or unknown, which hides the spec: its kind problem,
 * and the problems of the fields every probe has (id, labels, every …), so that fixing the
 * kind does not reveal a second round of problems. Any key named like a kind may hold a spec.
 */
export const unknownKindSchema = z.strictObject({
  kind: z.custom<string>((value) => KINDS.includes(value as string), {
    error: (issue) =>
      issue.input === undefined
        ? `missing required field: kind is ${KIND_LIST}`
        : `kind must be ${KIND_LIST}`,
  }),
  ...commonFields,
  ...Object.fromEntries(KINDS.map((kind) => [kind, z.unknown().optional()])),
});

/**
 * The schema of one key of a folder's `defaults:`, checked on its own (labels need not be
 * complete there); `undefined` for a key a probe cannot have. Kind keys hold that kind's spec.
 */
export function defaultsKeySchema(key: string): z.ZodType | undefined {
  if (key === 'labels') return probeLabels.partial();
  if (key === 'kind') return unknownKindSchema.shape.kind;
  if (Object.hasOwn(commonFields, key)) return commonFields[key as keyof typeof commonFields];
  return checkers.find((c) => c.kind === key)?.spec;
}

/** The keys a folder's `defaults:` may hold (those of {@link defaultsKeySchema}). */
export const DEFAULTS_KEYS: readonly string[] = [
  'labels',
  'kind',
  ...Object.keys(commonFields),
  ...KINDS,
].filter((key, i, all) => all.indexOf(key) === i);

/** The keys of a kind's spec (`url`, `method`, … for `http`), for hints about misplaced keys. */
export function specKeys(kind: string): readonly string[] {
  let schema: unknown = checkers.find((c) => c.kind === kind)?.spec;
  // A spec with a transform is a pipe whose input is the object as written.
  for (let depth = 0; depth < 5 && schema instanceof z.ZodPipe; depth++) schema = schema.in;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** A validated probe, defaults applied. */
export type Probe = Omit<ProbeCommon, 'timeout' | 'failAfter'> & {
  timeout: number;
  failAfter: number;
  kind: string;
  [spec: string]: unknown;
};
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

/**
 * How long one result stands before the next run is due, in ms: `every`, or for a `cron` probe
 * the longest gap between two of its runs. The interval metric, the seeding after a restart and
 * the bound on the staleness of results (three intervals, scheduler/staleness.ts) judge by it.
 */
export function intervalOf(probe: Probe): number {
  if (probe.cron !== undefined) return cronIntervalMs(probe.cron);
  return probe.every ?? DEFAULT_EVERY_MS;
}
