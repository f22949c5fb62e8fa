/**
 * The world around a daemon under fault: a target that always answers, a probes folder of
 * fast HTTP probes, a logger whose lines the test can count, and small readers for
 * /metrics and the log.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino, type Logger } from 'pino';

export interface Target {
  url: string;
  /** Requests answered so far. */
  served(): number;
  close(): Promise<void>;
}

/** A target that answers every request with a small page at once. */
export async function startTarget(): Promise<Target> {
  let served = 0;
  const server: Server = createServer((_req, res) => {
    served++;
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<h1>Online-Antrag</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Probe ids `prefix-00` … for `count` probes. */
export function probeIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
}

/** Writes one YAML file of HTTP probes, each run every `every`, into `dir`. */
export async function writeProbes(
  dir: string,
  target: string,
  ids: readonly string[],
  every = '1s',
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const yaml = ids
    .map(
      (id) => `- id: ${id}
  name: ${id}
  kind: http
  every: ${every}
  timeout: 150ms
  labels: { service: kfz, county: musterkreis }
  http: { url: "${target}/${id}" }
`,
    )
    .join('');
  await writeFile(path.join(dir, 'probes.yaml'), yaml);
}

export interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

/** A pino logger at `info` whose lines are kept, parsed, for the test to count. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) },
  );
  return { logger, lines };
}

/** Error lines (pino level 50 and above). */
export function errors(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((l) => l.level >= 50);
}

/** Sum of every series of a metric in an exposition text; NaN when it is absent. */
export function metricSum(text: string, name: string): number {
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  let sum = Number.NaN;
  for (const m of text.matchAll(pattern)) sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[1]);
  return sum;
}

/** Polls until `what` holds; fails with `label` after `ms`. */
export async function until(
  what: () => boolean | Promise<boolean>,
  ms: number,
  label: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
