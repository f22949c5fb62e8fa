/**
 * The Prometheus text exposition format (version 0.0.4), the few pieces the per-probe
 * cache needs: https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { MetricSpec } from './catalogue.ts';

const LABEL_ESCAPES = /[\\"\n]/g;
// Not global: a global regex's test() is stateful.
const NEEDS_ESCAPE = /[\\"\n]/;
const HELP_ESCAPES = /[\\\n]/g;

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : `\\${c}`;
}

/** Escapes `\`, `"` and newline in a label value. */
export function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(LABEL_ESCAPES, escapeChar) : value;
}

/** `a="x",b="y"`: label pairs in the given order, values escaped. */
export function labelPairs(labels: readonly (readonly [string, string])[]): string {
  let out = '';
  for (const [name, value] of labels) {
    out += `${out ? ',' : ''}${name}="${escapeLabelValue(value)}"`;
  }
  return out;
}

/** A sample value as Prometheus parses it (`+Inf`, `-Inf`, `NaN`, plain numbers). */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(spec: MetricSpec): string {
  const help = spec.help.replace(HELP_ESCAPES, escapeChar);
  return `# HELP ${spec.name} ${help}\n# TYPE ${spec.name} ${spec.type}\n`;
}
