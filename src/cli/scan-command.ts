import { checkerFor } from '../checkers/registry.ts';
import { configSchema, userAgentFor } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';
import { parseDuration } from '../probes/duration.ts';
import { probeSchema } from '../probes/schema.ts';
import type { Result } from '../results/result.ts';
import { FlapDamper } from '../runner/flap-damper.ts';
import { HostLimiter } from '../runner/host-limiter.ts';
import { Runner } from '../runner/runner.ts';
import { systemClock } from '../scheduler/clock.ts';
import { VERSION } from '../version.ts';
import type { CliValues } from './main.ts';
import { anyFailed, formatResultTable } from './result-table.ts';

/** Checks `scan` can run, by the name used in `--checks` and as the key in its JSON output. */
export const SCAN_CHECKS = ['availability'] as const;
type ScanCheck = (typeof SCAN_CHECKS)[number];

/**
 * `ozgwatch scan <url…>`: an ad-hoc check of URLs without a probe file.
 * With `--json`, one JSON document per URL per line: `{ url, status, availability: {…} }`.
 */
export async function scanCommand(urls: string[], values: CliValues): Promise<number> {
  if (urls.length === 0) {
    process.stderr.write('ozgwatch scan: name at least one URL\n');
    return 2;
  }
  const checks = (values.checks ?? 'availability').split(',').map((c) => c.trim());
  const unknownChecks = checks.filter((c) => !(SCAN_CHECKS as readonly string[]).includes(c));
  if (unknownChecks.length > 0) {
    process.stderr.write(
      `ozgwatch scan: unknown check(s) ${unknownChecks.join(', ')}; available: ${SCAN_CHECKS.join(', ')}\n`,
    );
    return 2;
  }
  const timeout = values.timeout === undefined ? 30_000 : parseDuration(values.timeout);
  if (timeout === undefined) {
    process.stderr.write(
      `ozgwatch scan: --timeout "${values.timeout}" is not a duration (e.g. 10s)\n`,
    );
    return 2;
  }
  const probes = [];
  for (const [i, url] of urls.entries()) {
    const parsed = probeSchema.safeParse({
      id: `scan-${i + 1}`,
      name: url,
      kind: 'http',
      every: `${Math.max(timeout * 2, 60_000)}ms`,
      timeout: `${timeout}ms`,
      labels: { service: 'scan' },
      http: { url },
    });
    if (!parsed.success) {
      process.stderr.write(`ozgwatch scan: "${url}" is not an http:// or https:// URL\n`);
      return 2;
    }
    probes.push(parsed.data);
  }
  const config = configSchema.parse({});
  const runner = new Runner({
    checkerFor,
    clock: systemClock,
    logger: createLogger({ level: 'silent', format: 'json' }),
    userAgent: userAgentFor(config, VERSION),
    hosts: new HostLimiter(config.concurrency.perHost),
    flap: new FlapDamper(),
    sinks: [],
    maintenance: () => undefined,
  });
  const results = await Promise.all(probes.map((p) => runner.run(p)));
  if (values.json) {
    results.forEach((result, i) => {
      process.stdout.write(
        `${JSON.stringify(scanDocument(urls[i] as string, checks as ScanCheck[], result))}\n`,
      );
    });
  } else {
    process.stdout.write(
      `${formatResultTable(results.map((r, i) => ({ label: urls[i] as string, result: r })))}\n`,
    );
  }
  return anyFailed(results) ? 1 : 0;
}

function scanDocument(url: string, _checks: ScanCheck[], availability: Result) {
  const {
    runId: _r,
    probeId: _p,
    kind: _k,
    reportedStatus: _s,
    maintenance: _m,
    ...rest
  } = availability;
  return { url, status: availability.status, availability: rest };
}
