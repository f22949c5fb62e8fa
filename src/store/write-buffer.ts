import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Result } from '../results/result.ts';

/** One buffered result, with its position in the buffer. */
export interface BufferedResult {
  seq: number;
  result: Result;
}

/**
 * Results that could not be written to PostgreSQL yet, kept on local disk until it is
 * reachable again: an SQLite file of JSON rows in write order. A crash of the daemon
 * loses nothing that reached the buffer; rows are removed only after PostgreSQL
 * committed them, and a row written twice (a crash between the commit and the removal)
 * is ignored by the store, whose run ids are unique.
 *
 * Bounded by `maxBytes` of JSON: past it the oldest rows are dropped, because the newest
 * results say what the services are doing now.
 */
export class WriteBuffer {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #maxBytes: number;
  readonly #insert: StatementSync;
  readonly #oldest: StatementSync;
  readonly #removeUpTo: StatementSync;
  readonly #sizes: StatementSync;
  #count: number;
  #bytes: number;

  constructor(file: string, maxBytes: number) {
    this.path = file;
    this.#maxBytes = maxBytes;
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new DatabaseSync(file);
    try {
      db.exec('PRAGMA journal_mode = WAL');
      // The buffer exists for outages: each append is synced, so "buffered" means "on disk".
      db.exec('PRAGMA synchronous = FULL');
      db.exec(`CREATE TABLE IF NOT EXISTS buffered (
                 seq    INTEGER PRIMARY KEY AUTOINCREMENT,
                 bytes  INTEGER NOT NULL,
                 result TEXT    NOT NULL
               )`);
    } catch (error) {
      db.close();
      throw new Error(`cannot open the write buffer at ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO buffered (bytes, result) VALUES (?, ?)');
    this.#oldest = db.prepare('SELECT seq, result FROM buffered ORDER BY seq LIMIT ?');
    this.#removeUpTo = db.prepare('DELETE FROM buffered WHERE seq <= ? RETURNING bytes');
    this.#sizes = db.prepare('SELECT seq, bytes FROM buffered ORDER BY seq');
    const row = db
      .prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM buffered')
      .get() as {
      n: number;
      b: number;
    };
    this.#count = row.n;
    this.#bytes = row.b;
  }

  /** Results held. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of JSON held. */
  /** Most bytes it holds; past it the oldest results are dropped. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Appends results in one transaction; then drops the oldest rows while the buffer is
   * over its bound. Returns how many were dropped. Throws (nothing appended) when the
   * disk refuses the write. A result JSON cannot hold (a cycle: a bug) goes to `unfit`
   * instead: failing the whole append for it would keep every other result from the disk.
   */
  append(
    results: readonly Result[],
    unfit: (result: Result, error: unknown) => void = (_result, error) => {
      throw error;
    },
  ): number {
    const rows: string[] = [];
    for (const result of results) {
      try {
        rows.push(JSON.stringify(result));
      } catch (error) {
        unfit(result, error);
      }
    }
    if (rows.length === 0) return 0;
    const db = this.#db;
    let added = 0;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const json of rows) {
        this.#insert.run(json.length, json);
        added += json.length;
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
    this.#count += rows.length;
    this.#bytes += added;
    if (this.#bytes <= this.#maxBytes) return 0;
    // The oldest rows whose removal brings the buffer back within its bound.
    let excess = this.#bytes - this.#maxBytes;
    let upTo = 0;
    for (const row of this.#sizes.iterate() as Iterable<{ seq: number; bytes: number }>) {
      upTo = row.seq;
      excess -= row.bytes;
      if (excess <= 0) break;
    }
    const before = this.#count;
    this.removeUpTo(upTo);
    return before - this.#count;
  }

  /** The oldest `limit` results, oldest first. */
  oldest(limit: number): BufferedResult[] {
    const rows = this.#oldest.all(limit) as { seq: number; result: string }[];
    return rows.map((r) => ({ seq: r.seq, result: JSON.parse(r.result) as Result }));
  }

  /** Removes every result up to and including `seq` (they were committed elsewhere). */
  removeUpTo(seq: number): void {
    const rows = this.#removeUpTo.all(seq) as { bytes: number }[];
    for (const r of rows) this.#bytes -= r.bytes;
    this.#count -= rows.length;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
