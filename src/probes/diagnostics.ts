import type { z } from 'zod';

/** One problem in the probe files, precise enough to fix without searching. */
export interface Diagnostic {
  /** Path of the file, relative to the probes folder. */
  file: string;
  /** 1-based line in YAML files; absent for TypeScript probes and whole-file problems. */
  line?: number;
  column?: number;
  /** Where in the probe, e.g. `probes[2].http.expect.status[0]`, or the probe id. */
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
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

/** Turns zod's issue into a sentence a person can act on. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `unknown key "${issue.keys[0]}"`
        : `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type': {
      const received = receivedType(issue.input);
      if (received === 'undefined') return `missing required field (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${received}`;
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
    default:
      return issue.message;
  }
}

function receivedType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}
