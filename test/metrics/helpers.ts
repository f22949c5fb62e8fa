import { Registry } from 'prom-client';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import type { Result } from '../../src/results/result.ts';

export const NOW = Date.UTC(2026, 10, 23, 8, 0, 0);

export function buildMetrics(now: () => number = () => NOW): Metrics {
  return createMetrics({ registry: new Registry(), version: '1.2.3', now });
}

export function probe(id: string, extra: Record<string, unknown> = {}): Probe {
  return probeSchema.parse({
    id,
    name: `Probe ${id}`,
    kind: 'http',
    every: '1m',
    labels: { service: 'kfz', county: 'ludwigsburg' },
    http: { url: 'https://example.de/' },
    ...extra,
  });
}

let seq = 0;

/** A passing HTTPS run, overridable. */
export function result(p: Probe, extra: Partial<Result> = {}): Result {
  seq++;
  return {
    runId: `run-${seq}`,
    probeId: p.id,
    kind: p.kind,
    startedAt: NOW - 1000,
    duration: 0.25,
    attempts: 1,
    maintenance: false,
    status: 'pass',
    reportedStatus: 'pass',
    message: 'status 200 ∈ [200]',
    assertions: [],
    phases: { resolve: 0.002, connect: 0.011, tls: 0.024, processing: 0.152, transfer: 0.006 },
    http: {
      status: 200,
      httpVersion: '2',
      finalUrl: 'https://example.de/',
      redirects: [{ url: 'http://example.de/', status: 301 }],
      bodyBytes: 12_000,
      remoteAddress: '192.0.2.10',
      ipProtocol: 4,
    },
    tls: {
      earliestExpiry: Date.UTC(2027, 0, 31, 23, 59, 59),
      daysLeft: 69,
      subject: 'CN=example.de',
      issuer: 'CN=Test CA',
      subjectAltNames: ['example.de'],
      hostnameMatch: true,
      authorized: true,
    },
    ...extra,
  };
}

/**
 * A run that got no response, as the HTTP checker reports a refused connection: the
 * connect phase carries the time until the refusal, later phases are 0; no TLS, no version.
 */
export function failedResult(p: Probe, extra: Partial<Result> = {}): Result {
  const { tls: _tls, ...rest } = result(p);
  return {
    ...rest,
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'connect',
    message: 'connect ECONNREFUSED 192.0.2.1:443',
    phases: { resolve: 0.002, connect: 0.004, tls: 0, processing: 0, transfer: 0 },
    http: {
      status: 0,
      finalUrl: 'https://example.de/',
      redirects: [],
      bodyBytes: 0,
    },
    ...extra,
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/** Parses the sample lines of a text exposition (label values unescaped). */
export function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(raw);
    if (!m) throw new Error(`unparsable exposition line: ${raw}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;
    let lm: RegExpExecArray | null;
    let consumed = 0;
    while ((lm = re.exec(body)) !== null) {
      labels[lm[1] as string] = (lm[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
      consumed = re.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`unparsable labels: ${raw}`);
    out.push({ name: m[1] as string, labels, value: m[3] as string });
  }
  return out;
}

/** `# TYPE` lines: family name → type. */
export function types(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1] as string, m[2] as string);
  return out;
}

/** The value of the one sample matching name and labels (subset); throws when not exactly one. */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return Number((found[0] as Sample).value);
}

export function has(text: string, name: string, labels: Record<string, string> = {}): boolean {
  return samples(text).some(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}
