import type { Problem } from './diagnostics.ts';
import { KINDS, specKeys } from './schema.ts';
import { isPlainObject } from './templates.ts';

/**
 * Keys of a kind's block written one level too far left: `url:` under an `http:` that is
 * not indented, so that `http:` stays empty and `url` lands at the probe. zod then sees an
 * empty `http` and, for `url`, a valid field of the probe (the page for people): the
 * person needs to hear where the key belongs, not that `http` is empty.
 */
export interface MisplacedKey {
  key: string;
  /** The kind, and so the name of the block the key belongs under. */
  kind: string;
}

/**
 * The keys of `own` (the probe as written) that belong in its kind's block and that the
 * block, with its defaults (`merged`), does not have. Nothing when the block is a value that
 * is neither empty nor a mapping: that is another mistake.
 */
export function misplacedKeys(
  own: Record<string, unknown>,
  merged: Record<string, unknown>,
  kind: unknown,
): MisplacedKey[] {
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return [];
  const block = merged[kind];
  if (block !== undefined && block !== null && !isPlainObject(block)) return [];
  const belongs = specKeys(kind);
  return Object.keys(own)
    .filter((key) => key !== kind && belongs.includes(key))
    .filter((key) => !(isPlainObject(block) && Object.hasOwn(block, key)))
    .map((key) => ({ key, kind }));
}

/**
 * Whether a problem is only a consequence of the misplaced keys: the empty or missing
 * block, the key reported unknown where it was written, or missing where it belongs.
 */
export function followsFromMisplaced(
  problem: Problem,
  misplaced: readonly MisplacedKey[],
  merged: Record<string, unknown>,
): boolean {
  const [first, second, ...rest] = problem.path;
  return misplaced.some(({ key, kind }) => {
    if (first === kind && second === undefined) return !isPlainObject(merged[kind]);
    if (first === kind && second === key && rest.length === 0) return true;
    return first === key && second === undefined;
  });
}

/** What to do about a misplaced key; `blockLine` is the line of the kind's key, if written. */
export function misplacedMessage({ key, kind }: MisplacedKey, blockLine?: number): string {
  const block =
    blockLine === undefined
      ? `"${kind}:", which this probe does not have: write "${kind}:" and indent "${key}" below it`
      : `"${kind}:" (line ${blockLine}): indent it deeper than "${kind}:"`;
  // A probe's own `url` is valid where it stands; say why it is still the wrong place.
  const why = key === 'url' ? ` (a probe's own url is only the page shown to people)` : '';
  return `"${key}" belongs under ${block}${why}`;
}
