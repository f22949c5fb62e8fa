import type { Checker } from './checker.ts';
import { a11yChecker } from './a11y/check.ts';
import { bitvChecker } from './bitv/check.ts';
import { browserChecker } from './browser/check.ts';
import { httpChecker } from './http/check.ts';
import { lighthouseChecker } from './lighthouse/check.ts';
import { mediaBreaksChecker } from './media-breaks/check.ts';

/** Every kind of probe ozgwatch knows. One line per kind. */
export const checkers: readonly Checker<unknown>[] = [
  httpChecker,
  browserChecker,
  a11yChecker,
  bitvChecker,
  lighthouseChecker,
  mediaBreaksChecker,
];

export function checkerFor(kind: string): Checker<unknown> | undefined {
  return checkers.find((c) => c.kind === kind);
}
