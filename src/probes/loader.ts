import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { waiverSchema, type Waiver } from '../checkers/a11y/waivers.ts';
import { firstPage, type A11ySpec } from '../checkers/a11y/spec.ts';
import {
  checkDefaults,
  defaultsOrigin,
  NO_DEFAULTS,
  refineDefaults,
  reportedIn,
  type DefaultsLayer,
  type FolderDefaults,
} from './defaults.ts';
import {
  formatPath,
  problemsOf,
  SHOWN_PARSE,
  sortDiagnostics,
  type Diagnostic,
  type Problem,
} from './diagnostics.ts';
import {
  KINDS,
  maintenanceWindow,
  probeSchema,
  unknownKindSchema,
  type LoadedProbe,
  type MaintenanceWindow,
  type ProbeSource,
} from './schema.ts';
import {
  isPlainObject,
  mergeDefaults,
  substitute,
  TemplateError,
  placeholderProblems,
  usesVariable,
} from './templates.ts';
import { modulePosition } from './module-errors.ts';
import { misplacedSecrets } from './secret-placement.ts';
import { followsFromMisplaced, misplacedKeys, misplacedMessage } from './misplaced.ts';
import { waiverProblem } from './waiver-problems.ts';
import { explainYamlErrors } from './yaml-errors.ts';
import { positionOf, type YamlSource } from './yaml-source.ts';
import { HELPERS_PARAM, resolveApiForProbeFiles } from './api-resolver.ts';
import { helperStamp } from './module-stamp.ts';

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

/**
 * An id as declared, valid probe or not: duplicates are found among all of them, so that
 * an entry with other problems (an unknown kind, a YAML syntax error) still shows it.
 */
interface DeclaredId {
  id: string;
  source: ProbeSource;
  /** Set when the entry became a probe: a duplicate of an earlier id is then dropped. */
  loaded?: LoadedProbe;
}

/** The set being filled, with what the loader needs until it is complete. */
type Loading = ProbeSet & {
  declared: DeclaredId[];
  /** The fingerprint of the folder's helper modules (`helperStamp`), for module URLs. */
  helpers?: string;
};

export async function loadProbes(root: string): Promise<ProbeSet> {
  const set: Loading = {
    probes: [],
    maintenance: [],
    waivers: [],
    diagnostics: [],
    files: [],
    declared: [],
  };
  // `.`: the folder itself, relative to the folder, as every diagnostic's file is.
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    set.diagnostics.push({ file: '.', path: '', message: 'probes folder does not exist' });
    return withoutDeclared(set);
  }
  if (!rootStat.isDirectory()) {
    set.diagnostics.push({ file: '.', path: '', message: 'probes path is not a folder' });
    return withoutDeclared(set);
  }
  set.helpers = await helperStamp(root);
  await loadFolder(root, '', NO_DEFAULTS, set);
  addLighthouseProbes(set);
  reportDuplicateIds(set);
  attachWaivers(set);
  return withoutDeclared(set);
}

function withoutDeclared({ declared: _, helpers: __, ...set }: Loading): ProbeSet {
  return { ...set, diagnostics: sortDiagnostics(set.diagnostics, set.files) };
}

async function loadFolder(
  root: string,
  rel: string,
  inherited: FolderDefaults,
  set: Loading,
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
    if (own) defaults = refineDefaults(inherited, own.layer, own.steps);
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

async function parseYamlFile(
  root: string,
  file: string,
  set: Loading,
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
    for (const problem of explainYamlErrors(text, doc, lines)) {
      set.diagnostics.push({ file, ...problem, path: '' });
    }
    declareIdsOfBrokenFile({ file, doc, lines }, set);
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

/**
 * A folder's `defaults.yaml`: its `defaults:` are checked here, once, at their own lines.
 * A problem in one section leaves the others in use, so that the probes below are not
 * checked without defaults they rely on (and blamed for what is missing then).
 */
async function readDefaultsFile(
  root: string,
  file: string,
  set: Loading,
): Promise<{ layer: DefaultsLayer; steps: Record<string, unknown[]> } | undefined> {
  const source = await parseYamlFile(root, file, set);
  if (!source) return undefined;
  const data = toData(source, set) ?? {};
  const parsed = defaultsFileSchema.safeParse(data, SHOWN_PARSE);
  if (!parsed.success) pushIssues(set, source, [], parsed.error.issues);
  const sections = parsed.success ? parsed.data : salvageSections(data);
  readSelectorWindows(set, source, sections.maintenance);
  readWaivers(set, source, sections.waivers);
  const problems = checkDefaults(sections.defaults);
  for (const problem of problems) {
    pushAt(set, { source, path: ['defaults'] }, problem.path, problem.message);
  }
  // Defaults and shared steps join a probe after its targets' variables are filled in: a
  // `${name}` here would be sent as written. Said here, once, not as a DNS failure later.
  for (const section of ['defaults', 'steps'] as const) {
    const joins = section === 'defaults' ? 'defaults join' : 'shared steps join';
    const problems = placeholderProblems(
      sections[section],
      () =>
        `is not filled in here: ${joins} a probe after its targets' variables; write it in the probe entry`,
    );
    for (const { path: at, message } of problems) {
      pushAt(set, { source, path: [section] }, at, message);
    }
  }
  for (const { path: at, message } of misplacedSecrets(sections.defaults)) {
    pushAt(set, { source, path: ['defaults'] }, at, message);
  }
  // Shared steps become a journey's steps, read as those are.
  for (const [name, steps] of Object.entries(sections.steps)) {
    for (const { path: at, message } of misplacedSecrets(steps, ['browser', 'steps'])) {
      pushAt(set, { source, path: ['steps', name] }, at, message);
    }
  }
  const layer = { source, values: sections.defaults, reported: problems.map((p) => p.path) };
  return { layer, steps: sections.steps };
}

/** The sections of a defaults file that are valid on their own, the others empty. */
function salvageSections(data: unknown): z.output<typeof defaultsFileSchema> {
  const fields = isPlainObject(data) ? data : {};
  const section = <S extends z.ZodType>(schema: S, value: unknown, empty: z.output<S>) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : empty;
  };
  const shape = defaultsFileSchema.shape;
  return {
    defaults: section(shape.defaults, fields.defaults, {}),
    maintenance: section(shape.maintenance, fields.maintenance, []),
    waivers: section(shape.waivers, fields.waivers, []),
    steps: section(shape.steps, fields.steps, {}),
  };
}

async function readYamlProbeFile(
  root: string,
  file: string,
  defaults: FolderDefaults,
  set: Loading,
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
    const parsed = probeFileSchema.safeParse(data, SHOWN_PARSE);
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
  set: Loading,
  origin: EntryOrigin,
  entry: unknown,
  defaults: FolderDefaults,
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
  // Placeholders that would be sent as written: a malformed one anywhere, a `${name}` where
  // no targets fill it (caught here, not as a DNS failure at run time).
  const placeholders = placeholderProblems(
    template,
    targets === undefined
      ? (name) =>
          `is not defined: variables come from targets:, and this probe has none; add targets: [{ ${name}: … }]`
      : undefined,
  );
  for (const { path: at, message } of placeholders) pushAt(set, origin, at, message);
  for (const { path: at, message } of misplacedSecrets(template)) pushAt(set, origin, at, message);
  if (targets === undefined) {
    addProbe(
      set,
      origin,
      template,
      defaults,
      undefined,
      placeholders.map((p) => p.path),
    );
    return;
  }
  if (placeholders.length > 0) return; // its other problems show once these are mended
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
  set: Loading,
  origin: EntryOrigin,
  input: Record<string, unknown>,
  defaults: FolderDefaults,
  targetIndex: number | undefined,
  /** Paths already reported by the caller: not again, and the probe is not loaded. */
  reported: Problem['path'][] = [],
): void {
  const kind = input.kind ?? defaults.values.kind;
  const own = kind === 'browser' ? normaliseJourney(input, defaults.steps) : input;
  const withDefaults = mergeDefaults(defaultsForKind(defaults.values, kind), own);
  const where = locate(origin, []);
  const source: ProbeSource = {
    file: origin.source?.file ?? origin.file ?? '',
    ...(where.line !== undefined ? { line: where.line } : {}),
  };
  const id = typeof withDefaults.id === 'string' ? withDefaults.id : undefined;
  const parsed = probeSchema.safeParse(withDefaults, SHOWN_PARSE);
  if (!parsed.success || reported.length > 0) {
    // An unknown kind hides the spec, not the fields every probe has: report those too.
    const issues = parsed.success
      ? []
      : KINDS.includes(kind as string)
        ? parsed.error.issues
        : (unknownKindSchema.safeParse(withDefaults, SHOWN_PARSE).error?.issues ?? []);
    const note = targetIndex === undefined ? '' : ` (target ${targetIndex + 1}${idNote(input)})`;
    const misplaced = parsed.success ? [] : misplacedKeys(own, withDefaults, kind);
    for (const key of misplaced) {
      const blockLine = Object.hasOwn(own, key.kind) ? locate(origin, [key.kind]).line : undefined;
      pushAt(set, origin, [key.key], misplacedMessage(key, blockLine) + note);
    }
    for (const problem of issues.flatMap(problemsOf).map(waiverProblem)) {
      if (followsFromMisplaced(problem, misplaced, withDefaults)) continue;
      if (reported.some((path) => samePath(path, problem.path))) continue;
      const from = defaultsOrigin(problem.path, own, defaults.layers);
      if (from && reportedIn(from, problem.path)) continue; // reported at the default, once
      pushAt(set, origin, problem.path, problem.message + note + fromDefaults(from, problem));
    }
    if (id !== undefined) set.declared.push({ id, source });
    return;
  }
  const loaded = { probe: parsed.data, source };
  set.probes.push(loaded);
  set.declared.push({ id: parsed.data.id, source, loaded });
}

function samePath(a: Problem['path'], b: Problem['path']): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/**
 * A problem that only the merge shows (a default timeout longer than the probe's every) is
 * the probe's, but the value is not on its lines: say where it is.
 */
function fromDefaults(layer: DefaultsLayer | undefined, problem: Problem): string {
  if (!layer) return '';
  const pos = positionOf(layer.source, ['defaults', ...problem.path]);
  return ` (the value comes from ${layer.source.file}${pos ? `:${pos.line}` : ''})`;
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

function readSelectorWindows(set: Loading, source: YamlSource, windows: unknown[]): void {
  windows.forEach((w, i) => {
    const parsed = selectorWindowSchema.safeParse(w, SHOWN_PARSE);
    if (!parsed.success) pushIssues(set, source, ['maintenance', i], parsed.error.issues);
    else set.maintenance.push(parsed.data);
  });
}

function readWaivers(set: Loading, source: YamlSource, waivers: unknown[]): void {
  waivers.forEach((w, i) => {
    const parsed = waiverSchema.safeParse(w, SHOWN_PARSE);
    if (parsed.success) {
      set.waivers.push(parsed.data);
      return;
    }
    for (const { path: at, message } of parsed.error.issues.flatMap(problemsOf)) {
      const problem = waiverProblem({ path: ['waivers', i, ...at], message });
      pushAt(set, { source, path: [] }, problem.path, problem.message);
    }
  });
}

/**
 * The `lighthouse:` option of an `a11y` probe becomes a `lighthouse` probe of its own
 * (`<id>-lighthouse`, same labels, its own cadence and deadline), so that audits are
 * scheduled, stored and shown like every other run, in their own pool.
 */
function addLighthouseProbes(set: Loading): void {
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
      const loaded = { probe: { ...derived.data, maintenance: probe.maintenance }, source };
      added.push(loaded);
      set.declared.push({ id: loaded.probe.id, source, loaded });
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
  defaults: FolderDefaults,
  set: Loading,
): Promise<void> {
  const full = path.join(root, file);
  let exported: unknown;
  try {
    resolveApiForProbeFiles();
    // The query string defeats the module cache so that a reload sees the edited file, and
    // the edited helpers it imports.
    const { mtimeMs } = await stat(full);
    const url = new URL(pathToFileURL(full));
    url.searchParams.set('v', String(mtimeMs));
    url.searchParams.set(HELPERS_PARAM, set.helpers ?? '0');
    const mod = (await import(url.href)) as { default?: unknown };
    exported = mod.default;
  } catch (error) {
    set.diagnostics.push({
      file,
      ...modulePosition(error, full),
      path: '',
      message: `cannot load module: ${firstLine(error)}`,
    });
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
  set: Loading,
  source: YamlSource,
  prefix: (string | number)[],
  issues: readonly z.core.$ZodIssue[],
  hint?: string,
): void {
  for (const problem of issues.flatMap(problemsOf)) {
    const message = problem.message + (hint && problem.path.length <= 1 ? ` (${hint})` : '');
    pushAt(set, { source, path: prefix }, problem.path, message);
  }
}

function pushAt(
  set: Loading,
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

/** Line and column of `rel` in the entry, or of its nearest written ancestor. */
function locate(origin: EntryOrigin, rel: (string | number)[]): { line?: number; column?: number } {
  if (!origin.source) return {};
  return positionOf(origin.source, [...origin.path, ...rel]) ?? {};
}

/**
 * A file with a YAML syntax error is not validated, but the ids it plainly declares still
 * take part in the duplicate check: a copied file often has both problems.
 */
function declareIdsOfBrokenFile(source: YamlSource, set: Loading): void {
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return;
  }
  const [entries, prefix] = Array.isArray(data)
    ? [data, []]
    : isPlainObject(data) && Array.isArray(data.probes)
      ? [data.probes, ['probes']]
      : [[], []];
  entries.forEach((entry: unknown, index) => {
    if (!isPlainObject(entry) || typeof entry.id !== 'string' || usesVariable(entry.id)) return;
    const pos = positionOf(source, [...prefix, index]);
    set.declared.push({
      id: entry.id,
      source: { file: source.file, ...(pos ? { line: pos.line } : {}) },
    });
  });
}

/** The first declaration of an id wins; every later one is a diagnostic, and not loaded. */
function reportDuplicateIds(set: Loading): void {
  const first = new Map<string, DeclaredId>();
  const duplicates = new Set<LoadedProbe>();
  for (const declared of set.declared) {
    const earlier = first.get(declared.id);
    if (!earlier) {
      first.set(declared.id, declared);
      continue;
    }
    const firstAt = earlier.source.line
      ? `${earlier.source.file}:${earlier.source.line}`
      : earlier.source.file;
    set.diagnostics.push({
      file: declared.source.file,
      ...(declared.source.line !== undefined ? { line: declared.source.line, column: 1 } : {}),
      path: declared.id,
      message: `duplicate probe id "${declared.id}", first defined at ${firstAt}`,
    });
    if (declared.loaded) duplicates.add(declared.loaded);
  }
  set.probes = set.probes.filter((loaded) => !duplicates.has(loaded));
}
