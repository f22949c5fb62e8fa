import { existsSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Config } from '../config/config.ts';
import { generateReport } from '../report/generate.ts';
import { parseFormats } from '../report/outputs.ts';
import {
  parseDays,
  parseQuarter,
  quarterOf,
  previousPeriod,
  type Period,
} from '../report/period.ts';
import { parseLang } from '../report/texts.ts';
import { openStoreReader, storeLocation } from '../store/open.ts';
import type { ProbeRecord } from '../store/store.ts';
import type { CliValues } from './main.ts';

// The exit codes of main.ts, not imported from it: main.ts awaits the command at load.
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/**
 * `ozgwatch report`: the quarterly accessibility report from the store alone. Without
 * `--quarter` or `--from/--to` it reports the last completed quarter.
 */
export async function reportCommand(config: Config, values: CliValues): Promise<number> {
  let period: Period;
  let formats;
  let lang;
  try {
    if (values.quarter !== undefined && (values.from !== undefined || values.to !== undefined)) {
      throw new Error('give either --quarter or --from and --to, not both');
    }
    if ((values.from === undefined) !== (values.to === undefined)) {
      throw new Error('--from and --to go together');
    }
    period =
      values.quarter !== undefined
        ? parseQuarter(values.quarter)
        : values.from !== undefined && values.to !== undefined
          ? parseDays(values.from, values.to)
          : previousPeriod(quarterOf(Date.now()));
    formats = parseFormats(values.format ?? 'html,csv,json');
    lang = parseLang(values.lang ?? 'de');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const scope = {
    ...(values.county ? { county: values.county } : {}),
    ...(values.service ? { service: values.service } : {}),
  };
  // Read-only: a mistyped --data must not leave an empty store behind and report "no issues".
  const location = storeLocation(config);
  if ('sqlite' in location && !existsSync(location.sqlite)) {
    process.stderr.write(
      `no store at ${location.sqlite}: check --data (or dataDir in the settings)\n`,
    );
    return EXIT_FAILED;
  }
  let store;
  try {
    store = await openStoreReader(location, pino({ level: 'warn' }, pino.destination(2)));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  try {
    const unknown = scopeProblem(await store.probeCatalogue(), scope);
    if (unknown !== undefined) {
      process.stderr.write(`${unknown}\n`);
      return EXIT_FAILED;
    }
    const report = await generateReport(store, {
      period,
      scope,
      formats,
      lang,
      outDir: values.out ?? path.join(config.dataDir, 'reports'),
      deadlines: config.reports.deadlines,
      pdf: {
        ...(config.browser.executablePath ? { executablePath: config.browser.executablePath } : {}),
        args: config.browser.args,
      },
    });
    if (report.model.services.length === 0) {
      process.stderr.write(
        `no service has runs in ${period.label} (${period.firstDay} – ${period.lastDay}) within the scope; the report is empty\n`,
      );
    }
    for (const file of report.files) process.stdout.write(`${file}\n`);
    process.stderr.write(`data hash ${report.model.dataHash}\n`);
    return EXIT_OK;
  } catch (error) {
    process.stderr.write(`report failed: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await store.close();
  }
}

/**
 * Why the scope cannot be reported: the store holds no probe at all, or none with these
 * labels (the known ones listed, so a typo shows). Undefined when some probe matches.
 */
function scopeProblem(
  catalogue: readonly ProbeRecord[],
  scope: { county?: string; service?: string },
): string | undefined {
  if (catalogue.length === 0) return 'the store holds no probes: has the daemon run with it?';
  const matches = catalogue.filter(
    (p) =>
      (scope.county === undefined || p.county === scope.county) &&
      (scope.service === undefined || p.service === scope.service),
  );
  if (matches.length > 0) return undefined;
  const known = (values: string[]): string => [...new Set(values)].sort().join(', ');
  const asked = [
    scope.county !== undefined ? `--county ${scope.county}` : '',
    scope.service !== undefined ? `--service ${scope.service}` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  // A county no probe has lists the services of all counties: an empty list would help nobody.
  const inCounty =
    scope.county !== undefined ? catalogue.filter((p) => p.county === scope.county) : [];
  const services = inCounty.length > 0 ? inCounty : catalogue;
  return [
    `no probe matches ${asked}`,
    `  counties: ${known(catalogue.map((p) => p.county))}`,
    `  services${inCounty.length > 0 ? ` in ${scope.county}` : ''}: ${known(services.map((p) => p.service))}`,
  ].join('\n');
}
