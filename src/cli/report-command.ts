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
import { openConfiguredStore } from '../store/open.ts';
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
  let store;
  try {
    store = await openConfiguredStore(config, pino({ level: 'warn' }, pino.destination(2)), 'read');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  try {
    const report = await generateReport(store, {
      period,
      scope: {
        ...(values.county ? { county: values.county } : {}),
        ...(values.service ? { service: values.service } : {}),
      },
      formats,
      lang,
      outDir: values.out ?? path.join(config.dataDir, 'reports'),
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
