/**
 * `ozgwatch backup` against a store that another process keeps writing to, as the daemon
 * does: the copy must be a snapshot at one instant (every batch of results in it whole or
 * not at all), open as a store of its own, and never replace an existing file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { runCli } from './run-cli.ts';

const WRITER = path.join(import.meta.dirname, '../faults/store-writer.ts');
const BATCH = 200;

let dir: string;
let writer: ChildProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-backup-'));
  await mkdir(path.join(dir, 'data'));
});
afterEach(async () => {
  writer?.kill('SIGKILL');
  writer = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** What the writer has said so far. */
let written = '';

/**
 * Starts the writer, a batch every 100 ms for about 4 s, and resolves once it has
 * committed `batches` batches.
 */
function startWriter(db: string, batches: number): Promise<void> {
  const child = spawn(process.execPath, [WRITER, db, 'w', String(BATCH), '100']);
  writer = child;
  written = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      written += chunk;
      if (written.includes(`committed ${batches}\n`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer ended (${code}) before batch ${batches}`)));
  });
}

const backup = (file: string, env: Record<string, string> = {}) =>
  runCli(['backup', file, '--data', 'data'], { cwd: dir, env, timeoutMs: 30_000 });

describe('ozgwatch backup', () => {
  it('copies a store being written to as one consistent snapshot that opens as a store', async () => {
    const db = path.join(dir, 'data/ozgwatch.db');
    await startWriter(db, 3);
    const ran = await backup('copy.db');
    const committed = Number([...written.matchAll(/committed (\d+)/g)].at(-1)?.[1]);
    // The writer was still at work: the copy was taken while the store changed.
    expect(committed).toBeLessThan(40);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(
      /copy\.db: \d+ runs, newest run \d{4}-\d\d-\d\dT.*schema \d+, [\d.]+ MB/,
    );
    // Nothing of the daemon's WAL is needed to read it, and no temporary file is left.
    expect((await readdir(dir)).sort()).toEqual(['copy.db', 'data']);

    const copy = new DatabaseSync(path.join(dir, 'copy.db'), { readOnly: true });
    const { runs } = copy.prepare('SELECT count(*) AS runs FROM runs').get() as { runs: number };
    const partial = copy
      .prepare(
        "SELECT substr(run_id, 1, instr(substr(run_id, 3), '-') + 1) AS batch, count(*) AS n FROM runs GROUP BY batch HAVING n <> ?",
      )
      .all(BATCH);
    copy.close();
    // Everything committed before the copy began is in it, the part in the WAL too.
    expect(runs).toBeGreaterThanOrEqual(3 * BATCH);
    expect(runs).toBeLessThanOrEqual(committed * BATCH);
    expect(ran.stdout).toContain(`: ${runs} runs,`);
    // Every batch is one transaction of the writer: a torn copy would hold part of one.
    expect(partial).toEqual([]);

    // Restored (the file as ozgwatch.db of a new data folder), it is a store with the runs.
    writer?.kill('SIGKILL');
    await mkdir(path.join(dir, 'restored'));
    await copyFile(path.join(dir, 'copy.db'), path.join(dir, 'restored/ozgwatch.db'));
    const store = openSqliteStore({
      path: path.join(dir, 'restored/ozgwatch.db'),
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(await store.run('w-1-0')).toMatchObject({ runId: 'w-1-0', status: 'pass' });
    } finally {
      await store.close();
    }
  });

  it('never replaces a file, and leaves nothing behind when it cannot copy', async () => {
    const db = path.join(dir, 'data/ozgwatch.db');
    await startWriter(db, 1);
    writer?.kill('SIGKILL');
    await writeFile(path.join(dir, 'last-good.db'), 'the last good backup');
    const ran = await backup('last-good.db');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/last-good\.db exists: a backup never replaces a file/);

    const noFolder = await backup('missing/folder/copy.db');
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain(
      `the folder ${path.join(dir, 'missing/folder')} does not exist`,
    );
    expect(noFolder.stderr).not.toMatch(/partial/);
    expect((await readdir(dir)).sort()).toEqual(['data', 'last-good.db']);
  });

  it('names the data folder without a store, and points to pg_dump for PostgreSQL', async () => {
    const none = await runCli(['backup', 'copy.db', '--data', 'nowhere'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no store at .*nowhere\/ozgwatch\.db: check --data/);
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);

    const pg = await backup('copy.db', {
      DATABASE_URL: 'postgres://ozgwatch@127.0.0.1:1/ozgwatch',
    });
    expect(pg.code).toBe(2);
    expect(pg.stderr).toMatch(/PostgreSQL .*pg_dump/);

    const bare = await runCli(['backup'], { cwd: dir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/name the file to write/);
    const two = await runCli(['backup', 'a.db', 'b.db', '--data', 'data'], { cwd: dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/name one file, not 2/);
  });
});
