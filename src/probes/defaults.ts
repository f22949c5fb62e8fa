import { problemsOf, SHOWN_PARSE, type Problem } from './diagnostics.ts';
import { durationMs, formatDuration } from './duration.ts';
import { DEFAULTS_KEYS, defaultsKeySchema, KINDS } from './schema.ts';
import { unknownKeyMessage } from './suggest.ts';
import { isPlainObject, mergeDefaults } from './templates.ts';
import type { YamlSource } from './yaml-source.ts';

/**
 * Folder defaults (`defaults:` in a `defaults.yaml`) are checked once, in their own file,
 * and merged under the probes below. A problem a default brings into every probe is then
 * reported once, at the line of the default, instead of once per probe at the probe's line.
 */

/** One folder's `defaults.yaml`, as far as the probes below it are concerned. */
export interface DefaultsLayer {
  source: YamlSource;
  /** The `defaults:` mapping as written. */
  values: Record<string, unknown>;
  /** Paths within `defaults:` already reported in this file, not to be reported again per probe. */
  reported: Problem['path'][];
}

/** What a folder hands down to the probes in it and in its subfolders. */
export interface FolderDefaults {
  /** Every layer merged, the nearest folder last. */
  values: Record<string, unknown>;
  /** Shared browser steps by name (`steps:`), used in journeys as `- use: <name>`. */
  steps: Record<string, unknown[]>;
  /** The `defaults.yaml` files that contributed, outermost first. */
  layers: DefaultsLayer[];
}

export const NO_DEFAULTS: FolderDefaults = { values: {}, steps: {}, layers: [] };

/** A subfolder's defaults refine its parent's: mappings merge, anything else replaces. */
export function refineDefaults(
  parent: FolderDefaults,
  layer: DefaultsLayer,
  steps: Record<string, unknown[]>,
): FolderDefaults {
  return {
    values: mergeDefaults(parent.values, layer.values),
    steps: { ...parent.steps, ...steps },
    layers: [...parent.layers, layer],
  };
}

/**
 * The problems a `defaults:` mapping has on its own, whatever probe it is merged into:
 * unknown keys, wrong types, malformed values. What only a whole probe can show — a
 * missing required field, a spec that needs one of two fields — is left to the probes.
 */
export function checkDefaults(values: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(values)) {
    const schema = defaultsKeySchema(key);
    if (!schema) {
      problems.push({ path: [key], message: unknownKeyMessage(key, DEFAULTS_KEYS) });
      continue;
    }
    const parsed = schema.safeParse(value, SHOWN_PARSE);
    if (parsed.success) continue;
    const isSpec = KINDS.includes(key);
    for (const issue of parsed.error.issues) {
      for (const problem of problemsOf(issue)) {
        // A spec checked alone misses what the probe adds; only what is written here counts.
        if (isSpec && !blamesWrittenValue(value, problem.path, issue.code)) continue;
        problems.push({ path: [key, ...problem.path], message: problem.message });
      }
    }
  }
  const interval = problems.some((p) => p.path[0] === 'every' || p.path[0] === 'timeout')
    ? undefined
    : timeoutNotBelowEvery(values);
  if (interval) problems.push(interval);
  return problems;
}

/** Both set in the same defaults: their relation is a problem of this file, not of each probe. */
function timeoutNotBelowEvery(values: Record<string, unknown>): Problem | undefined {
  if (values.timeout === undefined || values.every === undefined) return undefined;
  const timeout = durationMs.safeParse(values.timeout);
  const every = durationMs.safeParse(values.every);
  if (!timeout.success || !every.success || timeout.data < every.data) return undefined;
  return {
    path: ['timeout'],
    message: `timeout (${formatDuration(timeout.data)}) must be shorter than every (${formatDuration(every.data)})`,
  };
}

/**
 * Whether an issue of a spec checked alone is about a value written in it. A missing field
 * is not, and neither is a rule on the whole spec ("give steps or journey") or on a list
 * ("give urls or crawl"): those depend on what the probe adds (and a probe's list replaces
 * the default's). A rule on a mapping inside the spec (a header, a step) is about what the
 * mapping holds.
 */
function blamesWrittenValue(spec: unknown, path: Problem['path'], code: string): boolean {
  if (code === 'unrecognized_keys') return true;
  const value = valueAt(spec, path);
  if (value === undefined) return false;
  return code !== 'custom' || (path.length > 0 && !Array.isArray(value));
}

/**
 * The `defaults.yaml` a probe's value at `path` came from: the nearest folder that sets it,
 * unless the probe sets it itself. `undefined` when the probe wrote it or nobody did.
 */
export function defaultsOrigin(
  path: Problem['path'],
  own: Record<string, unknown>,
  layers: readonly DefaultsLayer[],
): DefaultsLayer | undefined {
  if (valueAt(own, path) !== undefined) return undefined;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (valueAt(layer.values, path) !== undefined) return layer;
  }
  return undefined;
}

/** Whether the layer's own check reported this path, or a path that contains it. */
export function reportedIn(layer: DefaultsLayer, path: Problem['path']): boolean {
  return layer.reported.some((r) => r.length <= path.length && r.every((k, i) => path[i] === k));
}

function valueAt(value: unknown, path: Problem['path']): unknown {
  let node = value;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isPlainObject(node) && typeof key === 'string' && Object.hasOwn(node, key))
      node = node[key];
    else return undefined;
  }
  return node;
}
