import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import pg from 'pg';
import { pageKey } from '../results/page-key.ts';
import type { A11yReport, MediaBreakReport, Result } from '../results/result.ts';
import { columnText } from './column-text.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
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
import {
  StoreUnavailableError,
  type AvailabilityQuery,
  type AvailabilityRow,
  type FindingHistory,
  type FindingRecord,
  type MediaBreakEvent,
  type MediaBreakEventQuery,
  type ProbeRecord,
  type RunQuery,
  type RunSummary,
  type Store,
} from './store.ts';
import { readRejected, RejectedResults } from './rejected-results.ts';
import { WriteBuffer } from './write-buffer.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`; the password never reaches the log. */
  url: string;
  logger: Logger;
  /** The on-disk buffer for results written while PostgreSQL is unreachable. */
  bufferPath: string;
  /** Most JSON bytes the buffer holds; past it the oldest results are dropped. @default 1 GiB */
  bufferMaxBytes?: number;
  /**
   * The JSON-lines file for results PostgreSQL refuses for their content (SQLSTATE class 22
   * or 23), so that none vanishes ({@link RejectedResults}).
   * @default `postgres-rejected.jsonl` beside `bufferPath`; none for a buffer in memory
   */
  rejectedPath?: string;
  /** Most bytes the rejected-results file grows to; past it a rejected result is lost. @default 64 MiB */
  rejectedMaxBytes?: number;
  /** Connections in the pool. @default 4 */
  poolSize?: number;
  /** Longest a queued result waits before its batch is written. @default 100 */
  flushIntervalMs?: number;
  /** A queue this long is written at once. @default 500 */
  batchSize?: number;
  /** Longest pause between retries while PostgreSQL is unreachable. @default 30000 */
  maxRetryDelayMs?: number;
  /** How long a connection attempt may take. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * How long a query may wait for PostgreSQL's answer. Without it, a query on a pooled
   * connection to a host that stopped answering (down, cut off by the network) waits as
   * long as TCP does, many minutes. @default 30000
   */
  queryTimeoutMs?: number;
  /** While PostgreSQL is unreachable, how often it is tried for reads to resume. @default 2000 */
  outageProbeMs?: number;
  /**
   * Most results held in memory while neither PostgreSQL nor the disk buffer takes them (a
   * full or broken disk during an outage); past it the oldest are dropped, logged and
   * counted in {@link Store.dropped}, as in the SQLite store. @default 50000
   */
  maxPending?: number;
}

/** The PostgreSQL store, with what it adds to {@link Store}. */
export interface PostgresStore extends Store {
  /** Results waiting in the on-disk buffer for PostgreSQL to come back, and its bound. */
  buffered(): { results: number; bytes: number; limitBytes: number };
}

/** Results in one write transaction. */
const BATCH = 500;
/** How long a query may wait for its answer by default (see queryTimeoutMs). */
const QUERY_TIMEOUT_MS = 30_000;
/** Rejected results put back by the operator, taken at the next start (beside the rejected file). */
const RETRY_FILE = 'postgres-retry.jsonl';
/** Rows deleted per retention statement. */
const PRUNE_CHUNK = 2_000;
/** Advisory lock keys: "ozgw" for migrations, +1 for retention (one instance prunes at a time). */
const MIGRATION_LOCK = 0x6f7a6777;
const PRUNE_LOCK = MIGRATION_LOCK + 1;

/**
 * Opens the PostgreSQL store: the same tables, migrations and answers as the SQLite
 * store, shared by several ozgwatch instances.
 *
 * Writes are queued and committed in batches, like SQLite's. When PostgreSQL cannot be
 * reached — also at start — results go to an on-disk buffer ({@link WriteBuffer}) and are
 * written, oldest first, once it is back; metrics and runs carry on meanwhile. Reads fail
 * while it is unreachable.
 *
 * Throws at open only for what waiting cannot fix: a refused login, a missing database,
 * a schema newer than this build.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStoreImpl(options);
  await store.open();
  return store;
}

/** Type OID of PostgreSQL's bigint. */
const INT8_OID = 20;
/**
 * bigint (epoch ms, counts) as a JavaScript number: every value ozgwatch stores is far
 * below 2^53. Set on this pool only, not process-wide.
 */
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID
      ? Number
      : (pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown),
};

export const PG_SQL = {
  insertRuns: `INSERT INTO runs (run_id, probe_id, kind, started_at, duration, status,
                   reported_status, reason, message, maintenance, result)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[],
                   $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[],
                   $11::text[])
               ON CONFLICT (run_id) DO NOTHING
               RETURNING run_id`,
  upsertLatest: `INSERT INTO latest (probe_id, run_id, started_at)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
                 ON CONFLICT (probe_id) DO UPDATE
                 SET run_id = excluded.run_id, started_at = excluded.started_at
                 WHERE excluded.started_at >= latest.started_at`,
  upsertFindings: `INSERT INTO a11y_findings (probe_id, occurrence, pattern, rule_id, impact, page,
                     selector, first_seen, last_seen, state, fixed_at, reopened)
                   SELECT $1, o, p, r, i, pg, s, $2, $2, 'open', NULL, 0
                   FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                               $8::text[]) AS t(o, p, r, i, pg, s)
                   ON CONFLICT (probe_id, occurrence) DO UPDATE
                   SET last_seen = excluded.last_seen, impact = excluded.impact,
                       reopened = a11y_findings.reopened
                                  + CASE WHEN a11y_findings.state = 'fixed' THEN 1 ELSE 0 END,
                       state = 'open', fixed_at = NULL
                   WHERE excluded.last_seen >= a11y_findings.last_seen`,
  fixMissing: `UPDATE a11y_findings SET state = 'fixed', fixed_at = $1
               WHERE probe_id = $2 AND state = 'open' AND last_seen < $1 AND page = ANY($3::text[])`,
  selectMediaState: 'SELECT kinds, level, at FROM media_break_state WHERE probe_id = $1 FOR UPDATE',
  upsertMediaState: `INSERT INTO media_break_state (probe_id, kinds, level, at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (probe_id) DO UPDATE
                     SET kinds = excluded.kinds, level = excluded.level, at = excluded.at`,
  insertMediaEvent: `INSERT INTO media_break_events
                       (probe_id, run_id, at, type, kind, level_from, level_to, evidence)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  selectRuns: `SELECT run_id, probe_id, kind, started_at, duration, status, reported_status,
                      reason, message, maintenance
               FROM runs
               WHERE probe_id = $1 AND started_at >= $2 AND started_at < $3
               ORDER BY started_at DESC, seq DESC
               LIMIT $4`,
  selectRun: 'SELECT result FROM runs WHERE run_id = $1',
  selectLatestAll: 'SELECT r.result FROM latest l JOIN runs r ON r.run_id = l.run_id',
  selectLatestSome: `SELECT r.result FROM latest l JOIN runs r ON r.run_id = l.run_id
                     WHERE l.probe_id = ANY($1::text[])`,
  selectLatestIds: 'SELECT probe_id FROM latest',
  /**
   * Retention, a chunk at a time. Each is one statement, so one transaction, and takes the
   * transaction-scoped advisory lock: no session state outlives it, and a pooler in
   * transaction mode (PgBouncer), which may run consecutive statements on different server
   * connections, changes nothing. `locked` false: another instance is deleting right now.
   */
  deleteRuns: `WITH lock AS (SELECT pg_try_advisory_xact_lock($4) AS locked),
                    gone AS (DELETE FROM runs
                             WHERE (SELECT locked FROM lock) AND run_id IN
                               (SELECT run_id FROM runs
                                WHERE probe_id = $1 AND started_at < $2 LIMIT $3)
                             RETURNING 1)
               SELECT (SELECT locked FROM lock) AS locked, (SELECT count(*) FROM gone) AS deleted`,
  deleteLatest: `WITH lock AS (SELECT pg_try_advisory_xact_lock($2) AS locked)
                 DELETE FROM latest WHERE (SELECT locked FROM lock) AND started_at < $1`,
  selectMediaEvents: `SELECT probe_id, run_id, at, type, kind, level_from, level_to, evidence
                      FROM media_break_events
                      WHERE ($1::text IS NULL OR probe_id = $1) AND at >= $2 AND at < $3
                      ORDER BY at DESC, seq DESC LIMIT $4`,
  selectFindings: `SELECT probe_id, occurrence, pattern, rule_id, impact, page, selector,
                          first_seen, last_seen, state, fixed_at, reopened
                   FROM a11y_findings WHERE probe_id = $1 ORDER BY first_seen, occurrence`,
  selectFindingHistory: `SELECT probe_id, occurrence, pattern, rule_id, impact, page, selector,
                                first_seen, last_seen, state, fixed_at, reopened,
                                (SELECT coalesce(json_agg(json_build_array(e.at, e.type)
                                                          ORDER BY e.at, e.seq), '[]'::json)
                                 FROM a11y_finding_events e
                                 WHERE e.probe_id = f.probe_id AND e.occurrence = f.occurrence
                                   AND e.at < $2) AS events
                         FROM a11y_findings f
                         WHERE probe_id = ANY($1::text[]) AND first_seen < $2
                         ORDER BY array_position($1::text[], probe_id), first_seen, occurrence`,
  upsertProbes: `INSERT INTO probes (probe_id, name, kind, service, county, ags, leika, url,
                                     owner, admin_level, loaded_at)
                 SELECT *, $11::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                                   $5::text[], $6::text[], $7::text[], $8::text[],
                                                   $9::text[], $10::text[])
                 ON CONFLICT (probe_id) DO UPDATE
                 SET name = excluded.name, kind = excluded.kind, service = excluded.service,
                     county = excluded.county, ags = excluded.ags, leika = excluded.leika,
                     url = excluded.url, owner = excluded.owner,
                     admin_level = excluded.admin_level, loaded_at = excluded.loaded_at`,
  selectProbes: `SELECT probe_id, name, kind, service, county, ags, leika, url, owner, admin_level,
                        loaded_at
                 FROM probes ORDER BY probe_id`,
  selectAvailability: `SELECT probe_id, (started_at - $2) / $4 AS bucket,
                              count(*) FILTER (WHERE maintenance = 0) AS runs,
                              count(*) FILTER (WHERE maintenance = 0
                                                 AND status IN ('pass', 'degraded')) AS ok,
                              count(*) FILTER (WHERE maintenance = 0 AND status = 'error') AS errors,
                              count(*) FILTER (WHERE maintenance <> 0) AS maintenance
                       FROM runs
                       WHERE probe_id = ANY($1::text[]) AND started_at >= $2 AND started_at < $3
                       GROUP BY probe_id, bucket
                       ORDER BY array_position($1::text[], probe_id), bucket`,
  selectLastResult: `SELECT result FROM runs
                     WHERE probe_id = $1 AND started_at >= $2 AND started_at < $3
                       AND maintenance = 0 AND status <> 'error'
                     ORDER BY started_at DESC LIMIT 1`,
} as const;

class PostgresStoreImpl implements PostgresStore {
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #where: string;
  /** The user of the URL (never its password), for what to grant it. */
  readonly #login: string | undefined;
  readonly #buffer: WriteBuffer;
  /** Where refused results go; undefined for a reader, which writes none. */
  readonly #rejected: RejectedResults | undefined;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxRetryDelayMs: number;

  #schemaReady = false;
  /** The last catalogue that could not be written because PostgreSQL was unreachable. */
  #pendingCatalogue: { probes: readonly Omit<ProbeRecord, 'loadedAt'>[]; at: number } | undefined;
  #queue: Result[] = [];
  /** Results taken from the queue by the write in progress. */
  #inFlight = 0;
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Infinity;
  #bufferTimer: NodeJS.Timeout | undefined;
  /** Consecutive failed attempts to reach PostgreSQL; > 0 means results go to the buffer. */
  #failures = 0;
  #dropped = 0;
  readonly #maxPending: number;
  /** Consecutive failed writes of the disk buffer; > 0 while PostgreSQL is away means loss. */
  #bufferFailures = 0;
  #lastDropLog = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  /**
   * Set while PostgreSQL is known to be unreachable (a read or a write found it so): reads
   * answer with it at once instead of each waiting out a connection timeout, and a probe
   * tries the database every {@link #outageProbeMs} until it answers.
   */
  #outage: StoreUnavailableError | undefined;
  #outageProbe: NodeJS.Timeout | undefined;
  #probing = false;
  readonly #outageProbeMs: number;
  /** The outage is a refusal (a login, a privilege), not an unreachable server. */
  #refused = false;
  /**
   * The last write was refused for what no wait fixes (a login, a privilege, a schema):
   * until a write succeeds, the store is not ready ({@link healthy}).
   */
  #writeRefused = false;
  /** When the outage probe last tried PostgreSQL (performance.now()). */
  #lastProbe = -Infinity;
  /** What the last failed write failed on ({@link failureCause}), to log a change of it. */
  #lastCause: string | undefined;

  constructor(options: PostgresStoreOptions) {
    this.#log = options.logger.child({ component: 'store' });
    this.#where = describeUrl(options.url);
    this.#login = loginOf(options.url);
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#batchSize = options.batchSize ?? BATCH;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#outageProbeMs = options.outageProbeMs ?? 2_000;
    this.#buffer = new WriteBuffer(options.bufferPath, options.bufferMaxBytes ?? 2 ** 30);
    const rejectedPath =
      options.rejectedPath ??
      (options.bufferPath === ':memory:'
        ? undefined
        : path.join(path.dirname(options.bufferPath), 'postgres-rejected.jsonl'));
    this.#rejected =
      rejectedPath === undefined
        ? undefined
        : new RejectedResults(rejectedPath, options.rejectedMaxBytes ?? 64 * 2 ** 20);
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      // Lets the kernel notice a peer that is gone while a connection sits idle in the pool.
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      application_name: 'ozgwatch',
      types: TYPES,
    });
    // An idle connection that breaks (PostgreSQL restarted) must not crash the daemon;
    // the next query gets a fresh one.
    this.#pool.on('error', (error) => {
      this.#log.warn({ err: error, db: this.#where }, 'idle PostgreSQL connection lost');
    });
  }

  async open(): Promise<void> {
    this.#takeRetry();
    try {
      await this.#ensureSchema();
    } catch (error) {
      if (!isTransient(error)) {
        await this.#pool.end().catch(() => undefined);
        this.#buffer.close();
        throw withCode(
          new Error(`cannot open store at ${this.#where}: ${describe(error)}${this.#hint(error)}`),
          error,
        );
      }
      // Down, starting, out of connection slots, a name that does not resolve yet, a standby
      // in a failover: the daemon starts and buffers, as it does when this happens later.
      this.#failures = 1;
      if (isUnreachable(error)) this.#markUnreachable(error);
      this.#log.error(
        { err: error, db: this.#where, buffered: this.#buffer.count },
        'PostgreSQL unreachable; results are buffered on disk until it is back',
      );
      this.#schedule(this.#retryDelay());
      return;
    }
    // Results buffered by an earlier run of the daemon.
    if (this.#buffer.count > 0) this.#schedule(0);
  }

  /**
   * Rejected results the operator put back for another try (`postgres-retry.jsonl` beside
   * the rejected-results file, docs/operations.md) go into the disk buffer, and from there
   * to PostgreSQL like any buffered result; the ones it still refuses are set aside again.
   * The file is removed once the buffer holds them: a crash in between takes them twice,
   * which the store's unique run ids make harmless. A file that cannot be read is left as
   * it is and the start goes on.
   */
  #takeRetry(): void {
    if (this.#rejected === undefined) return;
    const file = path.join(path.dirname(this.#rejected.path), RETRY_FILE);
    if (!existsSync(file)) return;
    try {
      const results = readRejected(file);
      const dropped = this.#buffer.append(results);
      this.#dropped += dropped;
      rmSync(file);
      this.#log.info(
        { file, results: results.length, dropped, buffer: this.#buffer.path },
        'rejected results put back for another try; written with the disk buffer',
      );
    } catch (error) {
      this.#log.error({ err: error, file }, 'cannot take the results put back for another try');
    }
  }

  /**
   * What to do about a refusal whose message does not say it. A missing privilege is the one
   * a first start meets most: since PostgreSQL 15 a login may create tables in schema public
   * only when it owns the database, and "GRANT ALL ON DATABASE" does not give that.
   */
  #hint(error: unknown): string {
    if ((error as { code?: unknown } | undefined)?.code !== '42501') return '';
    const schema = /for schema (\S+)/.exec(describe(error))?.[1] ?? 'public';
    const login = this.#login ?? '<login>';
    return (
      `; ozgwatch creates its tables itself: make "${login}" the owner of the schema ` +
      `(ALTER SCHEMA ${schema} OWNER TO ${login}) or GRANT CREATE ON SCHEMA ${schema} TO ${login}`
    );
  }

  save(result: Result): void {
    if (this.#closed) throw new Error(`store ${this.#where} is closed`);
    if (this.#queue.length >= this.#maxPending) this.#dropOldest();
    this.#queue.push(result);
    if (this.#failures > 0) {
      // Unreachable: the buffer takes results at the batch interval, the retry timer decides
      // when PostgreSQL is tried again.
      this.#scheduleBuffering();
      return;
    }
    this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#flushIntervalMs);
  }

  async flush(): Promise<void> {
    await this.#writing;
    await this.#write();
  }

  async runs(query: RunQuery): Promise<RunSummary[]> {
    return this.#read(async () => {
      const limit = Math.max(0, Math.trunc(query.limit ?? 100));
      const { rows } = await this.#pool.query<SummaryRow>(PG_SQL.selectRuns, [
        query.probeId,
        query.from ?? Number.MIN_SAFE_INTEGER,
        query.to ?? Number.MAX_SAFE_INTEGER,
        limit,
      ]);
      return rows.map(runSummary);
    });
  }

  async run(runId: string): Promise<Result | undefined> {
    return this.#read(async () => {
      const { rows } = await this.#pool.query<{ result: string }>(PG_SQL.selectRun, [runId]);
      return rows[0] ? (JSON.parse(rows[0].result) as Result) : undefined;
    });
  }

  async latest(probeIds?: readonly string[]): Promise<Map<string, Result>> {
    return this.#read(async () => {
      const { rows } = probeIds
        ? await this.#pool.query<{ result: string }>(PG_SQL.selectLatestSome, [[...probeIds]])
        : await this.#pool.query<{ result: string }>(PG_SQL.selectLatestAll);
      const latest = new Map<string, Result>();
      for (const row of rows) {
        const result = JSON.parse(row.result) as Result;
        latest.set(result.probeId, result);
      }
      return latest;
    });
  }

  async findings(probeId: string): Promise<FindingRecord[]> {
    return this.#read(async () => {
      const { rows } = await this.#pool.query<FindingRow>(PG_SQL.selectFindings, [probeId]);
      return rows.map(findingRecord);
    });
  }

  async findingHistory(probeIds: readonly string[], before: number): Promise<FindingHistory[]> {
    return this.#read(async () => {
      if (probeIds.length === 0) return [];
      const { rows } = await this.#pool.query<
        FindingRow & { events: [number, FindingHistory['events'][0]['type']][] }
      >(PG_SQL.selectFindingHistory, [[...probeIds], before]);
      return rows.map((row) => ({
        ...findingRecord(row),
        events: row.events.map(([at, type]) => ({ at, type })),
      }));
    });
  }

  async mediaBreakEvents(query: MediaBreakEventQuery): Promise<MediaBreakEvent[]> {
    return this.#read(async () => {
      const { rows } = await this.#pool.query<MediaEventRow>(PG_SQL.selectMediaEvents, [
        query.probeId ?? null,
        query.from ?? 0,
        query.to ?? Number.MAX_SAFE_INTEGER,
        query.limit,
      ]);
      return rows.map(mediaBreakEvent);
    });
  }

  async registerProbes(
    probes: readonly Omit<ProbeRecord, 'loadedAt'>[],
    at: number,
  ): Promise<void> {
    this.#checkOpen();
    try {
      await this.#upsertProbes(probes, at);
      this.#pendingCatalogue = undefined;
    } catch (error) {
      // Written with the buffered results once PostgreSQL is back: reports name probes by it.
      if (isTransient(error)) this.#pendingCatalogue = { probes, at };
      throw error;
    }
  }

  async #upsertProbes(probes: readonly Omit<ProbeRecord, 'loadedAt'>[], at: number): Promise<void> {
    await this.#ensureSchema();
    // Sorted: instances registering the same probes lock their rows in one order, so two
    // reloads at once cannot deadlock.
    const sorted = [...probes].sort((a, b) => (a.probeId < b.probeId ? -1 : 1));
    const col = <T>(pick: (p: Omit<ProbeRecord, 'loadedAt'>) => T) => sorted.map(pick);
    await this.#pool.query(PG_SQL.upsertProbes, [
      col((p) => text(p.probeId)),
      col((p) => text(p.name)),
      col((p) => p.kind),
      col((p) => text(p.service)),
      col((p) => text(p.county)),
      col((p) => (p.ags === undefined ? null : text(p.ags))),
      col((p) => (p.leika === undefined ? null : text(p.leika))),
      col((p) => (p.url === undefined ? null : text(p.url))),
      col((p) => (p.owner === undefined ? null : text(p.owner))),
      col((p) => (p.adminLevel === undefined ? null : text(p.adminLevel))),
      at,
    ]);
  }

  async probeCatalogue(): Promise<ProbeRecord[]> {
    return this.#read(async () => {
      const { rows } = await this.#pool.query<ProbeRow>(PG_SQL.selectProbes);
      return rows.map(probeRecord);
    }, false);
  }

  async availability(query: AvailabilityQuery): Promise<AvailabilityRow[]> {
    return this.#read(async () => {
      if (query.probeIds.length === 0) return [];
      const bucketMs = Math.max(1, Math.trunc(query.bucketMs ?? query.to - query.from));
      const { rows } = await this.#pool.query<{
        probe_id: string;
        bucket: number;
        runs: number;
        ok: number;
        errors: number;
        maintenance: number;
      }>(PG_SQL.selectAvailability, [[...query.probeIds], query.from, query.to, bucketMs]);
      return rows.map((r) => ({
        probeId: r.probe_id,
        bucket: r.bucket,
        runs: r.runs,
        ok: r.ok,
        errors: r.errors,
        maintenance: r.maintenance,
      }));
    });
  }

  async lastResult(probeId: string, before: number, since = 0): Promise<Result | undefined> {
    return this.#read(async () => {
      const { rows } = await this.#pool.query<{ result: string }>(PG_SQL.selectLastResult, [
        probeId,
        since,
        before,
      ]);
      return rows[0] ? (JSON.parse(rows[0].result) as Result) : undefined;
    });
  }

  /**
   * Deletes per probe in chunks, each a statement of its own (see {@link PG_SQL.deleteRuns}):
   * between them the pool's connections serve writes and reads. Instances sharing the
   * database take turns: one that finds another deleting leaves the rest of this round to it.
   */
  async prune(before: number): Promise<number> {
    await this.#beforeRead();
    let deleted = 0;
    const { rows } = await this.#pool.query<{ probe_id: string }>(PG_SQL.selectLatestIds);
    for (const { probe_id: id } of rows) {
      for (;;) {
        const { rows: chunk } = await this.#pool.query<{ locked: boolean; deleted: number }>(
          PG_SQL.deleteRuns,
          [id, before, PRUNE_CHUNK, PRUNE_LOCK],
        );
        const { locked, deleted: n } = chunk[0] ?? { locked: false, deleted: 0 };
        if (!locked) return deleted;
        deleted += n;
        if (n < PRUNE_CHUNK || this.#closed) break;
      }
      if (this.#closed) return deleted;
    }
    await this.#pool.query(PG_SQL.deleteLatest, [before, PRUNE_LOCK]);
    return deleted;
  }

  pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  dropped(): number {
    return this.#dropped;
  }

  buffered(): { results: number; bytes: number; limitBytes: number } {
    return {
      results: this.#buffer.count,
      bytes: this.#buffer.bytes,
      limitBytes: this.#buffer.maxBytes,
    };
  }

  /**
   * Open, no result is being lost (written to PostgreSQL or safe in the buffer), and
   * PostgreSQL does not refuse ozgwatch's writes. An unreachable PostgreSQL keeps it
   * healthy: that passes (a restart, a failover) and the buffer exists for it. A refusal
   * (a password changed, pg_hba, a privilege taken) lasts until someone acts; not ready
   * then stops a rollout that brings a wrong `store.url` at its first pod, and shows in
   * the pod's state. Kubernetes takes the pod out of its Service's endpoints but still has
   * Prometheus scrape it (docs/operations.md#health-and-readiness).
   */
  healthy(): boolean {
    if (this.#closed || this.#writeRefused) return false;
    return !(this.#failures > 0 && this.#bufferFailures > 0);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    clearInterval(this.#outageProbe);
    try {
      await this.#writing;
      // One last attempt at PostgreSQL; what it does not take stays in the buffer for the
      // next start.
      if (this.#failures === 0) await this.#write();
      if (this.#queue.length > 0) this.#bufferQueue();
    } finally {
      this.#clearTimer();
      if (this.#buffer.count > 0) {
        this.#log.warn(
          { buffered: this.#buffer.count, buffer: this.#buffer.path },
          'store closed with results in the disk buffer; they are written at the next start',
        );
      }
      this.#buffer.close();
      await this.#pool.end();
    }
  }

  /**
   * A pooled connection for several statements. A connection that breaks while checked
   * out but between statements (PostgreSQL stopping) emits `error` with nobody waiting on
   * a query; unhandled, that would end the process. The next statement fails instead, and
   * the write goes to the buffer.
   */
  async #checkout(): Promise<pg.PoolClient> {
    const client = await this.#pool.connect();
    const onError = (error: Error): void => {
      this.#log.warn({ err: error, db: this.#where }, 'PostgreSQL connection lost');
    };
    client.on('error', onError);
    const release = client.release.bind(client);
    client.release = (destroy?: boolean | Error) => {
      client.off('error', onError);
      release(destroy);
    };
    return client;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`store ${this.#where} is closed`);
  }

  /**
   * One read, after {@link #beforeRead} (`catchUp`) or only once the schema is there. A
   * database that cannot be reached is named as such: the server answers 503, not 500.
   */
  async #read<T>(query: () => Promise<T>, catchUp = true): Promise<T> {
    this.#checkOpen();
    if (this.#outage) throw this.#outage;
    try {
      if (catchUp) await this.#beforeRead();
      else await this.#ensureSchema();
      const value = await query();
      this.#markReachable();
      return value;
    } catch (error) {
      if (this.#closed || !isTransient(error)) throw error;
      if (isUnreachable(error)) throw this.#markUnreachable(error);
      // Reachable but not usable now (read-only, out of resources): this read fails; the
      // next one tries again.
      throw unavailable(`PostgreSQL at ${this.#where} is unavailable`, error);
    }
  }

  /** The error reads answer with while PostgreSQL is unreachable (see #outage). */
  outage(): StoreUnavailableError | undefined {
    return this.#outage;
  }

  #markUnreachable(error: unknown): StoreUnavailableError {
    this.#outage = unavailable(`PostgreSQL at ${this.#where} is unreachable`, error);
    this.#refused = false;
    if (!this.#outageProbe && !this.#closed) {
      this.#outageProbe = setInterval(() => void this.#probeOutage(), this.#outageProbeMs);
      this.#outageProbe.unref();
    }
    return this.#outage;
  }

  /**
   * PostgreSQL answers but refuses what no wait fixes (a login, a database, a schema, a
   * permission): reads answer with that, not with an earlier refused connection, and the
   * probe goes on, so that a fix (a new password for the role) is found without a restart.
   */
  #markRefused(error: unknown): StoreUnavailableError {
    this.#outage = unavailable(`PostgreSQL at ${this.#where} refuses ozgwatch`, error);
    this.#refused = true;
    if (!this.#outageProbe && !this.#closed) {
      this.#outageProbe = setInterval(() => void this.#probeOutage(), this.#outageProbeMs);
      this.#outageProbe.unref();
    }
    return this.#outage;
  }

  #markReachable(): void {
    this.#outage = undefined;
    this.#refused = false;
    clearInterval(this.#outageProbe);
    this.#outageProbe = undefined;
  }

  /** One try at PostgreSQL during an outage; a probe still waiting is not doubled. */
  async #probeOutage(): Promise<void> {
    if (this.#probing || this.#closed) return;
    // A refusal is tried only as often as the write retry (at most maxRetryDelayMs apart):
    // every try is a failed login in PostgreSQL's log, and a directory behind its
    // authentication may count them towards locking the account.
    const now = performance.now();
    if (this.#refused && now - this.#lastProbe < this.#maxRetryDelayMs) return;
    this.#lastProbe = now;
    this.#probing = true;
    try {
      await this.#pool.query('SELECT 1');
      this.#markReachable();
      // Back: the buffered results need not wait for the write retry's longer pause.
      if (this.#failures > 0 && !this.#closed) {
        this.#clearTimer();
        this.#schedule(0);
      }
    } catch (error) {
      if (isUnreachable(error)) this.#markUnreachable(error);
      else if (!isTransient(error)) this.#markRefused(error);
    } finally {
      this.#probing = false;
    }
  }

  /** Reads see everything saved before them, unless PostgreSQL is unreachable. */
  async #beforeRead(): Promise<void> {
    this.#checkOpen();
    await this.#ensureSchema();
    if (this.#failures === 0 && this.pending() > 0) {
      await this.#writing;
      await this.#write().catch(() => undefined);
    }
  }

  /**
   * Creates or migrates the schema once per store. Instances starting together take
   * an advisory lock, so one of them migrates and the others see the result.
   */
  async #ensureSchema(): Promise<void> {
    if (this.#schemaReady) return;
    const client = await this.#checkout();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ozgwatch_schema (
           version INTEGER NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM ozgwatch_schema',
      );
      const from = rows[0]?.v ?? 0;
      if (from > SCHEMA_VERSION) {
        throw new Error(
          `database has schema version ${from}, this ozgwatch supports up to ${SCHEMA_VERSION}; upgrade ozgwatch`,
        );
      }
      if (from === 0) {
        const { rows: tables } = await client.query<{ n: number }>(
          `SELECT count(*) AS n FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_name <> 'ozgwatch_schema'`,
        );
        if ((tables[0]?.n ?? 0) > 0) {
          throw new Error(
            'the database has other tables and no ozgwatch schema; give ozgwatch a database (or schema) of its own',
          );
        }
      }
      // DDL is transactional in PostgreSQL: all steps and their version land together.
      for (let v = from; v < SCHEMA_VERSION; v++) {
        await client.query((MIGRATIONS[v] as { postgres: string }).postgres);
        await client.query('INSERT INTO ozgwatch_schema (version) VALUES ($1)', [v + 1]);
      }
      await client.query('COMMIT');
      if (from < SCHEMA_VERSION) {
        this.#log.info(
          {
            db: this.#where,
            from,
            to: SCHEMA_VERSION,
            steps: MIGRATIONS.slice(from).map((m) => m.description),
          },
          'store schema migrated',
        );
      }
      this.#schemaReady = true;
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      releaseAfter(client, error);
      throw error;
    }
  }

  /**
   * Writes the buffer (oldest first), then the queue. Single-flight: a call while a
   * write runs waits for it and then writes what came meanwhile.
   */
  #write(retry = false): Promise<void> {
    if (this.#writing) return this.#writing.then(() => this.#write(retry));
    // A retry while PostgreSQL is failing goes on with nothing to write: results that come
    // later go to the disk buffer and arm no retry of their own, so this one is what finds
    // PostgreSQL back (a promoted standby) or answering with something else to say.
    const retrying = retry && this.#failures > 0;
    if (this.#queue.length === 0 && this.#buffer.count === 0 && !retrying) {
      return Promise.resolve();
    }
    const writing = this.#writeAll().finally(() => {
      this.#writing = undefined;
    });
    this.#writing = writing;
    return writing;
  }

  async #writeAll(): Promise<void> {
    try {
      await this.#ensureSchema();
      if (this.#pendingCatalogue) {
        await this.#upsertProbes(this.#pendingCatalogue.probes, this.#pendingCatalogue.at);
        this.#pendingCatalogue = undefined;
      }
      while (this.#buffer.count > 0) {
        const batch = this.#buffer.oldest(this.#batchSize);
        await this.#commit(batch.map((b) => b.result));
        this.#buffer.removeUpTo((batch.at(-1) as { seq: number }).seq);
      }
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#batchSize);
        this.#inFlight = batch.length;
        try {
          await this.#commit(batch);
        } catch (error) {
          // Not lost: back to the front of the queue, which goes to the buffer below.
          this.#queue.unshift(...batch);
          throw error;
        } finally {
          this.#inFlight = 0;
        }
      }
    } catch (error) {
      this.#writeFailed(error);
      return;
    }
    this.#writeSucceeded();
  }

  /**
   * Commits a batch in one transaction. A result PostgreSQL rejects for its content
   * (class 22 data or 23 constraint errors) would fail every retry of its batch, so the
   * batch is then written one result at a time and the rejected one set aside
   * ({@link #reject}).
   */
  async #commit(results: readonly Result[]): Promise<void> {
    try {
      await this.#transaction(results);
    } catch (error) {
      if (!isRowError(error) || results.length === 1) {
        if (isRowError(error)) this.#reject(results[0] as Result, error);
        else throw error;
        return;
      }
      for (const result of results) {
        try {
          await this.#transaction([result]);
        } catch (single) {
          if (!isRowError(single)) throw single;
          this.#reject(result, single);
        }
      }
    }
  }

  /**
   * A result PostgreSQL refuses is missing from the store, so counted in {@link dropped}
   * (the alert on it pages: reports lack it until it is written again), and kept in the
   * rejected-results file, where the operator finds it with the reason.
   */
  #reject(result: Result, error: unknown): void {
    this.#dropped++;
    const fields = { err: error, run: result.runId, probe: result.probeId };
    if (this.#rejected === undefined) {
      this.#log.error(fields, 'result rejected by the store; dropped');
      return;
    }
    try {
      this.#rejected.keep(result, error);
      this.#log.error(
        { ...fields, file: this.#rejected.path },
        'result rejected by the store; kept in the rejected-results file',
      );
    } catch (keepError) {
      this.#log.error(
        { ...fields, file: this.#rejected.path, fileError: describe(keepError) },
        'result rejected by the store; dropped, the rejected-results file cannot take it',
      );
    }
  }

  async #transaction(results: readonly Result[]): Promise<void> {
    const rows = results.map((r) => ({ r, json: JSON.stringify(r) }));
    const client = await this.#checkout();
    try {
      await client.query('BEGIN');
      const { rows: inserted } = await client.query<{ run_id: string }>(PG_SQL.insertRuns, [
        rows.map((x) => text(x.r.runId)),
        rows.map((x) => text(x.r.probeId)),
        rows.map((x) => text(x.r.kind)),
        rows.map((x) => x.r.startedAt),
        rows.map((x) => x.r.duration),
        rows.map((x) => x.r.status),
        rows.map((x) => x.r.reportedStatus),
        rows.map((x) => (x.r.reason === undefined ? null : text(x.r.reason))),
        rows.map((x) => text(x.r.message)),
        rows.map((x) => (x.r.maintenance ? 1 : 0)),
        rows.map((x) => x.json),
      ]);
      // A run id already stored (a repeated save, a buffer replayed after a crash) changes nothing.
      const fresh = new Set(inserted.map((i) => i.run_id));
      const added = results.filter((r) => fresh.has(text(r.runId)));
      // One row per probe: the newest, and of equal start times the one saved last.
      const newest = new Map<string, Result>();
      for (const r of added) {
        const seen = newest.get(r.probeId);
        if (seen === undefined || r.startedAt >= seen.startedAt) newest.set(r.probeId, r);
      }
      if (newest.size > 0) {
        const latest = [...newest.values()].sort((a, b) => (a.probeId < b.probeId ? -1 : 1));
        await client.query(PG_SQL.upsertLatest, [
          latest.map((r) => text(r.probeId)),
          latest.map((r) => text(r.runId)),
          latest.map((r) => r.startedAt),
        ]);
      }
      for (const r of added) {
        if (r.a11y) await trackFindings(client, r, r.a11y);
        if (r.mediaBreaks && !r.maintenance) await trackMediaBreaks(client, r, r.mediaBreaks);
      }
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      releaseAfter(client, error);
      throw error;
    }
  }

  #writeSucceeded(): void {
    this.#markReachable();
    this.#writeRefused = false;
    this.#lastCause = undefined;
    if (this.#failures > 0) {
      this.#log.info(
        { attempts: this.#failures + 1 },
        'PostgreSQL reachable again; buffer written',
      );
      this.#failures = 0;
      // Counted per outage: the next one logs its first failing buffer write again.
      this.#bufferFailures = 0;
    }
    if (this.#queue.length > 0 && !this.#closed) {
      this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#flushIntervalMs);
    }
  }

  #writeFailed(error: unknown): void {
    this.#failures++;
    if (isUnreachable(error)) this.#markUnreachable(error);
    else if (!isTransient(error)) this.#markRefused(error);
    this.#writeRefused = !isTransient(error);
    this.#bufferQueue();
    const delay = this.#retryDelay();
    // A new cause is news (PostgreSQL came up and refuses the login): logged at once.
    const cause = failureCause(error);
    const changed = cause !== this.#lastCause;
    this.#lastCause = cause;
    if (this.#failures === 1 || this.#failures % 10 === 0 || changed) {
      this.#log.error(
        {
          err: error,
          db: this.#where,
          attempts: this.#failures,
          buffered: this.#buffer.count,
          retryInMs: delay,
        },
        isTransient(error)
          ? 'store write failed; results are buffered on disk'
          : 'PostgreSQL refuses ozgwatch; results are buffered on disk until store.url (DATABASE_URL) or the database is fixed',
      );
    }
    if (this.#closed) return;
    this.#clearTimer();
    this.#schedule(delay);
  }

  #retryDelay(): number {
    return Math.min(this.#maxRetryDelayMs, this.#flushIntervalMs * 2 ** this.#failures);
  }

  /** Moves the queue to the disk buffer; on a disk error the queue keeps it. */
  #bufferQueue(): void {
    if (this.#queue.length === 0) return;
    const results = this.#queue;
    const unfit = new Set<Result>();
    try {
      // A result JSON cannot hold would fail its batch on PostgreSQL as well: set aside now.
      const dropped = this.#buffer.append(results, (result, error) => {
        unfit.add(result);
        this.#reject(result, error);
      });
      this.#queue = [];
      if (this.#bufferFailures > 0) {
        this.#log.info(
          { attempts: this.#bufferFailures + 1, buffer: this.#buffer.path },
          'disk buffer writable again',
        );
        this.#bufferFailures = 0;
      }
      if (dropped > 0) {
        this.#dropped += dropped;
        this.#log.error(
          { dropped, buffer: this.#buffer.path, buffered: this.#buffer.count },
          'write buffer full; oldest buffered results dropped',
        );
      }
    } catch (error) {
      // Tried at every batch interval: logged at the first failure and every 100th.
      if (this.#bufferFailures++ % 100 === 0) {
        this.#log.error(
          {
            err: error,
            buffer: this.#buffer.path,
            pending: results.length,
            maxPending: this.#maxPending,
          },
          'cannot write the disk buffer; results stay in memory',
        );
      }
      // Set aside already: not again at the next try.
      if (unfit.size > 0) this.#queue = this.#queue.filter((r) => !unfit.has(r));
      // A failed write puts its batch back: the bound holds after it too.
      while (this.#queue.length > this.#maxPending) this.#dropOldest();
    }
  }

  /** Makes room for a new result in a full queue: the newest say what services do now. */
  #dropOldest(): void {
    const dropped = this.#queue.shift();
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

  #scheduleBuffering(): void {
    if (this.#bufferTimer !== undefined) return;
    this.#bufferTimer = setTimeout(() => {
      this.#bufferTimer = undefined;
      if (this.#failures > 0) this.#bufferQueue();
    }, this.#flushIntervalMs);
    this.#bufferTimer.unref();
  }

  /** Arms the writer to run within `ms`; an earlier existing timer is kept. */
  #schedule(ms: number): void {
    const due = performance.now() + ms;
    if (this.#timer !== undefined) {
      if (this.#timerDue <= due) return;
      clearTimeout(this.#timer);
    }
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDue = Infinity;
      void this.#write(true);
    }, ms);
    // Nothing pending should keep a finished process alive; close() writes the rest.
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
    if (this.#bufferTimer !== undefined) clearTimeout(this.#bufferTimer);
    this.#bufferTimer = undefined;
  }
}

/**
 * Findings seen now are opened (or reopened); open findings on pages this run scanned
 * but did not see are fixed. Pages that could not be scanned change nothing.
 */
async function trackFindings(client: pg.PoolClient, r: Result, report: A11yReport): Promise<void> {
  const scanned: string[] = [];
  // One row per occurrence: an upsert may not touch the same row twice.
  const nodes = new Map<string, [string, string, string, string, string]>();
  for (const page of report.pages) {
    if (page.error !== undefined) continue;
    const key = pageKey(page.url);
    scanned.push(text(key));
    for (const v of page.violations) {
      for (const n of v.nodes) {
        nodes.set(text(n.occurrence), [
          text(n.pattern),
          text(v.ruleId),
          text(v.impact),
          text(key),
          text(n.ancestry.join(' | ')),
        ]);
      }
    }
  }
  if (nodes.size > 0) {
    const entries = [...nodes].sort(([a], [b]) => (a < b ? -1 : 1));
    await client.query(PG_SQL.upsertFindings, [
      text(r.probeId),
      r.startedAt,
      entries.map(([o]) => o),
      ...[0, 1, 2, 3, 4].map((i) => entries.map(([, cols]) => cols[i])),
    ]);
  }
  if (scanned.length > 0) {
    await client.query(PG_SQL.fixMissing, [r.startedAt, text(r.probeId), scanned]);
  }
}

/**
 * Compares the breaks and level of this run with the probe's last known ones and records
 * each difference as an event. A run older than the known state changes nothing; the
 * first run of a probe sets the baseline.
 */
async function trackMediaBreaks(
  client: pg.PoolClient,
  r: Result,
  report: MediaBreakReport,
): Promise<void> {
  const probeId = text(r.probeId);
  const kinds = report.breaks.map((b) => b.kind).sort();
  const level = report.maturity.level;
  const { rows } = await client.query<{ kinds: string; level: number; at: number }>(
    PG_SQL.selectMediaState,
    [probeId],
  );
  const before = rows[0];
  if (before && before.at > r.startedAt) return;
  await client.query(PG_SQL.upsertMediaState, [probeId, JSON.stringify(kinds), level, r.startedAt]);
  if (!before) return;
  const old = new Set(JSON.parse(before.kinds) as string[]);
  const event = (
    type: MediaBreakEvent['type'],
    kind: string | null,
    from: number | null,
    to: number | null,
    evidence: string | null,
  ) =>
    client.query(PG_SQL.insertMediaEvent, [
      probeId,
      text(r.runId),
      r.startedAt,
      type,
      kind === null ? null : text(kind),
      from,
      to,
      evidence,
    ]);
  for (const b of report.breaks) {
    if (!old.has(b.kind)) await event('appeared', b.kind, null, null, JSON.stringify(b.evidence));
  }
  for (const kind of old) {
    if (!(kinds as string[]).includes(kind)) await event('disappeared', kind, null, null, null);
  }
  if (before.level !== level) await event('level', null, before.level, level, null);
}

/** A column's text: see {@link columnText} (NUL and lone surrogates as U+FFFD). */
const text = columnText;

/** Content errors: SQLSTATE class 22 (data exception) and 23 (integrity constraint). */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^2[23]/.test(code)) return true;
  // JSON.stringify of a cyclic result: the row's fault.
  return error instanceof TypeError;
}

/**
 * Errors that say PostgreSQL cannot be talked to now: no connection (refused, reset, timed
 * out; a host name that does not resolve, as a Kubernetes service's while its pod is away),
 * no connection slot free (53300), a connection lost, a server shutting down or starting
 * (SQLSTATE classes 08 and 57P, 57P03 "cannot connect now" in recovery). Reads answer at
 * once while this lasts, and PostgreSQL is tried every few seconds.
 */
export function isUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^(08|57P)/.test(code) || code === '53300') return true;
    if (
      /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|ENOTFOUND|EAI_AGAIN|EAI_FAIL|EPIPE)$/.test(
        code,
      )
    )
      return true;
  }
  return (
    typeof message === 'string' &&
    /timeout|terminat|Connection ended|connection closed|not queryable/i.test(message)
  );
}

/**
 * Errors that waiting can fix: {@link isUnreachable}, a server that is read-only (25006: a
 * standby, as during a failover) or short of resources (class 53: disk full, out of memory,
 * too many connections). Results are buffered and written when it is over; at start the
 * store opens all the same. Not: a refused login (28000, 28P01), a missing database (3D000),
 * a schema newer than this build — what no retry fixes.
 */
export function isTransient(error: unknown): boolean {
  if (isUnreachable(error)) return true;
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && (code === '25006' || /^53/.test(code));
}

/**
 * Gives a checked-out connection back; one that failed for a transient reason is closed, so
 * that the next attempt connects afresh — to the new primary after a failover, rather than
 * on a session that stays read-only.
 */
function releaseAfter(client: pg.PoolClient, error: unknown): void {
  client.release(isTransient(error));
}

/** What a failure is about, to tell one outage's repeated failures from a new cause. */
function failureCause(error: unknown): string {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' ? code : describe(error);
}

/** An error's message, or its code when it has none (Node's AggregateError of a refused `localhost`). */
function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(error);
}

/**
 * The SQLSTATE or system error code (`53300`, `ENOTFOUND`) of `cause` on `error`, which
 * carries its message already. Not as `cause`: the logger writes a cause's message after the
 * error's own, so that every log line would say it twice.
 */
function withCode<E extends Error>(error: E, cause: unknown): E & { code?: string } {
  const { code } = (cause ?? {}) as { code?: unknown };
  return typeof code === 'string' ? Object.assign(error, { code }) : error;
}

/** What reads answer while PostgreSQL cannot serve them: `what` and the cause, its code. */
function unavailable(what: string, cause: unknown): StoreUnavailableError {
  return withCode(new StoreUnavailableError(`${what}: ${describe(cause)}`), cause);
}

/** The user name of a connection URL; undefined when it names none (then libpq's default). */
function loginOf(url: string): string | undefined {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user === '' ? undefined : user;
  } catch {
    return undefined;
  }
}

/** host:port/database of a connection URL, for messages: never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'postgres (invalid URL)';
  }
}
