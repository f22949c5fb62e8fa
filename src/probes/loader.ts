import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { waiverSchema, type Waiver } from '../checkers/a11y/waivers.ts';
import { firstPage, type A11ySpec } from '../checkers/a11y/spec.ts';
import { describeIssue, formatPath, type Diagnostic } from './diagnostics.ts';
import {
  KINDS,
  maintenanceWindow,
  probeSchema,
  type LoadedProbe,
  type MaintenanceWindow,
} from './schema.ts';
import {
  isPlainObject,
  mergeDefaults,
  substitute,
  TemplateError,
  usesVariable,
} from './templates.ts';

/**
 * Reads every probe file under a folder into validated probes, or into diagnostics
 * naming file, line and path. It never throws for bad input: a probe folder with
 * problems yields every problem at once, so a person fixes them in one pass.
 *
 * Files:
 * - `**\/*.yaml`, `**\/*.yml`: a list of probes, or a mapping with `probes:` and `maintenance:`;
 * - `**\/defaults.yaml`: `defaults:` (merged under every probe in that folder and below) and `maintenance:`;
 * - `**\/*.probe.ts`: `export default defineProbe({...})` (or a list of them).
 */

/** A maintenance window that applies to every probe whose labels match `match`. */
export interface SelectorWindow extends MaintenanceWindow {
  match: { probe?: string; service?: string; county?: string };
}

export interface ProbeSet {
  probes: LoadedProbe[];
  maintenance: SelectorWindow[];
  /** Accepted accessibility findings, from `waivers:` in probe files and defaults. */
  waivers: Waiver[];
  diagnostics: Diagnostic[];
  /** Files read, relative to the folder. */
  files: string[];
}

const DEFAULTS_FILE = 'defaults.yaml';
/** Alias expansion limit: a "billion laughs" file ends as a diagnostic, not as gigabytes. */
const MAX_ALIAS_COUNT = 100;
/** A probe file larger than this is refused (a probe folder holds configuration, not data). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

const selectorWindowSchema = maintenanceWindow.extend({
  match: z
    .strictObject({
      probe: z.string().optional(),
      service: z.string().optional(),
      county: z.string().optional(),
    })
    .refine((m) => Object.keys(m).length > 0, 'match needs at least one of probe, service, county'),
});

const probeFileSchema = z.strictObject({
  probes: z.array(z.unknown()).default([]),
  maintenance: z.array(z.unknown()).default([]),
  waivers: z.array(z.unknown()).default([]),
});

const defaultsFileSchema = z.strictObject({
  defaults: z.record(z.string(), z.unknown()).default({}),
  maintenance: z.array(z.unknown()).default([]),
  waivers: z.array(z.unknown()).default([]),
  /** Shared browser steps by name, used in journeys as `- use: <name>`. */
  steps: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -'),
      z.array(z.unknown()).min(1),
    )
    .default({}),
});

/** Shared steps ride along with a folder's defaults, out of reach of the merge into probes. */
const SHARED_STEPS = Symbol('sharedSteps');
type Defaults = Record<string, unknown> & { [SHARED_STEPS]?: Record<string, unknown[]> };

function sharedStepsOf(defaults: Defaults): Record<string, unknown[]> {
  return defaults[SHARED_STEPS] ?? {};
}

export async function loadProbes(root: string): Promise<ProbeSet> {
  const set: ProbeSet = { probes: [], maintenance: [], waivers: [], diagnostics: [], files: [] };
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    set.diagnostics.push({ file: root, path: '', message: 'probes folder does not exist' });
    return set;
  }
  if (!rootStat.isDirectory()) {
    set.diagnostics.push({ file: root, path: '', message: 'probes path is not a folder' });
    return set;
  }
  await loadFolder(root, '', {}, set);
  addLighthouseProbes(set);
  reportDuplicateIds(set);
  attachWaivers(set);
  return set;
}

async function loadFolder(
  root: string,
  rel: string,
  inherited: Record<string, unknown>,
  set: ProbeSet,
  visited = new Set<string>(),
): Promise<void> {
  const dir = path.join(root, rel);
  let entries: FolderEntry[];
  try {
    // A folder reached twice through symbolic links is read once: no loop, no duplicate ids.
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    entries = await readFolder(dir);
  } catch (error) {
    set.diagnostics.push(unreadable(rel || '.', error));
    return;
  }
  let defaults = inherited;
  if (entries.some((e) => e.type === 'file' && e.name === DEFAULTS_FILE)) {
    const file = path.join(rel, DEFAULTS_FILE);
    set.files.push(file);
    const own = await readDefaultsFile(root, file, set);
    const merged: Defaults = mergeDefaults(inherited, own.defaults);
    merged[SHARED_STEPS] = { ...sharedStepsOf(inherited), ...own.steps };
    defaults = merged;
  }
  for (const entry of entries) {
    const file = path.join(rel, entry.name);
    if (entry.type === 'folder') {
      await loadFolder(root, file, defaults, set, visited);
    } else if (entry.type === 'file' && entry.name !== DEFAULTS_FILE) {
      if (/\.ya?ml$/.test(entry.name)) {
        set.files.push(file);
        await readYamlProbeFile(root, file, defaults, set);
      } else if (/\.probe\.(ts|js|mjs)$/.test(entry.name)) {
        set.files.push(file);
        await readModuleProbeFile(root, file, defaults, set);
      }
    }
  }
}

interface FolderEntry {
  name: string;
  type: 'file' | 'folder' | 'other';
}

/**
 * The visible entries of a folder, sorted, with symbolic links resolved: a Kubernetes
 * ConfigMap mounts every file as a link into a hidden `..data` folder. Hidden entries and
 * `node_modules` are left out; a link whose target is gone is left out too.
 */
async function readFolder(dir: string): Promise<FolderEntry[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name));
  return Promise.all(
    entries.map(async (e): Promise<FolderEntry> => {
      let target: { isFile(): boolean; isDirectory(): boolean } = e;
      if (e.isSymbolicLink()) {
        target = await stat(path.join(dir, e.name)).catch(() => ({
          isFile: () => false,
          isDirectory: () => false,
        }));
      }
      const type = target.isFile() ? 'file' : target.isDirectory() ? 'folder' : 'other';
      return { name: e.name, type };
    }),
  );
}

interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

async function parseYamlFile(
  root: string,
  file: string,
  set: ProbeSet,
): Promise<YamlSource | undefined> {
  const full = path.join(root, file);
  let text: string;
  try {
    const size = (await stat(full)).size;
    if (size > MAX_FILE_BYTES) {
      set.diagnostics.push({
        file,
        path: '',
        message: `file is ${size} bytes; probe files may be at most ${MAX_FILE_BYTES}`,
      });
      return undefined;
    }
    text = await readFile(full, 'utf8');
  } catch (error) {
    set.diagnostics.push(unreadable(file, error));
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = error.linePos?.[0];
      set.diagnostics.push({
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        path: '',
        message: `YAML syntax: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
      });
    }
    return undefined;
  }
  return { file, doc, lines };
}

/** Converts the document to plain data; an alias bomb or other conversion failure becomes a diagnostic. */
function toData(source: YamlSource, set: ProbeSet): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    set.diagnostics.push({
      file: source.file,
      path: '',
      message: `YAML: ${(error as Error).message}`,
    });
    return undefined;
  }
}

async function readDefaultsFile(
  root: string,
  file: string,
  set: ProbeSet,
): Promise<{ defaults: Record<string, unknown>; steps: Record<string, unknown[]> }> {
  const none = { defaults: {}, steps: {} };
  const source = await parseYamlFile(root, file, set);
  if (!source) return none;
  const data = toData(source, set) ?? {};
  const parsed = defaultsFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    pushIssues(set, source, [], parsed.error.issues);
    return none;
  }
  readSelectorWindows(set, source, parsed.data.maintenance);
  readWaivers(set, source, parsed.data.waivers);
  return { defaults: parsed.data.defaults, steps: parsed.data.steps };
}

async function readYamlProbeFile(
  root: string,
  file: string,
  defaults: Record<string, unknown>,
  set: ProbeSet,
): Promise<void> {
  const source = await parseYamlFile(root, file, set);
  if (!source) return;
  const data = toData(source, set);
  if (data === undefined || data === null) return; // an empty file is fine
  let entries: unknown[];
  let prefix: (string | number)[];
  if (Array.isArray(data)) {
    entries = data;
    prefix = [];
  } else {
    const parsed = probeFileSchema.safeParse(data, { reportInput: true });
    if (!parsed.success) {
      pushIssues(
        set,
        source,
        [],
        parsed.error.issues,
        'a probe file is a list of probes, or a mapping with probes: and maintenance:',
      );
      return;
    }
    entries = parsed.data.probes;
    prefix = ['probes'];
    readSelectorWindows(set, source, parsed.data.maintenance);
    readWaivers(set, source, parsed.data.waivers);
  }
  entries.forEach((entry, index) => {
    addEntry(set, { source, path: [...prefix, index] }, entry, defaults);
  });
}

interface EntryOrigin {
  /** Present for YAML files: diagnostics then carry line numbers. */
  source?: YamlSource;
  file?: string;
  path: (string | number)[];
}

function addEntry(
  set: ProbeSet,
  origin: EntryOrigin,
  entry: unknown,
  defaults: Record<string, unknown>,
): void {
  if (!isPlainObject(entry)) {
    pushAt(
      set,
      origin,
      [],
      `a probe is a mapping with id, name, kind, …; got ${Array.isArray(entry) ? 'a list' : typeof entry}`,
    );
    return;
  }
  const { targets, ...template } = entry;
  if (targets === undefined) {
    addProbe(set, origin, template, defaults, undefined);
    return;
  }
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every(isPlainObject)) {
    pushAt(
      set,
      origin,
      ['targets'],
      'targets is a non-empty list of mappings (variables, and optional labels)',
    );
    return;
  }
  if (typeof template.id !== 'string' || !usesVariable(template.id)) {
    pushAt(
      set,
      origin,
      ['id'],
      'with targets, the id must use a variable, e.g. id: wohngeld-${slug}',
    );
    return;
  }
  targets.forEach((target, i) => {
    const { labels, ...vars } = target;
    let expanded: Record<string, unknown>;
    try {
      expanded = substitute(template, vars) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      pushAt(set, origin, ['targets', i], error.message);
      return;
    }
    if (labels !== undefined) {
      if (!isPlainObject(labels)) {
        pushAt(set, origin, ['targets', i, 'labels'], 'labels is a mapping');
        return;
      }
      expanded.labels = { ...(isPlainObject(expanded.labels) ? expanded.labels : {}), ...labels };
    }
    addProbe(set, origin, expanded, defaults, i);
  });
}

function addProbe(
  set: ProbeSet,
  origin: EntryOrigin,
  input: Record<string, unknown>,
  defaults: Record<string, unknown>,
  targetIndex: number | undefined,
): void {
  const withDefaults = mergeDefaults(
    defaultsForKind(defaults, input.kind),
    input.kind === 'browser' ? normaliseJourney(input, sharedStepsOf(defaults)) : input,
  );
  const parsed = probeSchema.safeParse(withDefaults, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issuePath(issue);
      const note = targetIndex === undefined ? '' : ` (target ${targetIndex + 1}${idNote(input)})`;
      pushAt(set, origin, at, describeIssue(issue) + note);
    }
    return;
  }
  const where = locate(origin, []);
  set.probes.push({
    probe: parsed.data,
    source: {
      file: origin.source?.file ?? origin.file ?? '',
      ...(where.line !== undefined ? { line: where.line } : {}),
    },
  });
}

/**
 * Browser probes: a TypeScript `journey` at the top level moves under `browser`, and
 * `- use: <name>` steps are replaced by the shared steps of that name (nested uses too).
 */
function normaliseJourney(
  input: Record<string, unknown>,
  shared: Record<string, unknown[]>,
): Record<string, unknown> {
  const { journey, ...rest } = input;
  const browser = isPlainObject(rest.browser) ? { ...rest.browser } : {};
  if (journey !== undefined) browser.journey = journey;
  if (Array.isArray(browser.steps)) browser.steps = expandUses(browser.steps, shared, 0);
  return journey !== undefined || Array.isArray(browser.steps) ? { ...rest, browser } : input;
}

function expandUses(steps: unknown[], shared: Record<string, unknown[]>, depth: number): unknown[] {
  return steps.flatMap((step) => {
    if (!isPlainObject(step) || typeof step.use !== 'string' || Object.keys(step).length !== 1) {
      return [step];
    }
    const named = shared[step.use];
    // Unknown names stay, so that validation reports them where they are written.
    if (named === undefined || depth >= 5) return [step];
    return expandUses(named, shared, depth + 1);
  });
}

function idNote(input: Record<string, unknown>): string {
  return typeof input.id === 'string' ? `: ${input.id}` : '';
}

/** Folder defaults may hold a spec per kind (`http: {...}`); only the probe's own kind applies. */
function defaultsForKind(
  defaults: Record<string, unknown>,
  kind: unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (KINDS.includes(k) && k !== kind) continue;
    out[k] = v;
  }
  return out;
}

function readSelectorWindows(set: ProbeSet, source: YamlSource, windows: unknown[]): void {
  windows.forEach((w, i) => {
    const parsed = selectorWindowSchema.safeParse(w, { reportInput: true });
    if (!parsed.success) pushIssues(set, source, ['maintenance', i], parsed.error.issues);
    else set.maintenance.push(parsed.data);
  });
}

function readWaivers(set: ProbeSet, source: YamlSource, waivers: unknown[]): void {
  waivers.forEach((w, i) => {
    const parsed = waiverSchema.safeParse(w, { reportInput: true });
    if (!parsed.success) pushIssues(set, source, ['waivers', i], parsed.error.issues);
    else set.waivers.push(parsed.data);
  });
}

/**
 * The `lighthouse:` option of an `a11y` probe becomes a `lighthouse` probe of its own
 * (`<id>-lighthouse`, same labels, its own cadence and deadline), so that audits are
 * scheduled, stored and shown like every other run, in their own pool.
 */
function addLighthouseProbes(set: ProbeSet): void {
  const added: LoadedProbe[] = [];
  for (const { probe, source } of set.probes) {
    if (probe.kind !== 'a11y') continue;
    const spec = probe.a11y as A11ySpec;
    const option = spec.lighthouse;
    if (!option) continue;
    const derived = probeSchema.safeParse({
      id: `${probe.id.slice(0, 52)}-lighthouse`,
      name: `${probe.name} (Lighthouse)`,
      kind: 'lighthouse',
      every: `${option.every}ms`,
      timeout: `${option.timeout}ms`,
      labels: probe.labels,
      enabled: probe.enabled,
      ...(probe.owner ? { owner: probe.owner } : {}),
      lighthouse: {
        url: firstPage(spec),
        categories: option.categories,
        formFactor: option.formFactor,
      },
    });
    if (derived.success) {
      added.push({ probe: { ...derived.data, maintenance: probe.maintenance }, source });
    } else {
      set.diagnostics.push({
        file: source.file,
        ...(source.line !== undefined ? { line: source.line, column: 1 } : {}),
        path: `${probe.id}.a11y.lighthouse`,
        message: derived.error.issues.map((i) => i.message).join('; '),
      });
    }
  }
  set.probes.push(...added);
}

/** Hands each `a11y` probe the waivers meant for it (its own, and those without a probe). */
function attachWaivers(set: ProbeSet): void {
  if (set.waivers.length === 0) return;
  for (const { probe } of set.probes) {
    if (probe.kind !== 'a11y') continue;
    const spec = probe.a11y as { waivers: Waiver[] };
    const mine = set.waivers.filter((w) => w.probe === undefined || w.probe === probe.id);
    spec.waivers = [...spec.waivers, ...mine];
  }
}

async function readModuleProbeFile(
  root: string,
  file: string,
  defaults: Record<string, unknown>,
  set: ProbeSet,
): Promise<void> {
  const full = path.join(root, file);
  let exported: unknown;
  try {
    // The query string defeats the module cache so that a reload sees the edited file.
    const { mtimeMs } = await stat(full);
    const mod = (await import(`${pathToFileURL(full).href}?v=${mtimeMs}`)) as { default?: unknown };
    exported = mod.default;
  } catch (error) {
    set.diagnostics.push({ file, path: '', message: `cannot load module: ${firstLine(error)}` });
    return;
  }
  if (exported === undefined) {
    set.diagnostics.push({
      file,
      path: '',
      message: 'no default export; write export default defineProbe({...})',
    });
    return;
  }
  const entries = Array.isArray(exported) ? exported : [exported];
  entries.forEach((entry, i) => {
    addEntry(set, { file, path: Array.isArray(exported) ? [i] : [] }, entry, defaults);
  });
}

/**
 * A file or folder that could not be read. The usual cause is an edit in progress (an
 * editor replacing the file, a sync tool deleting and recreating it): the reload fails,
 * the last good set stays, and the change that caused it triggers the next reload.
 */
function unreadable(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'it disappeared while the probes were read (changed during the reload?)'
      : firstLine(error);
  return { file, path: '', message: `cannot read: ${why}` };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function pushIssues(
  set: ProbeSet,
  source: YamlSource,
  prefix: (string | number)[],
  issues: readonly z.core.$ZodIssue[],
  hint?: string,
): void {
  for (const issue of issues) {
    const at = issuePath(issue);
    const message = describeIssue(issue) + (hint && at.length <= 1 ? ` (${hint})` : '');
    pushAt(set, { source, path: prefix }, at, message);
  }
}

/** An unknown key is reported at the key itself, where the person has to delete or rename it. */
function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const at = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1)
    at.push(issue.keys[0] as string);
  return at;
}

function pushAt(
  set: ProbeSet,
  origin: EntryOrigin,
  rel: (string | number)[],
  message: string,
): void {
  const full = [...origin.path, ...rel];
  const where = locate(origin, rel);
  set.diagnostics.push({
    file: origin.source?.file ?? origin.file ?? '',
    ...where,
    path: formatPath(full),
    message,
  });
}

/**
 * Line and column of the deepest YAML node that exists on the way to `rel`.
 * A value that came from defaults or is missing points at its nearest written ancestor.
 */
function locate(origin: EntryOrigin, rel: (string | number)[]): { line?: number; column?: number } {
  const source = origin.source;
  if (!source) return {};
  const full = [...origin.path, ...rel];
  for (let n = full.length; n >= 0; n--) {
    const node = source.doc.getIn(full.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      const offset = keyOffset(source.doc, full.slice(0, n)) ?? (node.range[0] as number);
      const pos = source.lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

/** For a mapping value, point at its key: that is where a person looks. */
function keyOffset(doc: Document.Parsed, at: (string | number)[]): number | undefined {
  if (at.length === 0) return undefined;
  const parent = doc.getIn(at.slice(0, -1), true);
  const last = at[at.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => {
      const key: unknown = p.key;
      return (isScalarLike(key) ? key.value : key) === last;
    });
    const key: unknown = pair?.key;
    if (isScalarLike(key) && key.range) return key.range[0];
  }
  return undefined;
}

function isScalarLike(node: unknown): node is { value: unknown; range?: [number, number, number] } {
  return typeof node === 'object' && node !== null && 'value' in node;
}

function reportDuplicateIds(set: ProbeSet): void {
  const seen = new Map<string, LoadedProbe>();
  const unique: LoadedProbe[] = [];
  for (const loaded of set.probes) {
    const first = seen.get(loaded.probe.id);
    if (first) {
      const firstAt = first.source.line
        ? `${first.source.file}:${first.source.line}`
        : first.source.file;
      set.diagnostics.push({
        file: loaded.source.file,
        ...(loaded.source.line !== undefined ? { line: loaded.source.line, column: 1 } : {}),
        path: loaded.probe.id,
        message: `duplicate probe id "${loaded.probe.id}", first defined at ${firstAt}`,
      });
      continue;
    }
    seen.set(loaded.probe.id, loaded);
    unique.push(loaded);
  }
  set.probes = unique;
}
