import path from 'node:path';
import type { z } from 'zod';
import { unknownKeyMessage } from './suggest.ts';
import { withScheme } from './url-hint.ts';

/** One problem in the probe files, precise enough to fix without searching. */
export interface Diagnostic {
  /** Path of the file, relative to the probes folder (`.` for the folder itself). */
  file: string;
  /** 1-based line in YAML files; absent for TypeScript probes and whole-file problems. */
  line?: number;
  column?: number;
  /** Where in the probe, e.g. `probes[2].http.expect.status[0]`, or the probe id. */
  path: string;
  message: string;
}

/** A problem at a data path, before it is given a file and a line. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

export function formatDiagnostic(d: Diagnostic, folder?: string): string {
  // Files are named relative to the probes folder; with it in front, a terminal or an
  // editor can jump to them, and a problem of the folder itself (file `.`) names it.
  const file = folder === undefined ? d.file : path.join(folder, d.file);
  const where = d.line === undefined ? file : `${file}:${d.line}:${d.column ?? 1}`;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

/**
 * The diagnostics of a load in the order a person fixes them: file by file in the order
 * the files were read (a folder's defaults first), and within a file from top to bottom.
 * Problems of a whole file (no line) come before those of its lines. Sorting changes only
 * the order: which problems are reported, stage by stage, is the loader's business.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[], files: readonly string[]) {
  const rank = new Map<string, number>();
  for (const file of files) if (!rank.has(file)) rank.set(file, rank.size);
  for (const d of diagnostics) if (!rank.has(d.file)) rank.set(d.file, rank.size);
  return [...diagnostics].sort(
    (a, b) =>
      rank.get(a.file)! - rank.get(b.file)! ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * Options for a parse whose problems are shown to a person: the input goes into the
 * messages (`got "abc"`), and an unknown key learns which keys are allowed in its place,
 * so that its message can suggest the one that was meant.
 */
export const SHOWN_PARSE = { reportInput: true, error: noteAllowedKeys } as const;

/**
 * zod names the unknown keys but not the allowed ones, and drops the schema from the issue
 * it returns; the error map still sees the schema, and what it adds to the issue is kept.
 * It returns no message, so that zod's own (or the schema's) stays.
 */
function noteAllowedKeys(issue: z.core.$ZodRawIssue): undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const def = issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined;
  if (def?.shape) (issue as { allowed?: string[] }).allowed = Object.keys(def.shape);
  return undefined;
}

/** `['probes', 2, 'http', 'url']` → `probes[2].http.url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * The problems of one zod issue, each at its own path. zod reports unknown keys once, at
 * the mapping that holds them; they are split here so that each is reported at the key
 * itself, on its own line, where the person has to delete or rename it.
 */
export function problemsOf(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = (issue as { allowed?: unknown }).allowed;
    const known = Array.isArray(allowed) ? (allowed as string[]) : undefined;
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: unknownKeyMessage(key, known),
    }));
  }
  return [{ path, message: describeIssue(issue) }];
}

/** Turns zod's issue into a sentence a person can act on. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `unknown key "${issue.keys[0]}"`
        : `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      // zod leaves out the input unless asked (`reportInput`); NaN it names in `received`.
      const input = 'received' in issue && issue.received === 'NaN' ? NaN : issue.input;
      if (input === undefined) return `missing required field (expected ${expected})`;
      return `expected ${expected}, got ${describeValue(input)}`;
    }
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item(s)`
        : issue.origin === 'string'
          ? Number(issue.minimum) <= 1
            ? `must not be empty`
            : `must be at least ${String(issue.minimum)} characters`
          : `must be ≥ ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ≤ ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'date') return dateMessage(issue.input);
      return issue.format === 'url' ? urlMessage(issue.message, issue.input) : issue.message;
    default:
      return issue.message;
  }
}

/**
 * A date as ISO 8601 wants it. A German date (`31.03.2027`) is the usual mistake: the
 * message then spells the same day the way it must be written.
 */
function dateMessage(input: unknown): string {
  const german = typeof input === 'string' ? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(input) : null;
  const example = german
    ? `${german[3]}-${german[2]!.padStart(2, '0')}-${german[1]!.padStart(2, '0')}`
    : '2027-03-31';
  const got = input === undefined ? '' : `, got ${describeValue(input)}`;
  return `expected a date written YYYY-MM-DD${got}; write e.g. '${example}'`;
}

/** An address without its scheme gets the message spelling it as it must be written. */
function urlMessage(message: string, input: unknown): string {
  const meant = withScheme(input);
  return meant ? `${message}; write "${meant}"` : message;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** A value as a person recognises it in what they wrote: `"abc"`, `number 20`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'number')
    return Number.isNaN(value) ? 'NaN (not a number)' : `number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
