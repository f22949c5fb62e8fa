import { isPlainObject } from './templates.ts';

const ENV_REFERENCE = /\$\{env:[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * Where a run reads `${env:NAME}`: the request headers of an `http` probe, and the address
 * of a journey's `goto` and the value of its `fill` and `select`. Anywhere else the reference
 * is not replaced and would be used as written — an API key in `http.url` sent as the text
 * `${env:KEY}`, answered with 401 and reported as the service failing. `path` is relative to
 * a probe (or to a `defaults:` block, which has the same shape).
 */
function readsSecrets(path: readonly (string | number)[]): boolean {
  if (path[0] === 'http' && path[1] === 'headers') return true;
  if (path[0] !== 'browser' || path[1] !== 'steps' || typeof path[2] !== 'number') return false;
  const [action, field] = [path[3], path[4]];
  if (action === 'goto') return field === undefined || field === 'url';
  return (action === 'fill' || action === 'select') && field === 'value';
}

const MESSAGE = (ref: string): string =>
  `${ref} is not replaced here and would be used as written: environment variables are read only in http.headers and in a journey's goto, fill and select`;

/**
 * Every `${env:NAME}` in `value` where no run would replace it, with its path below `value`
 * and a message. `at` is where `value` sits in a probe.
 */
export function misplacedSecrets(
  value: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  const visit = (v: unknown, rel: (string | number)[]): void => {
    if (readsSecrets([...at, ...rel])) return;
    if (typeof v === 'string') {
      const ref = ENV_REFERENCE.exec(v);
      if (ref) found.push({ path: rel, message: MESSAGE(ref[0]) });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...rel, i]));
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) visit(item, [...rel, k]);
    }
  };
  visit(value, []);
  return found;
}
