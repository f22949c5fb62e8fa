import type { Page } from 'playwright';
import { z } from 'zod';
import { describeIssue, problemsOf, SHOWN_PARSE } from '../../probes/diagnostics.ts';
import { suggestKey } from '../../probes/suggest.ts';
import { axeSettingsShape } from '../a11y/spec.ts';
import { allowedRequestSchema } from './allow-requests.ts';
import { durationMs } from '../../probes/duration.ts';

/**
 * How a step finds its element — the way a person would: by role and accessible name,
 * by visible text, by form label, by placeholder; CSS only as a last resort.
 * `frame` (a CSS selector of an iframe) reaches into embedded forms.
 */
const targetShape = {
  role: z
    .string()
    .regex(/^[a-z]+$/, 'an ARIA role such as button, link, textbox')
    .optional(),
  /** Accessible name, used with `role`. */
  name: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
  placeholder: z.string().min(1).optional(),
  css: z.string().min(1).optional(),
  frame: z.string().min(1).optional(),
  /** Match names and texts exactly (case and whole string). @default true */
  exact: z.boolean().default(true),
};
const LOCATORS = ['role', 'text', 'label', 'placeholder', 'css'] as const;

function targetWith<T extends z.ZodRawShape>(extra: T) {
  return z.strictObject({ ...targetShape, ...extra }).superRefine((value, ctx) => {
    const t = value as Partial<Record<string, unknown>>;
    const given = LOCATORS.filter((k) => t[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `name the element by exactly one of ${LOCATORS.join(', ')}${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`,
      });
    }
    if (t.name !== undefined && t.role === undefined) {
      ctx.addIssue({ code: 'custom', message: '"name" goes with "role"', path: ['name'] });
    }
  });
}

const target = targetWith({});
export type Target = z.output<typeof target>;

/** Each action and the schema of its value. */
const scanChecks = z.array(z.enum(['a11y', 'media-breaks'])).min(1);

const actions = {
  goto: z.union([
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    z.strictObject({
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
      waitUntil: z.enum(['load', 'domcontentloaded', 'networkidle', 'commit']).default('load'),
    }),
  ]),
  click: target,
  fill: targetWith({ value: z.string() }),
  select: targetWith({ value: z.string() }),
  check: targetWith({ checked: z.boolean().default(true) }),
  press: z.strictObject({ key: z.string().min(1), ...targetShape }),
  waitFor: targetWith({ state: z.enum(['visible', 'hidden', 'attached']).default('visible') }),
  expectText: z.union([z.string().min(1), targetWith({ value: z.string().min(1) })]),
  expectVisible: target,
  expectUrl: z.string().min(1),
  screenshot: z.union([z.literal(true), z.string().regex(/^[a-z0-9-]+$/, 'lowercase, digits, -')]),
  scan: z.union([
    z.literal(true),
    scanChecks,
    z.strictObject({
      checks: scanChecks.default(['a11y', 'media-breaks']),
      /**
       * The page shows an error state or the confirmation of the process: the quarterly
       * report counts which journeys cover them (Implementing Decision (EU) 2018/1524,
       * Annex I 1.2.2/1.2.3).
       */
      page: z.enum(['error', 'confirmation']).optional(),
    }),
  ]),
} as const;

export type StepAction = keyof typeof actions;
export const STEP_ACTIONS = Object.keys(actions) as StepAction[];

/** A step after validation: its action, the action's value, a name and a timeout. */
export type Step = {
  [A in StepAction]: {
    action: A;
    value: z.output<(typeof actions)[A]>;
    name: string;
    timeout?: number;
  };
}[StepAction];

/** `did you mean "click"? ` for a misspelt action, or nothing. */
function meantStep(key: string): string {
  const meant = suggestKey(key, [...STEP_ACTIONS, 'name', 'timeout', 'use']);
  return meant ? `did you mean "${meant}"? ` : '';
}

const STEP_NAME = /^[\p{L}\p{N} ._/-]{1,64}$/u;

const stepSchema = z.looseObject({}).transform((raw, ctx): Step => {
  const keys = Object.keys(raw);
  const present = STEP_ACTIONS.filter((a) => a in raw);
  const unknown = keys.filter(
    (k) => !(STEP_ACTIONS as string[]).includes(k) && k !== 'name' && k !== 'timeout',
  );
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        unknown[0] === 'use'
          ? `no shared steps named ${JSON.stringify(raw.use)} (define them under "steps:" in a defaults.yaml)`
          : `unknown key "${unknown[0]}"; ${meantStep(unknown[0] as string)}a step is one of: ${STEP_ACTIONS.join(', ')}, or use (shared steps from a defaults.yaml)`,
      path: [unknown[0] as string],
    });
    return z.NEVER;
  }
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `a step has exactly one action (${STEP_ACTIONS.join(', ')})${present.length > 1 ? `, got ${present.join(' and ')}` : ''}`,
    });
    return z.NEVER;
  }
  const action = present[0] as StepAction;
  // Parsed as the probe is, so that an unknown key of the action (`click: { rol: … }`) is
  // reported at itself, with the key meant. Alone: what else is wrong mostly follows from it
  // (no `role`, so "name goes with role").
  const value = actions[action].safeParse(raw[action], SHOWN_PARSE);
  if (!value.success) {
    const unknown = value.error.issues.filter((i) => i.code === 'unrecognized_keys');
    for (const problem of (unknown.length > 0 ? unknown : value.error.issues).flatMap(problemsOf)) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: [action, ...problem.path] });
    }
    return z.NEVER;
  }
  const name = raw.name;
  if (name !== undefined && (typeof name !== 'string' || !STEP_NAME.test(name))) {
    ctx.addIssue({
      code: 'custom',
      message: 'step name: 1–64 letters, digits, spaces and . _ / -',
      path: ['name'],
    });
    return z.NEVER;
  }
  let timeout: number | undefined;
  if (raw.timeout !== undefined) {
    const parsed = durationMs.safeParse(raw.timeout);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: describeIssue(parsed.error.issues[0]!),
        path: ['timeout'],
      });
      return z.NEVER;
    }
    timeout = parsed.data;
  }
  return {
    action,
    value: value.data,
    name: name ?? '',
    ...(timeout ? { timeout } : {}),
  } as Step;
});

/** What a TypeScript journey gets. */
export interface JourneyContext {
  page: Page;
  /** A named step: timed, reported, and the unit a failure is attributed to. */
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /** `${env:NAME}` for TypeScript: reads a secret and keeps it out of results, logs and traces. */
  secret: (name: string) => string;
}
export type JourneyFunction = (ctx: JourneyContext) => Promise<void>;

export const browserSpecSchema = z
  .strictObject({
    steps: z.array(stepSchema).optional(),
    /** TypeScript probes: the journey as a function. */
    journey: z
      .custom<JourneyFunction>((v) => typeof v === 'function', 'journey must be a function')
      .optional(),
    allowRequests: z.array(allowedRequestSchema).default([]),
    viewport: z
      .strictObject({
        width: z.number().int().min(320).max(3840),
        height: z.number().int().min(320).max(2160),
      })
      .default({ width: 1280, height: 800 }),
    /** @default de-DE */
    locale: z.string().default('de-DE'),
    /** Timeout of one step unless the step sets its own. @default 10s */
    stepTimeout: durationMs.default(10_000),
    /** A run slower than this but otherwise fine is `degraded`. */
    degradedAfter: durationMs.optional(),
    /** Rule set of `scan` steps that ask for `a11y`. */
    a11y: z.strictObject(axeSettingsShape).default({
      profile: 'en-301-549',
      bestPractice: false,
      include: [],
      exclude: [],
      disableRules: [],
    }),
    /** Record a screencast in the trace of failed runs (costs CPU on every run; never with secrets). @default false */
    traceScreencast: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => {
    if ((spec.steps === undefined) === (spec.journey === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either "steps" (YAML) or "journey" (TypeScript)',
      });
    }
  })
  .transform((spec) => ({
    ...spec,
    // Unnamed steps are named by position and action: stable as long as the list is.
    steps: spec.steps?.map((s, i) => ({ ...s, name: s.name || `${i + 1}-${s.action}` })),
  }));

export type BrowserSpec = z.output<typeof browserSpecSchema>;
export type BrowserSpecInput = z.input<typeof browserSpecSchema>;
