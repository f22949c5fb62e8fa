/**
 * Another process holding the write lock of an SQLite file, as an operator's `sqlite3`
 * shell in the middle of a transaction, a maintenance script or a second ozgwatch pointed
 * at the same folder would: `node lock-holder.ts <file>`.
 *
 * Prints `locked` once the lock is held; releases it and exits when its standard input
 * closes, and after 30 s in any case, so a test that dies cannot leave it behind.
 * (A lock that shuts readers out as well, `locking_mode=EXCLUSIVE`, cannot be taken while
 * ozgwatch has the file open in WAL mode, so there is no such mode here.)
 */
import { DatabaseSync } from 'node:sqlite';

const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: lock-holder.ts <file>\n');
  process.exit(2);
}
// Waits for a commit of ozgwatch's in progress, as any polite client would.
const db = new DatabaseSync(file, { timeout: 5_000 });
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');

const release = (): void => {
  if (db.isTransaction) db.exec('ROLLBACK');
  db.close();
  process.exit(0);
};
process.stdin.on('end', release).on('close', release).resume();
setTimeout(release, 30_000).unref();
