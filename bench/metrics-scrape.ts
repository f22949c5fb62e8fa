/**
 * `/metrics` latency with 10,000 probes that all have results, served by the daemon's
 * real HTTP server while results keep arriving (as they do in production).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createMetrics } from '../src/metrics/metrics.ts';
import { probeSchema, type Probe } from '../src/probes/schema.ts';
import type { Result } from '../src/results/result.ts';
import { startServer } from '../src/server/server.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { percentile } from './lib/proc.ts';

const execFileAsync = promisify(execFile);

export interface ScrapeFigures {
  probes: number;
  series: number;
  bytes: number;
  scrapes: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
}

function resultFor(probe: Probe, i: number): Result {
  const ok = i % 10 !== 0;
  return {
    runId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    probeId: probe.id,
    kind: 'http',
    startedAt: Date.now(),
    duration: 0.2 + (i % 7) / 100,
    attempts: 1,
    maintenance: false,
    status: ok ? 'pass' : 'fail',
    reportedStatus: ok ? 'pass' : 'fail',
    ...(ok ? {} : { reason: 'http_status' as const }),
    message: ok ? 'status 200 ∈ [200]' : 'status 503 ∈ [200]',
    assertions: [],
    phases: { resolve: 0.002, connect: 0.01, tls: 0.02, processing: 0.15, transfer: 0.005 },
    http: {
      status: ok ? 200 : 503,
      httpVersion: '1.1',
      finalUrl: 'https://example.de/',
      redirects: [],
      bodyBytes: 12_000,
    },
    tls: {
      earliestExpiry: Date.now() + 60 * 86_400_000,
      daysLeft: 60,
      subject: 'CN=example.de',
      issuer: 'CN=Test CA',
      subjectAltNames: ['example.de'],
      hostnameMatch: true,
      authorized: true,
    },
  };
}

export async function metricsScrape(probeCount: number, scrapes: number): Promise<ScrapeFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bench-scrape-'));
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore({ path: path.join(dir, 'scrape.db'), logger });
  const metrics = createMetrics({ registry: new Registry(), version: 'bench' });
  const probes = Array.from({ length: probeCount }, (_, i) =>
    probeSchema.parse({
      id: `svc-${i}`,
      name: `Service ${i}`,
      kind: 'http',
      every: '1m',
      labels: { service: `service-${i % 40}`, county: `county-${i % 35}` },
      ags: '08118000',
      http: { url: 'https://example.de/' },
    }),
  );
  metrics.setProbes(probes);
  probes.forEach((p, i) => metrics.record(p, resultFor(p, i)));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics,
    store,
    probes: () => [],
    nextRunAt: () => undefined,
    ready: () => true,
  });
  // Results keep arriving between scrapes: ~1,000 per scrape interval.
  let i = 0;
  const feeder = setInterval(() => {
    for (let k = 0; k < 100; k++, i++) {
      const p = probes[i % probes.length] as Probe;
      metrics.record(p, resultFor(p, i));
    }
  }, 10);
  let scraped: { times: number[]; bytes: number; series: number };
  try {
    // The scraper is a separate process, like Prometheus: its own parsing must not
    // be billed to the daemon's event loop.
    const { stdout } = await execFileAsync(process.execPath, [
      path.join(import.meta.dirname, 'scrape-client.ts'),
      `${server.url}/metrics`,
      String(scrapes),
      '50',
    ]);
    scraped = JSON.parse(stdout) as typeof scraped;
  } finally {
    clearInterval(feeder);
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    probes: probeCount,
    series: scraped.series,
    bytes: scraped.bytes,
    scrapes,
    p50Ms: percentile(scraped.times, 50),
    p99Ms: percentile(scraped.times, 99),
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}
