import type { Checker } from './checker.ts';
import { httpChecker } from './http/check.ts';

/** Every kind of probe ozgwatch knows. One line per kind. */
export const checkers: readonly Checker<unknown>[] = [httpChecker];

export function checkerFor(kind: string): Checker<unknown> | undefined {
  return checkers.find((c) => c.kind === kind);
}
