/**
 * Probe templates: one probe entry stamped over a list of targets (`targets:`),
 * so that one file can watch the same service in 40 municipalities.
 *
 * A target is a mapping of variables; `${name}` in any string of the entry is
 * replaced by the target's value. `${env:NAME}` is left alone (secrets are
 * resolved at run time, never at load time). A target's `labels` are merged
 * into the entry's labels.
 */

const VARIABLE = /\$\{(?!env:)([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Target = Record<string, unknown>;

export class TemplateError extends Error {}

/** Replaces `${var}` in every string of `value`; throws {@link TemplateError} on an undefined variable. */
export function substitute(value: unknown, vars: Target): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_, name: string) => {
      const v = vars[name];
      if (v === undefined)
        throw new TemplateError(`variable \${${name}} is not defined by this target`);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        throw new TemplateError(`variable \${${name}} is not a string or number`);
      return String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars);
    return out;
  }
  return value;
}

/**
 * Every `${name}` in the strings of `value`, with its path: in an entry without targets no
 * variable is ever defined, and a placeholder left in a URL fails only at run time.
 */
export function variablesIn(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; name: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(VARIABLE)].map((m) => ({ path, name: m[1]! }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => variablesIn(v, [...path, i]));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => variablesIn(v, [...path, k]));
  }
  return [];
}

/** A `${` that starts neither `${name}` nor `${env:NAME}`, up to its `}` or the string's end. */
const MALFORMED = /\$\{(?!(?:env:)?[A-Za-z_][A-Za-z0-9_]*\})[^}]{0,40}\}?/g;

/**
 * Every `${…}` in the strings of `value` that is neither a variable nor an environment
 * reference (`${env.TOKEN}`, `${ env:TOKEN }`, `${slug`): left as it is, it would be sent as
 * text — a header with a literal placeholder instead of the token.
 */
export function malformedPlaceholders(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(MALFORMED)].map((m) => ({ path, text: m[0] }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => malformedPlaceholders(v, [...path, i]));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => malformedPlaceholders(v, [...path, k]));
  }
  return [];
}

/**
 * The placeholders of `value` that would be sent as written, each with what to write
 * instead: every malformed one, and — where nothing fills variables (`unfilled` says why,
 * for the variable's name) — every `${name}`.
 */
export function placeholderProblems(
  value: unknown,
  unfilled?: (name: string) => string,
): { path: (string | number)[]; message: string }[] {
  const malformed = malformedPlaceholders(value).map(({ path, text }) => ({
    path,
    message: `${JSON.stringify(text)} is no placeholder: write \${env:NAME} for an environment variable, or \${name} in a probe entry for a variable of its targets:`,
  }));
  if (!unfilled) return malformed;
  const variables = variablesIn(value).map(({ path, name }) => ({
    path,
    message: `variable \${${name}} ${unfilled(name)}, or write \${env:${name.toUpperCase()}} for an environment variable`,
  }));
  return [...malformed, ...variables];
}

export function usesVariable(text: string): boolean {
  VARIABLE.lastIndex = 0;
  return VARIABLE.test(text);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges `defaults` under `value`: mappings merge key by key, anything else
 * (lists included) in `value` replaces the default.
 */
export function mergeDefaults(
  defaults: Record<string, unknown>,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(value)) {
    const d = out[k];
    out[k] = isPlainObject(d) && isPlainObject(v) ? mergeDefaults(d, v) : v;
  }
  return out;
}
