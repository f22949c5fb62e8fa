import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  formatDiagnostic,
  formatPath,
  problemsOf,
  SHOWN_PARSE,
  type Diagnostic,
} from '../probes/diagnostics.ts';
import { durationMs } from '../probes/duration.ts';
import { suggestKey } from '../probes/suggest.ts';
import { explainYamlErrors } from '../probes/yaml-errors.ts';
import { positionOf } from '../probes/yaml-source.ts';
import { proxyUrlProblem, splitNoProxy } from '../net/proxy.ts';
import { parseShard, shardOfInstance, type Shard } from '../scheduler/shard.ts';
import { DEFAULT_DEADLINES } from '../report/deadlines.ts';

/**
 * Daemon settings: one strict schema, read from an optional YAML file, then
 * environment variables, then command-line flags (each later source wins).
 * Every field is documented in docs/configuration.md.
 */
/** The pools of `concurrency.kinds` (each checker names its own: `pool` in checkers/). */
export const CONCURRENCY_POOLS = ['http', 'browser', 'lighthouse'];
/** Probe kinds whose runs are browser contexts and draw from the browser pool. */
const BROWSER_POOL_KINDS = ['a11y', 'bitv', 'media-breaks'];

/** A forward proxy's URL; the message never quotes it, for it may carry a password. */
const proxyUrl = z.string().superRefine((text, ctx) => {
  const problem = proxyUrlProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An entry of `server.allowedHosts`: a host name, or a suffix with a leading dot. */
const HOST_ENTRY = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;
const HOST_ENTRY_HINT =
  'expected a host name without scheme or port (ozgwatch.lra.example) or a suffix with a leading dot (.lra.example)';

/** A comma- or space-separated list from an environment variable. */
function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry.length > 0);
}

export const configSchema = z.strictObject({
  /** Folder of probe files. @default ./probes */
  probes: z.string().default('./probes'),
  /** Folder for the embedded store and artifacts. @default ./data */
  dataDir: z.string().default('./data'),
  server: z
    .strictObject({
      /** Bind address. @default 127.0.0.1 (the container image sets 0.0.0.0) */
      host: z.string().default('127.0.0.1'),
      /** @default 9464 */
      port: z.number().int().min(0).max(65535).default(9464),
      /** Bearer token required for the overview, /api/* and the pages; unset means open. */
      token: z.string().min(16, 'token must be at least 16 characters').optional(),
      /** Bearer token required for /metrics (Prometheus's `authorization`); unset means open. */
      metricsToken: z.string().min(16, 'metricsToken must be at least 16 characters').optional(),
      /**
       * The address people open this instance's pages at (its Service, Ingress or proxy), e.g.
       * `https://ozgwatch-stuttgart.example.org`. Exported as `external_url` of
       * `ozgwatch_build_info`, so that dashboards link a series to the instance that produced
       * it, not to another location's, whose store has other runs. Unset: the dashboards' own
       * `ozgwatch` variable.
       */
      externalUrl: z
        .string()
        .regex(
          /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
          'expected an http:// or https:// URL without query or fragment',
        )
        // Links append `/probes/<id>`: no double slash.
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
      /**
       * Public host names the pages, API and reports answer under when no `token` is set,
       * besides addresses, local names and the host of `externalUrl`: a name
       * (`ozgwatch.lra.example`) or a suffix with a leading dot (`.lra.example`). Keeps a page of
       * another site from reading them under its own name (DNS rebinding).
       */
      allowedHosts: z
        .union([z.array(z.string()), z.string().transform(splitList)])
        .pipe(z.array(z.string().regex(HOST_ENTRY, HOST_ENTRY_HINT)))
        .optional(),
    })
    .default({ host: '127.0.0.1', port: 9464 }),
  /** Contact URL or e-mail address sent in the User-Agent, so operators of watched services can reach you. */
  contact: z.string().default('https://github.com/ozgwatch/ozgwatch'),
  /** Replaces the whole User-Agent; keep it identifiable. */
  userAgent: z.string().min(1).optional(),
  concurrency: z
    .strictObject({
      /** Runs in flight at once, all kinds together. @default 256 */
      global: z.number().int().min(1).default(256),
      /**
       * Limits per pool: `http`, `browser` (journeys, a11y, bitv and media-breaks scans: each
       * a browser context) and `lighthouse`. @default {}
       */
      kinds: z
        .record(z.string(), z.number().int().min(1))
        .superRefine((kinds, ctx) => {
          for (const key of Object.keys(kinds)) {
            if (CONCURRENCY_POOLS.includes(key)) continue;
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: BROWSER_POOL_KINDS.includes(key)
                ? `${key} runs share the browser pool: set concurrency.kinds.browser`
                : unknownPoolMessage(key),
            });
          }
        })
        .default({}),
      /** Requests in flight per target host, across all probes. @default 2 */
      perHost: z.number().int().min(1).default(2),
    })
    .default({ global: 256, kinds: {}, perHost: 2 }),
  store: z
    .strictObject({
      /**
       * Runs older than this are deleted. The quarterly report (on by default) needs its
       * quarter and the one before: 185 days, and 220 leave time for a late one. @default 220d
       */
      retention: durationMs.default(220 * 86_400_000),
      /**
       * PostgreSQL connection URL; unset means the embedded SQLite store under dataDir.
       * Several instances that share work need it.
       */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
        .optional(),
      /** Most disk the buffer for results PostgreSQL could not take yet may use (MiB). @default 1024 */
      bufferLimitMb: z.number().int().min(1).default(1024),
      /**
       * Most connections the daemon holds to PostgreSQL (a report being made opens 2 more).
       * At least 2: results are written while a page reads. @default 4
       */
      poolSize: z.number().int().min(2).max(100).default(4),
    })
    .default({ retention: 220 * 86_400_000, bufferLimitMb: 1024, poolSize: 4 }),
  /**
   * This instance's part of the probes, `INDEX/COUNT` (e.g. `2/5`): probes are shared out
   * among COUNT instances by rendezvous hashing of their ids.
   */
  shard: z
    .string()
    .transform((text, ctx): Shard => {
      try {
        return parseShard(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** Number of instances sharing the probes; the index comes from `instance` (a StatefulSet pod name ending in `-N`). */
  shards: z.number().int().min(1).max(1000).optional(),
  /** Name of this instance, stored with each run. @default the host name (a pod's name) */
  instance: z.string().min(1).optional(),
  /** Vantage point (e.g. `rz-stuttgart`): a `location` label on every probe series and stored with each run. */
  location: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" and "-", at most 63')
    .optional(),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      /** `json` lines for log collectors, `pretty` for a terminal. @default json */
      format: z.enum(['json', 'pretty']).default('json'),
    })
    .default({ level: 'info', format: 'json' }),
  browser: z
    .strictObject({
      /** A Chromium binary. Unset: Playwright's browser, or a system Chromium when that is not installed. */
      executablePath: z.string().min(1).optional(),
      /** Extra Chromium flags. */
      args: z.array(z.string()).default([]),
      /** Replace the browser after this many journeys. @default 500 */
      restartAfterRuns: z.number().int().min(1).default(500),
      /** Replace the browser when all its processes together hold more RSS than this (MiB). @default 1500 */
      memoryLimitMb: z.number().int().min(100).default(1500),
      /** A download a journey starts is cancelled as it grows past this (MiB) and not kept. @default 20 */
      downloadLimitMb: z.number().int().min(1).max(1024).default(20),
      /**
       * A DevTools port on 127.0.0.1 for the request guard, which holds back WebSockets opened
       * in workers through it. Any local process can reach it: false on a host shared with
       * people who must not drive the browser; worker sockets are then only reported. @default true
       */
      devtoolsPort: z.boolean().default(true),
    })
    .default({
      args: [],
      restartAfterRuns: 500,
      memoryLimitMb: 1500,
      downloadLimitMb: 20,
      devtoolsPort: true,
    }),
  artifacts: z
    .strictObject({
      /** Evidence of failed runs (screenshot, HTML, trace) is deleted after this; the newest of each probe stays. @default 14d */
      retention: durationMs.default(14 * 86_400_000),
    })
    .default({ retention: 14 * 86_400_000 }),
  /**
   * The forward proxy that requests to watched services go through (HTTP checks, document
   * downloads, robots.txt, the browser, Lighthouse). Loopback always goes direct.
   */
  proxy: z
    .strictObject({
      /**
       * Proxy for http:// and https:// targets, `http://[user:password@]host:port`.
       * @example http://proxy.rz.example:3128
       */
      url: proxyUrl.optional(),
      /** Proxy for https:// targets only (`HTTPS_PROXY`). @default url */
      https: proxyUrl.optional(),
      /** Proxy for http:// targets only (`HTTP_PROXY`). @default url */
      http: proxyUrl.optional(),
      /**
       * Targets that go direct: host names (with their subdomains), IP addresses, CIDR ranges,
       * `host:port`, or `*` for all; a list, or comma-separated text as in `NO_PROXY`.
       * @example [.intern, 10.0.0.0/8]
       */
      noProxy: z
        .union([z.array(z.string().min(1)), z.string().transform(splitNoProxy)])
        .default([]),
    })
    .default({ noProxy: [] }),
  /** The quarterly accessibility report, made by the daemon itself (`docs/report.md`). */
  reports: z
    .strictObject({
      /**
       * Make the last quarter's report once it has ended (from 02:00 Berlin on the first day
       * of the next quarter) into `<dataDir>/reports`, unless it is there already. With
       * shards, instance 0 makes it. @default true
       */
      quarterly: z.boolean().default(true),
      /** Formats of that report; the HTML is always made. @default [html, pdf, csv, json] */
      formats: z
        .array(z.enum(['html', 'pdf', 'csv', 'json']))
        .min(1)
        .default(['html', 'pdf', 'csv', 'json']),
      /** Language of that report. @default de */
      lang: z.enum(['de', 'en']).default('de'),
      /** Also one report per county (label `county`), for each county's own officer. @default false */
      perCounty: z.boolean().default(false),
      /**
       * How long after an open pattern was first seen its measure is due, by impact: the
       * report's "Maßnahmen" name the due date and mark measures past it as overdue.
       * @default { critical: 30d, serious: 90d, moderate: 180d, minor: 365d }
       */
      deadlines: z
        .strictObject({
          critical: durationMs.default(DEFAULT_DEADLINES.critical),
          serious: durationMs.default(DEFAULT_DEADLINES.serious),
          moderate: durationMs.default(DEFAULT_DEADLINES.moderate),
          minor: durationMs.default(DEFAULT_DEADLINES.minor),
        })
        .default({ ...DEFAULT_DEADLINES }),
    })
    .default({
      quarterly: true,
      formats: ['html', 'pdf', 'csv', 'json'],
      lang: 'de',
      perCounty: false,
      deadlines: { ...DEFAULT_DEADLINES },
    }),
  /** How long runs in flight may take to finish on SIGTERM before they are aborted. @default 10s */
  shutdownGrace: durationMs.default(10_000),
  /** Watch the probes folder and reload on change (SIGHUP always reloads). @default true */
  watch: z.boolean().default(true),
});

export type Config = z.output<typeof configSchema>;

/** Environment variables and the config field each one sets. */
/**
 * The settings file when no `file` (`--config`) is given: lets `kubectl exec … ozgwatch run x`
 * read the file the daemon reads without spelling it out.
 */
export const CONFIG_FILE_ENV = 'OZGWATCH_CONFIG';

export const ENV_VARS: Record<string, (string | number)[]> = {
  OZGWATCH_PROBES: ['probes'],
  OZGWATCH_DATA_DIR: ['dataDir'],
  OZGWATCH_HOST: ['server', 'host'],
  OZGWATCH_PORT: ['server', 'port'],
  OZGWATCH_TOKEN: ['server', 'token'],
  OZGWATCH_METRICS_TOKEN: ['server', 'metricsToken'],
  OZGWATCH_EXTERNAL_URL: ['server', 'externalUrl'],
  OZGWATCH_ALLOWED_HOSTS: ['server', 'allowedHosts'],
  OZGWATCH_CONTACT: ['contact'],
  OZGWATCH_LOG_LEVEL: ['log', 'level'],
  OZGWATCH_LOG_FORMAT: ['log', 'format'],
  OZGWATCH_BROWSER_PATH: ['browser', 'executablePath'],
  DATABASE_URL: ['store', 'url'],
  OZGWATCH_SHARD: ['shard'],
  OZGWATCH_SHARDS: ['shards'],
  OZGWATCH_INSTANCE: ['instance'],
  OZGWATCH_LOCATION: ['location'],
  // The conventional names curl, Go and undici read; the lower-case form comes later and so
  // wins when both are set, as in curl and undici.
  HTTPS_PROXY: ['proxy', 'https'],
  https_proxy: ['proxy', 'https'],
  HTTP_PROXY: ['proxy', 'http'],
  http_proxy: ['proxy', 'http'],
  NO_PROXY: ['proxy', 'noProxy'],
  no_proxy: ['proxy', 'noProxy'],
};

/**
 * The command-line flag behind each override key that src/cli/main.ts passes, so that an
 * error names what the person typed (`--port: …`) rather than a field they never wrote.
 */
const OVERRIDE_FLAGS: Record<string, string> = {
  probes: '--probes',
  dataDir: '--data',
  'server.host': '--host',
  'server.port': '--port',
  'log.format': '--pretty',
  shard: '--shard',
  location: '--location',
};

/** Fields whose value is a number, while environment variables and flags are text. */
const NUMERIC_FIELDS = new Set(['server.port', 'shards']);

/**
 * An invalid configuration: every problem, each named by where it was set. `file` is the
 * settings file (with `line`), or the variable or flag that set the field, or `config`.
 */
export class ConfigError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatConfigProblem).join('\n'));
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}

/** `file:line: field: message`, as probe problems read (a column only where YAML gave one). */
function formatConfigProblem(d: Diagnostic): string {
  if (d.column !== undefined) return formatDiagnostic(d);
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}`;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

/**
 * Builds the config from an optional file (`file`, else the one `OZGWATCH_CONFIG` names), the
 * environment and overrides.
 * Throws {@link ConfigError} listing every problem, each named by where it was set: the
 * file and line, the environment variable, or the flag.
 */
export async function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}): Promise<Config> {
  let raw: Record<string, unknown> = {};
  let lineOf: (path: readonly (string | number)[]) => number | undefined = () => undefined;
  const file = options.file ?? (options.env?.[CONFIG_FILE_ENV] || undefined);
  if (file) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError([
        { file, path: '', message: `cannot read config file (${error.code ?? error.message})` },
      ]);
    });
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
      // Worded and placed as in probe files: once per mistake, at the line to change.
      throw new ConfigError(
        explainYamlErrors(text, doc, lines).map((problem) => ({
          file,
          ...problem,
          // As probe files show them: a line always with its column.
          ...(problem.line !== undefined ? { column: problem.column ?? 1 } : {}),
          path: '',
        })),
      );
    }
    raw = (doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null) ?? {};
    lineOf = (path) => positionOf({ doc, lines }, path)?.line;
  }
  /** Fields set by an environment variable or a flag, and by which (the later source wins). */
  const setBy = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const value = options.env?.[name];
    if (value === undefined || value === '') continue;
    setIn(raw, path, NUMERIC_FIELDS.has(formatPath(path)) ? numberIfNumeric(value) : value);
    setBy.set(formatPath(path), name);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    const numeric = NUMERIC_FIELDS.has(key) && typeof value === 'string';
    setIn(raw, key.split('.'), numeric ? numberIfNumeric(value) : value);
    setBy.set(key, OVERRIDE_FLAGS[key] ?? key);
  }
  /** The variable or flag that set the field, or else its line in the file. */
  const setter = (path: readonly (string | number)[]): string | undefined => {
    for (let n = path.length; n > 0; n--) {
      const name = setBy.get(formatPath(path.slice(0, n)));
      if (name) return name;
    }
    return undefined;
  };
  /** A problem of the field at `path`, named by the variable or flag that set it, or its line. */
  const problemAt = (path: readonly (string | number)[], message: string): Diagnostic => {
    const by = setter(path);
    const line = by === undefined && file ? lineOf(path) : undefined;
    return {
      file: by ?? file ?? 'config',
      ...(line ? { line } : {}),
      path: path.length > 0 ? formatPath(path) : '',
      message,
    };
  };
  const parsed = configSchema.safeParse(raw, SHOWN_PARSE);
  if (!parsed.success) {
    // In the order a person reads the file, not the order of the schema; then what the
    // environment and the flags set.
    const problems = parsed.error.issues
      .flatMap(problemsOf)
      .map(({ path, message }) => problemAt(path, message));
    // Stable: problems of one line, or without one (set by a variable or flag), keep the
    // schema's order after those of the file.
    const rank = (d: Diagnostic): number => d.line ?? Number.MAX_SAFE_INTEGER;
    problems.sort((a, b) => rank(a) - rank(b));
    throw new ConfigError(problems);
  }
  return withShard(parsed.data, problemAt);
}

/** A number when the text is one; otherwise the text, so that the error can quote it. */
function numberIfNumeric(text: string): number | string {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/**
 * Settles `shard` from `shards` and the instance name when only the count is given (a
 * StatefulSet: every pod has the same settings and differs by its name).
 */
function withShard(
  config: Config,
  problemAt: (path: readonly string[], message: string) => Diagnostic,
): Config {
  const fail = (field: string, message: string): never => {
    throw new ConfigError([problemAt([field], message)]);
  };
  if (config.shards === undefined) return config;
  if (config.shard !== undefined) {
    if (config.shard.count !== config.shards) {
      fail(
        'shards',
        `${config.shards} disagrees with shard ${config.shard.index}/${config.shard.count}`,
      );
    }
    return config;
  }
  const instance = config.instance ?? hostname();
  try {
    return { ...config, shard: shardOfInstance(instance, config.shards) };
  } catch (error) {
    return fail('shards', (error as Error).message);
  }
}

/** The instance name stored with each run. */
export function instanceName(config: Config): string {
  return config.instance ?? hostname();
}

function setIn(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** `ozgwatch/0.1.0 (+https://…)`: identifies the daemon and how to reach its operator. */
export function userAgentFor(config: Config, version: string): string {
  return config.userAgent ?? `ozgwatch/${version} (+${config.contact})`;
}

/** `unknown pool; did you mean "browser"? (pools are http, browser, lighthouse)` */
function unknownPoolMessage(key: string): string {
  const pools = CONCURRENCY_POOLS.join(', ');
  const meant = suggestKey(key, CONCURRENCY_POOLS);
  return meant
    ? `unknown pool; did you mean "${meant}"? (pools are ${pools})`
    : `unknown pool; pools are ${pools}`;
}
