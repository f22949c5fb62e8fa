import path from 'node:path';
import type { Config } from '../config/config.ts';
import { backupSqliteStore } from '../store/backup.ts';
import { storeLocation } from '../store/open.ts';

// The exit codes of main.ts, not imported from it: main.ts awaits the command at load.
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/**
 * `ozgwatch backup <file>`: a consistent copy of the embedded store while the daemon runs,
 * so that a backup no longer means stopping the monitoring. Run evidence (screenshots,
 * traces) are files that never change once written: copy `artifacts/` as it is.
 */
export async function backupCommand(config: Config, args: string[]): Promise<number> {
  if (args.length !== 1) {
    const what = args.length === 0 ? 'name the file to write' : `name one file, not ${args.length}`;
    process.stderr.write(
      `ozgwatch backup: ${what}, e.g. ozgwatch backup /var/lib/ozgwatch/backup-2026-11-24.db\n`,
    );
    return EXIT_USAGE;
  }
  const location = storeLocation(config);
  if (!('sqlite' in location)) {
    process.stderr.write(
      'ozgwatch backup: the store is PostgreSQL (store.url, DATABASE_URL): back it up with pg_dump; ' +
        'the data folder then holds only evidence and the disk buffer\n',
    );
    return EXIT_USAGE;
  }
  const started = performance.now();
  try {
    const copy = await backupSqliteStore(location.sqlite, path.resolve(args[0]!));
    const newest =
      copy.newestRun === undefined
        ? 'no runs'
        : `newest run ${new Date(copy.newestRun).toISOString()}`;
    process.stdout.write(
      `${copy.target}: ${copy.runs} runs, ${newest}, schema ${copy.schemaVersion}, ` +
        `${(copy.bytes / 2 ** 20).toFixed(1)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return EXIT_OK;
  } catch (error) {
    process.stderr.write(`ozgwatch backup: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}
