import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from 'pino';
import { pageKey } from '../results/page-key.ts';
import type { A11yReport, MediaBreakReport, Result } from '../results/result.ts';
import { columnText } from './column-text.ts';
import { checkSchema, migrate, SCHEMA_VERSION } from './migrations.ts';
import {
  findingRecord,
  mediaBreakEvent,
  probeRecord,
  runSummary,
  type FindingRow,
  type MediaEventRow,
  type ProbeRow,
  type SummaryRow,
} from './rows.ts';
import type {
  AvailabilityQuery,
  AvailabilityRow,
  FindingHistory,
  FindingRecord,
  ProbeRecord,
  MediaBreakEvent,
  MediaBreakEventQuery,
  RunQuery,
  RunSummary,
  Store,
} from './store.ts';

export interface SqliteStoreOptions {
  /** The database file; its folder is created when missing. `:memory:` for a throwaway store. */
  path: string;
  logger: Logger;
  /** How long runs are kept by {@link SqliteStore.pruneExpired}. @default 90 */
  retentionDays?: number;
  /** Wall time for {@link SqliteStore.pruneExpired}. @default Date.now */
  clock?: { now(): number };
  /** Longest a queued result waits before its batch is committed. @default 100 */
  flushIntervalMs?: number;
  /** A queue this long is committed at once, without waiting for the interval. @default 500 */
  batchSize?: number;
  /**
   * Most results held while writes fail; past it the oldest are dropped (logged and
   * counted in {@link SqliteStore.dropped}). About 1–2 kB each. @default 50000
   */
  maxPending?: number;
  /**
   * How long one statement waits for another connection's lock. The wait blocks the event
   * loop (node:sqlite is synchronous), and with it the timings of runs in flight, so it is
   * short: a lock held longer is waited out by the retrying writer instead. @default 100
   */
  busyTimeoutMs?: number;
  /**
   * Largest the database may grow, in bytes, rounded down to whole pages
   * (`PRAGMA max_page_count`). Past it writes fail as on a full disk: results stay queued
   * until {@link Store.prune} frees room. @default unbounded: the disk is the limit
   */
  maxBytes?: number;
  /** Longest pause between retries of a failing write. @default 30000 */
  maxRetryDelayMs?: number;
  /**
   * A second connection that only reads, next to the daemon's own (the report worker):
   * nothing is migrated and no lock for writing is ever taken; `save` throws. The file
   * must exist at this build's schema version. @default false
   */
  readOnly?: boolean;
}

/** The SQLite store, with the extras beyond {@link Store}. */
export interface SqliteStore extends Store {
  readonly path: string;
  /** Prunes runs older than `retentionDays` before the clock's now. */
  pruneExpired(): Promise<number>;
}

/**
 * Rows in one write transaction: bounds how long one commit holds the event loop. It
 * matters when a queue is drained after the store could not write for a while: draining
 * 50,000 results of ~1 kB stalled the event loop for up to 300–960 ms at 5,000 rows per
 * transaction, 40–340 ms at 1,000, and took no longer in all.
 */
const MAX_ROWS_PER_TRANSACTION = 1_000;
/** Rows deleted per retention transaction, with a pause for the event loop in between. */
const PRUNE_CHUNK = 2_000;

/**
 * Opens (creating and migrating when needed) the SQLite store at `options.path`.
 *
 * `node:sqlite` is synchronous: every statement runs on the event loop. The settings
 * follow from that:
 * - `journal_mode=WAL`: readers (API, reports) never wait for the writer, and a commit
 *   is one sequential append to the WAL file.
 * - `synchronous=NORMAL`: in WAL mode this skips the fsync on every commit (the WAL is
 *   synced at checkpoints). A crash of ozgwatch loses nothing; a power cut may lose the
 *   last moments of history, never consistency. An fsync per batch would block the
 *   event loop, and with it every run, for as long as a slow disk takes.
 * - a short `busy_timeout`: a lock held by another process blocks the event loop while
 *   SQLite waits, so the wait is short and the batch writer retries with backoff instead.
 *
 * @example
 * const store = openSqliteStore({ path: 'data/ozgwatch.db', logger });
 * store.save(result);
 * await store.close();
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStoreImpl(options);
}

/**
 * Every statement the store runs, prepared once per connection. Exported so a test can
 * check their query plans.
 * @internal
 */
export const SQL = {
  insertRun: `INSERT INTO runs (run_id, probe_id, kind, started_at, duration, status,
                   reported_status, reason, message, maintenance, result)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (run_id) DO NOTHING`,
  upsertLatest: `INSERT INTO latest (probe_id, run_id, started_at) VALUES (?, ?, ?)
                 ON CONFLICT (probe_id) DO UPDATE
                 SET run_id = excluded.run_id, started_at = excluded.started_at
                 WHERE excluded.started_at >= latest.started_at`,
  selectRuns: `SELECT run_id, probe_id, kind, started_at, duration, status, reported_status,
                      reason, message, maintenance
               FROM runs
               WHERE probe_id = ? AND started_at >= ? AND started_at < ?
               ORDER BY started_at DESC, rowid DESC
               LIMIT ?`,
  selectRun: 'SELECT result FROM runs WHERE run_id = ?',
  selectLatestAll: 'SELECT r.result FROM latest l JOIN runs r ON r.run_id = l.run_id',
  selectLatestSome: `SELECT r.result FROM latest l JOIN runs r ON r.run_id = l.run_id
                     WHERE l.probe_id IN (SELECT value FROM json_each(?))`,
  selectLatestIds: 'SELECT probe_id FROM latest',
  deleteRuns: `DELETE FROM runs WHERE rowid IN
                 (SELECT rowid FROM runs WHERE probe_id = ? AND started_at < ? LIMIT ?)`,
  deleteLatest: 'DELETE FROM latest WHERE started_at < ?',
  upsertFinding: `INSERT INTO a11y_findings (probe_id, occurrence, pattern, rule_id, impact, page,
                     selector, first_seen, last_seen, state, fixed_at, reopened)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, 0)
                   ON CONFLICT (probe_id, occurrence) DO UPDATE
                   SET last_seen = excluded.last_seen, impact = excluded.impact,
                       reopened = reopened + (state = 'fixed'), state = 'open', fixed_at = NULL
                   WHERE excluded.last_seen >= a11y_findings.last_seen`,
  fixMissing: `UPDATE a11y_findings SET state = 'fixed', fixed_at = ?
               WHERE probe_id = ? AND state = 'open' AND last_seen < ?
                 AND page IN (SELECT value FROM json_each(?))`,
  selectMediaState: 'SELECT kinds, level, at FROM media_break_state WHERE probe_id = ?',
  upsertMediaState: `INSERT INTO media_break_state (probe_id, kinds, level, at) VALUES (?, ?, ?, ?)
                     ON CONFLICT (probe_id) DO UPDATE
                     SET kinds = excluded.kinds, level = excluded.level, at = excluded.at`,
  insertMediaEvent: `INSERT INTO media_break_events
                       (probe_id, run_id, at, type, kind, level_from, level_to, evidence)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  selectMediaEvents: `SELECT probe_id, run_id, at, type, kind, level_from, level_to, evidence
                      FROM media_break_events
                      WHERE (?1 IS NULL OR probe_id = ?1) AND at >= ?2 AND at < ?3
                      ORDER BY at DESC, rowid DESC LIMIT ?4`,
  selectFindings: `SELECT probe_id, occurrence, pattern, rule_id, impact, page, selector,
                          first_seen, last_seen, state, fixed_at, reopened
                   FROM a11y_findings WHERE probe_id = ? ORDER BY first_seen, occurrence`,
  selectFindingHistory: `SELECT probe_id, occurrence, pattern, rule_id, impact, page, selector,
                                first_seen, last_seen, state, fixed_at, reopened,
                                (SELECT json_group_array(json_array(e.at, e.type)) FROM
                                   (SELECT at, type FROM a11y_finding_events e
                                    WHERE e.probe_id = f.probe_id AND e.occurrence = f.occurrence
                                      AND e.at < ?2 ORDER BY at, rowid) e) AS events
                         FROM a11y_findings f
                         WHERE probe_id = ?1 AND first_seen < ?2
                         ORDER BY first_seen, occurrence`,
  upsertProbe: `INSERT INTO probes (probe_id, name, kind, service, county, ags, leika, url,
                                   owner, admin_level, loaded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (probe_id) DO UPDATE
                SET name = excluded.name, kind = excluded.kind, service = excluded.service,
                    county = excluded.county, ags = excluded.ags, leika = excluded.leika,
                    url = excluded.url, owner = excluded.owner,
                    admin_level = excluded.admin_level, loaded_at = excluded.loaded_at`,
  selectProbes: `SELECT probe_id, name, kind, service, county, ags, leika, url, owner, admin_level,
                        loaded_at
                 FROM probes ORDER BY probe_id`,
  selectAvailability: `SELECT CAST((started_at - ?2) / ?4 AS INTEGER) AS bucket,
                              sum(maintenance = 0) AS runs,
                              sum(maintenance = 0 AND status IN ('pass', 'degraded')) AS ok,
                              sum(maintenance = 0 AND status = 'error') AS errors,
                              sum(maintenance) AS maintenance
                       FROM runs
                       WHERE probe_id = ?1 AND started_at >= ?2 AND started_at < ?3
                       GROUP BY bucket ORDER BY bucket`,
  selectLastResult: `SELECT result FROM runs
                     WHERE probe_id = ? AND started_at >= ? AND started_at < ?
                       AND maintenance = 0 AND status <> 'error'
                     ORDER BY started_at DESC LIMIT 1`,
} as const;

class SqliteStoreImpl implements SqliteStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #retentionMs: number;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #maxRetryDelayMs: number;

  readonly #insertRun: StatementSync;
  readonly #upsertLatest: StatementSync;
  readonly #upsertFinding: StatementSync;
  readonly #fixMissing: StatementSync;
  readonly #selectFindings: StatementSync;
  readonly #selectMediaState: StatementSync;
  readonly #upsertMediaState: StatementSync;
  readonly #insertMediaEvent: StatementSync;
  readonly #selectMediaEvents: StatementSync;
  readonly #selectRuns: StatementSync;
  readonly #selectRun: StatementSync;
  readonly #selectLatestAll: StatementSync;
  readonly #selectLatestSome: StatementSync;
  readonly #selectLatestIds: StatementSync;
  readonly #deleteRuns: StatementSync;
  readonly #deleteLatest: StatementSync;
  readonly #selectFindingHistory: StatementSync;
  readonly #upsertProbe: StatementSync;
  readonly #selectProbes: StatementSync;
  readonly #selectAvailability: StatementSync;
  readonly #selectLastResult: StatementSync;

  /** Queued results are `#queue[#head…]`; a head index makes dropping the oldest O(1). */
  #queue: Result[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Infinity;
  /** Consecutive failed write attempts; > 0 means the writer is backing off. */
  #failures = 0;
  #dropped = 0;
  #lastDropLog = 0;
  #closed = false;
  readonly #readOnly: boolean;
  #closing: Promise<void> | undefined;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.#log = options.logger.child({ component: 'store' });
    const clock = options.clock;
    this.#now = clock ? () => clock.now() : () => Date.now();
    this.#retentionMs = (options.retentionDays ?? 90) * 86_400_000;
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#batchSize = options.batchSize ?? 500;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;

    const inMemory = options.path === ':memory:';
    this.#readOnly = options.readOnly === true;
    let db: DatabaseSync;
    try {
      if (!inMemory && !this.#readOnly) {
        mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
      }
      db = new DatabaseSync(options.path, { readOnly: this.#readOnly });
    } catch (error) {
      throw openError(options.path, error);
    }
    try {
      // Connection settings only: nothing in the file changes before the version check.
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 100))}`);
      if (options.maxBytes !== undefined) {
        const pageSize = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
        db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
      }
      const version = checkSchema(db, options.path);
      if (this.#readOnly) {
        if (version !== SCHEMA_VERSION) {
          throw new Error(
            `store at ${options.path} has schema version ${version}, not ${SCHEMA_VERSION}; a read-only connection does not migrate it`,
          );
        }
      } else {
        if (!inMemory) db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = NORMAL');
        // Keeps the WAL file from staying large after a burst.
        db.exec('PRAGMA journal_size_limit = 67108864');
        const applied = migrate(db, version);
        if (applied.length > 0) {
          this.#log.info(
            { path: options.path, from: version, to: SCHEMA_VERSION, steps: applied },
            'store schema migrated',
          );
        } else if (!inMemory) {
          checkWritable(db);
        }
      }
    } catch (error) {
      db.close();
      throw openError(options.path, error);
    }
    this.#db = db;

    this.#insertRun = db.prepare(SQL.insertRun);
    this.#upsertLatest = db.prepare(SQL.upsertLatest);
    this.#upsertFinding = db.prepare(SQL.upsertFinding);
    this.#fixMissing = db.prepare(SQL.fixMissing);
    this.#selectFindings = db.prepare(SQL.selectFindings);
    this.#selectMediaState = db.prepare(SQL.selectMediaState);
    this.#upsertMediaState = db.prepare(SQL.upsertMediaState);
    this.#insertMediaEvent = db.prepare(SQL.insertMediaEvent);
    this.#selectMediaEvents = db.prepare(SQL.selectMediaEvents);
    this.#selectRuns = db.prepare(SQL.selectRuns);
    this.#selectRun = db.prepare(SQL.selectRun);
    this.#selectLatestAll = db.prepare(SQL.selectLatestAll);
    this.#selectLatestSome = db.prepare(SQL.selectLatestSome);
    this.#selectLatestIds = db.prepare(SQL.selectLatestIds);
    this.#deleteRuns = db.prepare(SQL.deleteRuns);
    this.#deleteLatest = db.prepare(SQL.deleteLatest);
    this.#selectFindingHistory = db.prepare(SQL.selectFindingHistory);
    this.#upsertProbe = db.prepare(SQL.upsertProbe);
    this.#selectProbes = db.prepare(SQL.selectProbes);
    this.#selectAvailability = db.prepare(SQL.selectAvailability);
    this.#selectLastResult = db.prepare(SQL.selectLastResult);
  }

  save(result: Result): void {
    if (this.#closed) throw new Error(`store ${this.path} is closed`);
    if (this.#readOnly) throw new Error(`store ${this.path} is open for reading only`);
    if (this.pending() >= this.#maxPending) this.#dropOldest();
    this.#queue.push(result);
    // While backing off, the retry timer decides when to write.
    if (this.#failures > 0) return;
    this.#schedule(this.pending() >= this.#batchSize ? 0 : this.#flushIntervalMs);
  }

  async flush(): Promise<void> {
    // Commits what is queued now: results saved meanwhile are behind these (the queue is
    // FIFO), so this many transactions suffice even while saves keep arriving.
    let transactions = Math.ceil(this.pending() / MAX_ROWS_PER_TRANSACTION);
    while (transactions-- > 0 && this.pending() > 0 && this.#db.isOpen) {
      try {
        this.#writeSome();
      } catch (error) {
        this.#writeFailed(error);
        throw error;
      }
      this.#writeSucceeded();
      // Let runs and scrapes in between the transactions of a long queue.
      if (transactions > 0) await yieldToEventLoop();
    }
  }

  async runs(query: RunQuery): Promise<RunSummary[]> {
    await this.#commitBeforeRead();
    const limit = Math.max(0, Math.trunc(query.limit ?? 100));
    const rows = this.#selectRuns.all(
      query.probeId,
      query.from ?? Number.MIN_SAFE_INTEGER,
      query.to ?? Number.MAX_SAFE_INTEGER,
      limit,
    ) as unknown as SummaryRow[];
    return rows.map(runSummary);
  }

  async run(runId: string): Promise<Result | undefined> {
    await this.#commitBeforeRead();
    const row = this.#selectRun.get(runId) as { result: string } | undefined;
    return row ? (JSON.parse(row.result) as Result) : undefined;
  }

  async latest(probeIds?: readonly string[]): Promise<Map<string, Result>> {
    await this.#commitBeforeRead();
    const rows = (probeIds
      ? this.#selectLatestSome.all(JSON.stringify(probeIds))
      : this.#selectLatestAll.all()) as unknown as { result: string }[];
    const latest = new Map<string, Result>();
    for (const row of rows) {
      const result = JSON.parse(row.result) as Result;
      latest.set(result.probeId, result);
    }
    return latest;
  }

  /**
   * Deletes per probe through the (probe_id, started_at) index, in small transactions
   * with a pause in between, so an hourly prune never stalls runs or scrapes.
   * Every probe with runs has a `latest` row whose `started_at` is its newest run, so
   * the probes to visit are the `latest` rows, and a probe whose newest run is older
   * than `before` loses its `latest` row along with all its runs.
   */
  async prune(before: number): Promise<number> {
    await this.#commitBeforeRead();
    const ids = (this.#selectLatestIds.all() as { probe_id: string }[]).map((r) => r.probe_id);
    let deleted = 0;
    let inTransaction = 0;
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const id of ids) {
        for (;;) {
          const n = Number(this.#deleteRuns.run(id, before, PRUNE_CHUNK).changes);
          deleted += n;
          inTransaction += n;
          if (inTransaction >= PRUNE_CHUNK) {
            db.exec('COMMIT');
            await yieldToEventLoop();
            if (!db.isOpen) return deleted;
            db.exec('BEGIN IMMEDIATE');
            inTransaction = 0;
          }
          if (n < PRUNE_CHUNK) break;
        }
      }
      this.#deleteLatest.run(before);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
    return deleted;
  }

  pruneExpired(): Promise<number> {
    return this.prune(this.#now() - this.#retentionMs);
  }

  pending(): number {
    return this.#queue.length - this.#head;
  }

  dropped(): number {
    return this.#dropped;
  }

  outage(): undefined {
    // A file on the daemon's own disk: never unreachable the way a server is.
    return undefined;
  }

  healthy(): boolean {
    return !this.#closed && this.#failures === 0;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    let failure: unknown;
    // A few quick tries: a lock held by another process may just be passing.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.flush();
        failure = undefined;
        break;
      } catch (error) {
        failure = error;
        this.#clearTimer();
        if (attempt < 2) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    this.#clearTimer();
    if (failure !== undefined) {
      this.#log.error(
        { err: failure, lost: this.pending(), path: this.path },
        'store closed with results that could not be written',
      );
    } else {
      try {
        // Keeps query plans good on a long-lived file; cheap when nothing changed.
        this.#db.exec('PRAGMA optimize');
      } catch {
        // Best effort only.
      }
    }
    this.#db.close();
    if (failure !== undefined) {
      throw failure instanceof Error
        ? failure
        : new Error('store write failed', { cause: failure });
    }
  }

  /** Commits up to one transaction's worth of the queue; throws (queue untouched) on failure. */
  #writeSome(): void {
    const db = this.#db;
    const end = Math.min(this.#queue.length, this.#head + MAX_ROWS_PER_TRANSACTION);
    let rejected: { result: Result; error: unknown }[] | undefined;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (let i = this.#head; i < end; i++) {
        const result = this.#queue[i] as Result;
        try {
          this.#insert(result);
        } catch (error) {
          // One malformed result must not block the queue behind it forever.
          if (!isRowError(error)) throw error;
          (rejected ??= []).push({ result, error });
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
    this.#head = end;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    for (const { result, error } of rejected ?? []) {
      this.#dropped++;
      this.#log.error(
        { err: error, run: result.runId, probe: result.probeId },
        'result rejected by the store; dropped',
      );
    }
  }

  #insert(r: Result): void {
    const changes = this.#insertRun.run(
      r.runId,
      r.probeId,
      columnText(r.kind),
      r.startedAt,
      r.duration,
      r.status,
      r.reportedStatus,
      r.reason === undefined ? null : columnText(r.reason),
      columnText(r.message),
      r.maintenance ? 1 : 0,
      JSON.stringify(r),
    ).changes;
    // A run id already stored (a repeated save) changes nothing.
    if (changes === 0) return;
    this.#upsertLatest.run(r.probeId, r.runId, r.startedAt);
    if (r.a11y) this.#trackFindings(r, r.a11y);
    if (r.mediaBreaks && !r.maintenance) this.#trackMediaBreaks(r, r.mediaBreaks);
  }

  /**
   * Compares the breaks and level of this run with the probe's last known ones and records
   * each difference as an event. A run older than the known state (stored late, after a
   * restart) changes nothing; the first run of a probe sets the baseline.
   */
  #trackMediaBreaks(r: Result, report: MediaBreakReport): void {
    const kinds = report.breaks.map((b) => b.kind).sort();
    const level = report.maturity.level;
    const before = this.#selectMediaState.get(r.probeId) as
      { kinds: string; level: number; at: number } | undefined;
    if (before && before.at > r.startedAt) return;
    this.#upsertMediaState.run(r.probeId, JSON.stringify(kinds), level, r.startedAt);
    if (!before) return;
    const old = new Set(JSON.parse(before.kinds) as string[]);
    const event = (
      type: MediaBreakEvent['type'],
      kind: string | null,
      from: number | null,
      to: number | null,
      evidence: string | null,
    ): void => {
      const column = kind === null ? null : columnText(kind);
      this.#insertMediaEvent.run(r.probeId, r.runId, r.startedAt, type, column, from, to, evidence);
    };
    for (const b of report.breaks) {
      if (!old.has(b.kind)) event('appeared', b.kind, null, null, JSON.stringify(b.evidence));
    }
    for (const kind of old) {
      if (!(kinds as string[]).includes(kind)) event('disappeared', kind, null, null, null);
    }
    if (before.level !== level) event('level', null, before.level, level, null);
  }

  async mediaBreakEvents(query: MediaBreakEventQuery): Promise<MediaBreakEvent[]> {
    await this.#commitBeforeRead();
    const rows = this.#selectMediaEvents.all(
      query.probeId ?? null,
      query.from ?? 0,
      query.to ?? Number.MAX_SAFE_INTEGER,
      query.limit,
    ) as unknown as MediaEventRow[];
    return rows.map(mediaBreakEvent);
  }

  /**
   * Findings seen now are opened (or reopened); open findings on pages this run scanned
   * but did not see are fixed. Pages that could not be scanned change nothing.
   */
  #trackFindings(r: Result, report: A11yReport): void {
    const scanned: string[] = [];
    for (const page of report.pages) {
      if (page.error !== undefined) continue;
      const key = pageKey(page.url);
      scanned.push(columnText(key));
      for (const v of page.violations) {
        for (const n of v.nodes) {
          this.#upsertFinding.run(
            r.probeId,
            columnText(n.occurrence),
            columnText(n.pattern),
            columnText(v.ruleId),
            columnText(v.impact),
            columnText(key),
            columnText(n.ancestry.join(' | ')),
            r.startedAt,
            r.startedAt,
          );
        }
      }
    }
    if (scanned.length > 0) {
      this.#fixMissing.run(r.startedAt, r.probeId, r.startedAt, JSON.stringify(scanned));
    }
  }

  async findings(probeId: string): Promise<FindingRecord[]> {
    await this.#commitBeforeRead();
    const rows = this.#selectFindings.all(probeId) as unknown as FindingRow[];
    return rows.map(findingRecord);
  }

  async findingHistory(probeIds: readonly string[], before: number): Promise<FindingHistory[]> {
    await this.#commitBeforeRead();
    const out: FindingHistory[] = [];
    for (const probeId of probeIds) {
      const rows = this.#selectFindingHistory.all(probeId, before) as unknown as (FindingRow & {
        events: string;
      })[];
      for (const row of rows) {
        const events = (
          JSON.parse(row.events) as [number, FindingHistory['events'][0]['type']][]
        ).map(([at, type]) => ({ at, type }));
        out.push({ ...findingRecord(row), events });
      }
    }
    return out;
  }

  async registerProbes(
    probes: readonly Omit<ProbeRecord, 'loadedAt'>[],
    at: number,
  ): Promise<void> {
    if (!this.#db.isOpen) throw new Error(`store ${this.path} is closed`);
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const p of probes) {
        this.#upsertProbe.run(
          p.probeId,
          columnText(p.name),
          p.kind,
          columnText(p.service),
          columnText(p.county),
          p.ags === undefined ? null : columnText(p.ags),
          p.leika === undefined ? null : columnText(p.leika),
          p.url === undefined ? null : columnText(p.url),
          p.owner === undefined ? null : columnText(p.owner),
          p.adminLevel === undefined ? null : columnText(p.adminLevel),
          at,
        );
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async probeCatalogue(): Promise<ProbeRecord[]> {
    if (!this.#db.isOpen) throw new Error(`store ${this.path} is closed`);
    const rows = this.#selectProbes.all() as unknown as ProbeRow[];
    return rows.map(probeRecord);
  }

  async availability(query: AvailabilityQuery): Promise<AvailabilityRow[]> {
    await this.#commitBeforeRead();
    const bucketMs = Math.max(1, Math.trunc(query.bucketMs ?? query.to - query.from));
    const out: AvailabilityRow[] = [];
    for (const probeId of query.probeIds) {
      const rows = this.#selectAvailability.all(
        probeId,
        query.from,
        query.to,
        bucketMs,
      ) as unknown as Omit<AvailabilityRow, 'probeId'>[];
      for (const row of rows) out.push({ probeId, ...row });
    }
    return out;
  }

  async lastResult(probeId: string, before: number, since = 0): Promise<Result | undefined> {
    await this.#commitBeforeRead();
    const row = this.#selectLastResult.get(probeId, since, before) as
      { result: string } | undefined;
    return row ? (JSON.parse(row.result) as Result) : undefined;
  }

  /**
   * Reads include everything saved before them, unless the writer is backing off. A long
   * queue (being drained after an outage) is committed one transaction at a time, with the
   * event loop let in between, as {@link flush} does.
   */
  async #commitBeforeRead(): Promise<void> {
    if (!this.#db.isOpen) throw new Error(`store ${this.path} is closed`);
    if (this.#failures > 0 || this.pending() === 0) return;
    try {
      await this.flush();
    } catch {
      // flush counted the failure and armed the retry; the read shows what is committed.
    }
    if (!this.#db.isOpen) throw new Error(`store ${this.path} is closed`);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    if (!this.#db.isOpen || this.pending() === 0) return;
    try {
      this.#writeSome();
    } catch (error) {
      this.#writeFailed(error);
      return;
    }
    this.#writeSucceeded();
  }

  #writeSucceeded(): void {
    if (this.#failures > 0) {
      this.#log.info(
        { attempts: this.#failures + 1, pending: this.pending() },
        'store writes recovered',
      );
      this.#failures = 0;
      this.#clearTimer();
    }
    if (this.pending() === 0 || this.#closed) return;
    this.#schedule(this.pending() >= this.#batchSize ? 0 : this.#flushIntervalMs);
  }

  #writeFailed(error: unknown): void {
    this.#failures++;
    const delay = Math.min(this.#maxRetryDelayMs, this.#flushIntervalMs * 2 ** this.#failures);
    // The first failure and then every tenth: a full disk should not also fill the log.
    if (this.#failures === 1 || this.#failures % 10 === 0) {
      this.#log.error(
        { err: error, attempts: this.#failures, pending: this.pending(), retryInMs: delay },
        'store write failed; results stay queued',
      );
    }
    if (this.#closed) return;
    this.#clearTimer();
    this.#schedule(delay);
  }

  /** Arms the writer to run within `ms`; an earlier existing timer is kept. */
  #schedule(ms: number): void {
    const due = performance.now() + ms;
    if (this.#timer !== undefined) {
      if (this.#timerDue <= due) return;
      clearTimeout(this.#timer);
    }
    this.#timerDue = due;
    this.#timer = setTimeout(() => this.#tick(), ms);
    // Nothing pending should keep a finished process alive; close() commits the rest.
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #dropOldest(): void {
    const dropped = this.#queue[this.#head];
    this.#queue[this.#head] = undefined as unknown as Result;
    this.#head++;
    this.#dropped++;
    const now = Date.now();
    if (now - this.#lastDropLog >= 10_000) {
      this.#lastDropLog = now;
      this.#log.error(
        { dropped: this.#dropped, maxPending: this.#maxPending, run: dropped?.runId },
        'store queue full; oldest unwritten results dropped',
      );
    }
  }
}

/** SQLite primary result codes that belong to one row, not to the database or the disk. */
const ROW_ERRORS = new Set([
  18, // SQLITE_TOOBIG
  19, // SQLITE_CONSTRAINT
  20, // SQLITE_MISMATCH
  25, // SQLITE_RANGE
]);

function isRowError(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof errcode === 'number') return ROW_ERRORS.has(errcode & 0xff);
  // Not from SQLite (a value that cannot be bound, JSON.stringify on a cycle): the row's
  // fault, unless the database itself is closed.
  return code !== 'ERR_SQLITE_ERROR' && code !== 'ERR_INVALID_STATE';
}

/**
 * SQLite opens a file it may not write read-only, without a word (a read-only mount, a
 * file of another user), and the daemon would run and store nothing. A write rolled back
 * at once finds that out at start, where the error can stop it. A lock held by another
 * process says nothing about that, and passes.
 */
function checkWritable(db: DatabaseSync): void {
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    } finally {
      if (db.isTransaction) db.exec('ROLLBACK');
    }
  } catch (error) {
    const primary = sqliteCode(error) & 0xff;
    if (primary !== SQLITE_BUSY && primary !== SQLITE_LOCKED) throw error;
  }
}

const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CANTOPEN = 14;
const ACCESS_ERRORS = new Set([SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN]);

function sqliteCode(error: unknown): number {
  const { errcode } = (error ?? {}) as { errcode?: unknown };
  return typeof errcode === 'number' ? errcode : 0;
}

/**
 * The error for a store that cannot be opened: names the file, and when the file system
 * is the reason (a read-only mount, missing permissions), says that rather than SQLite's
 * "unable to open database file"; SQLite's words stay in the cause.
 */
function openError(file: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  // The schema checks name the file already.
  if (error instanceof Error && message.includes(file)) return error;
  const { code } = (error ?? {}) as { code?: unknown };
  // SQLite's access errors, or the file system's (creating the folder; node reports a
  // recursive mkdir on a read-only mount as ENOENT).
  const access =
    ACCESS_ERRORS.has(sqliteCode(error) & 0xff) ||
    (typeof code === 'string' && /^E[A-Z]+$/.test(code));
  const why = access && file !== ':memory:' ? notWritable(path.resolve(file)) : undefined;
  return new Error(`cannot open store at ${file}: ${why ?? message}`, { cause: error });
}

/**
 * Why the file system will not let SQLite write the file, create its journal beside it, or
 * create its folder: the file and the folders up to the first that exists are asked.
 */
function notWritable(file: string): string | undefined {
  const targets = [file];
  for (let dir = path.dirname(file); targets.length < 64; dir = path.dirname(dir)) {
    targets.push(dir);
    if (existsSync(dir) || dir === path.dirname(dir)) break;
  }
  for (const target of targets) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return `${target} is on a read-only file system`;
      if (code === 'EACCES' || code === 'EPERM') return `no permission to write ${target}`;
    }
  }
  return undefined;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
