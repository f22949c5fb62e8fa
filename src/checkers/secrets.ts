import { unzipSync, zipSync } from 'fflate';
import type { Outcome } from '../results/result.ts';

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MASK = '***';

/**
 * A `${env:NAME}` the probe references is not set: the probe cannot run as written. That is
 * ozgwatch's configuration, not the service, so runs end `error` (reason `secret_missing`)
 * and no outage is reported against the service.
 */
export class MissingSecret extends Error {
  readonly variable: string;
  constructor(variable: string) {
    super(`environment variable ${variable} is not set (referenced as \${env:${variable}})`);
    this.name = 'MissingSecret';
    this.variable = variable;
  }
}

/** The variables `${env:NAME}` references in `value` (any nesting of strings, arrays, objects) that are not set. */
export function unsetSecrets(value: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(value ?? null).matchAll(ENV_REF)) {
    const name = m[1] as string;
    if (env[name] === undefined || env[name] === '') names.add(name);
  }
  return [...names];
}

/** The run of a probe whose `${env:NAME}` references are not all set: nothing was sent. */
export function missingSecrets(names: readonly string[]): Outcome {
  const list = names.map((n) => `${n} (\${env:${n}})`).join(', ');
  return {
    status: 'error',
    reason: 'secret_missing',
    message: `not run: environment variable${names.length > 1 ? 's' : ''} ${list} not set; set ${names.length > 1 ? 'them' : 'it'} for the daemon`,
    assertions: [],
  };
}

/**
 * The secrets one run used (test-account passwords from `${env:NAME}`), and the means to
 * keep them out of everything the run leaves behind: result, logs, page HTML, trace.
 * A secret is also looked for in the forms it takes on the way (URL-encoded in a form
 * body, JSON-escaped in a trace).
 */
export class Secrets {
  readonly #env: NodeJS.ProcessEnv;
  readonly #values = new Set<string>();
  #forms: string[] = [];

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#env = env;
  }

  get used(): boolean {
    return this.#values.size > 0;
  }

  /** Replaces `${env:NAME}` references; throws naming the variable when it is not set. */
  resolve(text: string): string {
    return text.replace(ENV_REF, (_, name: string) => this.get(name));
  }

  /** Reads one secret by name. */
  get(name: string): string {
    const value = this.#env[name];
    if (value === undefined || value === '') throw new MissingSecret(name);
    this.#remember(value);
    return value;
  }

  #remember(value: string): void {
    if (this.#values.has(value)) return;
    this.#values.add(value);
    const forms = new Set([
      value,
      JSON.stringify(value).slice(1, -1),
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%20/g, '+'),
    ]);
    // Longest first, so that a form containing another is replaced whole.
    this.#forms = [...new Set([...this.#forms, ...forms])].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const form of this.#forms) out = out.split(form).join(MASK);
    return out;
  }

  /**
   * A deep copy with every string value redacted. Only values: a key is the result's own
   * field name, and a secret that happens to be part of one (`x` of `text`, `200` of a
   * status) must not rename the field, or the result no longer reads as a result.
   */
  redactValue<T>(value: T): T {
    if (!this.used) return value;
    return this.#redactStrings(JSON.parse(JSON.stringify(value)) as unknown) as T;
  }

  #redactStrings(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.#redactStrings(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = this.#redactStrings(v);
      return out;
    }
    return value;
  }

  /**
   * Redacts every entry of a zip archive (a Playwright trace) whose bytes hold a secret.
   * The trace's event logs are JSON lines, redacted value by value for the reason given at
   * {@link redactValue}: a trace whose events lost their field names no longer opens. The
   * rest (page resources, screenshots) are raw bytes and are redacted as bytes.
   */
  redactZip(zip: Uint8Array): Uint8Array {
    if (!this.used) return zip;
    const entries = unzipSync(zip);
    const needles = this.#forms.map((f) => Buffer.from(f));
    for (const [name, data] of Object.entries(entries)) {
      const bytes = Buffer.from(data);
      if (!needles.some((n) => bytes.includes(n))) continue;
      entries[name] = new Uint8Array(
        TRACE_EVENT_LOG.test(name)
          ? Buffer.from(this.#redactJsonLines(bytes.toString('utf8')), 'utf8')
          : replaceAll(bytes, needles, Buffer.from(MASK)),
      );
    }
    return zipSync(entries, { level: 6 });
  }

  #redactJsonLines(text: string): string {
    return text
      .split('\n')
      .map((line) => {
        if (!this.#forms.some((f) => line.includes(f))) return line;
        try {
          return JSON.stringify(this.#redactStrings(JSON.parse(line)));
        } catch {
          // Not JSON after all (a cut line): the secret goes all the same.
          return this.redact(line);
        }
      })
      .join('\n');
  }
}

/** The entries of a Playwright trace that are JSON lines (events, network log). */
const TRACE_EVENT_LOG = /\.(trace|network)$/;

function replaceAll(bytes: Buffer, needles: Buffer[], mask: Buffer): Buffer {
  let out = bytes;
  for (const needle of needles) {
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = out.indexOf(needle); i !== -1; i = out.indexOf(needle, from)) {
      parts.push(out.subarray(from, i), mask);
      from = i + needle.length;
    }
    if (parts.length > 0) {
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
  }
  return out;
}
