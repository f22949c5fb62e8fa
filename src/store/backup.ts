import { existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { checkSchema } from './migrations.ts';

/** What a backup holds, for the line the command prints. */
export interface BackupSummary {
  target: string;
  bytes: number;
  schemaVersion: number;
  runs: number;
  /** Start of the newest run in the copy (ms since the epoch); undefined for an empty store. */
  newestRun: number | undefined;
}

/**
 * Copies the SQLite store at `source` to `target` while the daemon keeps writing to it.
 *
 * `VACUUM INTO` reads the whole database inside one read transaction: in WAL mode that is
 * a snapshot at one instant, which the daemon's writes neither block nor change, so every
 * batch of results is in the copy entirely or not at all. (SQLite's page-by-page backup
 * API would start over each time the daemon commits, which on a busy daemon is every
 * second.) The copy is compact, in rollback-journal mode and self-contained: one file, no
 * `-wal` beside it. It is written under a temporary name, checked, and only then given
 * its name, so a file at `target` is always a complete backup.
 *
 * Never overwrites: a backup that replaced the last good one and then failed would leave
 * nothing.
 */
export async function backupSqliteStore(source: string, target: string): Promise<BackupSummary> {
  if (!existsSync(source)) {
    throw new Error(`no store at ${source}: check --data (or dataDir in the settings)`);
  }
  if (existsSync(target)) {
    throw new Error(`${target} exists: a backup never replaces a file; choose a new name`);
  }
  const folder = path.dirname(target);
  // Checked first: SQLite would name the temporary file, which the user never asked for.
  if (!existsSync(folder)) throw new Error(`the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  const partial = path.join(folder, `.${path.basename(target)}.${process.pid}.partial`);
  try {
    return await copyThenName(source, partial, target);
  } catch (error) {
    // Any other failure (no write permission, a full disk) names the file the user named.
    const message = (error as Error).message.replaceAll(partial, target);
    throw new Error(message, { cause: error });
  }
}

async function copyThenName(
  source: string,
  partial: string,
  target: string,
): Promise<BackupSummary> {
  try {
    const db = new DatabaseSync(source, { readOnly: true });
    try {
      // A reader in WAL mode never waits for the daemon's writes; only for the moment
      // a checkpoint or a recovery holds the WAL index.
      db.exec('PRAGMA busy_timeout = 5000');
      checkSchema(db, source);
      db.prepare('VACUUM INTO ?').run(partial);
    } finally {
      db.close();
    }
    const summary = inspect(partial);
    await rename(partial, target);
    return { ...summary, target, bytes: statSync(target).size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Opens the copy on its own and reads it as a restore would: intact, and how much it holds. */
function inspect(file: string): Omit<BackupSummary, 'target' | 'bytes'> {
  const copy = new DatabaseSync(file, { readOnly: true });
  try {
    const integrity = copy.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') {
      throw new Error(
        `the copy failed SQLite's integrity check: ${integrity.map((r) => r.integrity_check).join('; ')}`,
      );
    }
    const schemaVersion = checkSchema(copy, file);
    const row = copy
      .prepare('SELECT count(*) AS runs, max(started_at) AS newest FROM runs')
      .get() as { runs: number; newest: number | null } | undefined;
    return {
      schemaVersion,
      runs: row?.runs ?? 0,
      newestRun: row?.newest ?? undefined,
    };
  } finally {
    copy.close();
  }
}
