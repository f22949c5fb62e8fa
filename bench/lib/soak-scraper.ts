/**
 * The soak's Prometheus: scrapes `/metrics` once a second for a given time, in a process of
 * its own so that the harness reading /proc of every Chromium process never delays a
 * scrape or its clock. One keep-alive connection, one scrape at a time, a 5 s timeout per
 * scrape (Prometheus's own default is 10 s).
 *
 * Prints one JSON line per scrape ({@link ScrapeLine}); the values of the self-metrics the
 * soak watches are picked out after the clock stopped.
 * Usage: node bench/lib/soak-scraper.ts <metricsUrl> <seconds>
 */
import { Agent, get } from 'node:http';

/** One scrape, as printed. */
export interface ScrapeLine {
  /** Epoch ms at the start of the scrape. */
  at: number;
  /** Latency until the last byte, ms. */
  ms: number;
  ok: boolean;
  status?: number;
  error?: string;
  bytes: number;
  /** Picked metrics: the sum over all series of each name. */
  values: Record<string, number>;
}

/** Metric names whose value (summed over their series) each line carries. */
export const PICKED = [
  'process_resident_memory_bytes',
  'process_open_fds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_handles_total',
  'ozgwatch_store_pending_writes',
  'ozgwatch_store_dropped_writes_total',
  'ozgwatch_browser_contexts_active',
  'ozgwatch_browser_restarts_total',
  'ozgwatch_probe_runs_total',
  'ozgwatch_runs_skipped_total',
  'ozgwatch_runs_in_flight',
] as const;

const SCRAPE_TIMEOUT_MS = 5_000;
const PERIOD_MS = 1_000;

/** Counters also kept per `reason` label, as `name:reason`. */
export const BY_REASON = ['ozgwatch_runs_skipped_total', 'ozgwatch_browser_restarts_total'];

/**
 * Sums the samples of the picked metrics in an exposition text; for the {@link BY_REASON}
 * counters also the sum per reason.
 */
export function pickValues(text: string, names: readonly string[]): Record<string, number> {
  const wanted = new Set(names);
  const byReason = new Set(BY_REASON);
  const values: Record<string, number> = {};
  const add = (key: string, value: number): void => void (values[key] = (values[key] ?? 0) + value);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const end = line.search(/[{ ]/);
    const name = end === -1 ? line : line.slice(0, end);
    if (!wanted.has(name)) continue;
    // prom-client writes no timestamps: the value is the last field.
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isFinite(value)) continue;
    add(name, value);
    const reason = byReason.has(name) ? /reason="([^"]*)"/.exec(line)?.[1] : undefined;
    if (reason !== undefined) add(`${name}:${reason}`, value);
  }
  return values;
}

function scrape(
  url: string,
  agent: Agent,
): Promise<Omit<ScrapeLine, 'at' | 'ms' | 'values'> & { body: string }> {
  return new Promise((resolve) => {
    const req = get(
      url,
      { agent, headers: { accept: 'text/plain;version=0.0.4' }, timeout: SCRAPE_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            ok: res.statusCode === 200,
            status: res.statusCode,
            bytes: body.length,
            body: body.toString('utf8'),
          });
        });
        res.on('error', (error) =>
          resolve({ ok: false, error: error.message, bytes: 0, body: '' }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${SCRAPE_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message, bytes: 0, body: '' }));
  });
}

if (import.meta.main) {
  const [url, secondsArg] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  if (!url || !(seconds > 0)) throw new Error('usage: soak-scraper.ts <metricsUrl> <seconds>');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const end = Date.now() + seconds * 1000;
  // A fixed one-second grid, as Prometheus keeps; a slow scrape delays the next, never overlaps it.
  let next = Date.now();
  // Bounded in count as well as in time.
  for (let i = 0; i < seconds + 5 && Date.now() < end; i++) {
    const at = Date.now();
    const t0 = performance.now();
    const { body, ...r } = await scrape(url, agent);
    const ms = performance.now() - t0;
    const line: ScrapeLine = { at, ms, ...r, values: r.ok ? pickValues(body, PICKED) : {} };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    next += PERIOD_MS;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = Date.now();
  }
  agent.destroy();
}
