import { z } from 'zod';
import { describeValue } from './diagnostics.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses `500ms`, `10s`, `5m`, `1h`, `14d` into milliseconds; `undefined` when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
}

/** Formats milliseconds the way users write them (`90s` → `1m30s` is not attempted; `90000` → `90s`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration field: a string like `5m` in YAML, milliseconds after parsing. A bare number
 * (`timeout: 20`) is the common mistake: the message says a unit is missing, not merely
 * that a string was expected.
 */
export const durationMs = z
  .custom<string>((value) => typeof value === 'string', {
    error: (issue) =>
      issue.input === undefined
        ? 'missing required field (expected a duration such as "20s")'
        : `expected a duration such as "20s" (units ms, s, m, h, d), got ${describeValue(issue.input)}`,
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration; write e.g. 500ms, 10s, 5m, 1h or 14d`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** A duration field that may not be shorter than `minMs`; `why` ends the message. */
export function durationAtLeast(field: string, minMs: number, why: string) {
  return durationMs.superRefine((ms, ctx) => {
    if (ms < minMs) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} is ${formatDuration(ms)}, below the minimum of ${formatDuration(minMs)}: ${why}`,
      });
    }
  });
}
