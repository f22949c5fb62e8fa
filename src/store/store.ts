import type { Result, RunStatus } from '../results/result.ts';

/** A stored run, as the API and pages list it. */
export interface RunSummary {
  runId: string;
  probeId: string;
  kind: string;
  startedAt: number;
  duration: number;
  status: RunStatus;
  reportedStatus: RunStatus;
  reason: string | null;
  message: string;
  maintenance: boolean;
}

/** One accessibility finding (an occurrence fingerprint) of a probe, over its history. */
export interface FindingRecord {
  probeId: string;
  occurrence: string;
  pattern: string;
  ruleId: string;
  impact: string;
  page: string;
  selector: string;
  /** Epoch ms of the runs that first and last saw it. */
  firstSeen: number;
  lastSeen: number;
  state: 'open' | 'fixed';
  /** When a scan of its page last found it gone. */
  fixedAt: number | null;
  /** How often it came back after being fixed. */
  reopened: number;
}

/** A change of a service's media breaks or maturity level between two checks. */
export interface MediaBreakEvent {
  probeId: string;
  runId: string;
  /** Epoch ms of the run that saw the change. */
  at: number;
  type: 'appeared' | 'disappeared' | 'level';
  /** The break, for `appeared` and `disappeared`. */
  kind?: string;
  /** For `level`: from and to. */
  levelFrom?: number;
  levelTo?: number;
  /** For `appeared`: where the break was seen. */
  evidence?: { text: string; url: string; selector: string };
}

export interface MediaBreakEventQuery {
  probeId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
}

/** A probe as it was last loaded: what reports of past periods name and group it by. */
export interface ProbeRecord {
  probeId: string;
  name: string;
  kind: string;
  service: string;
  county: string;
  ags?: string;
  leika?: string;
  url?: string;
  /** Team or person responsible (the probe's `owner`). */
  owner?: string;
  /** Level of administration (`bund`, `land`, `kreis`, `gemeinde`). */
  adminLevel?: string;
  /** Epoch ms of the last load that contained it. */
  loadedAt: number;
}

/** Runs of one probe in one time bucket, for availability. */
export interface AvailabilityRow {
  probeId: string;
  /** Index of the bucket counted from the query's `from`. */
  bucket: number;
  /** Runs outside maintenance windows. */
  runs: number;
  /** Of those, `pass` or `degraded`. */
  ok: number;
  /** Of those, `error`: ozgwatch could not check, which says nothing about the service. */
  errors: number;
  /** Runs inside maintenance windows (not in `runs`). */
  maintenance: number;
}

export interface AvailabilityQuery {
  probeIds: readonly string[];
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Width of a bucket in ms; one bucket for the whole range when absent. */
  bucketMs?: number;
}

/** A finding with every change of its state up to a moment. */
export interface FindingHistory extends FindingRecord {
  /** Oldest first. */
  events: { at: number; type: 'new' | 'fixed' | 'reopened' }[];
}

export interface RunQuery {
  probeId: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Newest first; at most this many. @default 100 */
  limit?: number;
}

/**
 * History of results. Writes are queued and committed in batches, so `save` never
 * blocks a run; `flush` and `close` commit everything queued, so nothing acknowledged is lost.
 */
export interface Store {
  /** Queues a result for writing. Throws only after `close`. */
  save(result: Result): void;
  /** Commits everything queued. */
  flush(): Promise<void>;
  /** Last runs of a probe, newest first. */
  runs(query: RunQuery): Promise<RunSummary[]>;
  /** One whole result by run id. */
  run(runId: string): Promise<Result | undefined>;
  /** Accessibility findings of a probe: new, still open, fixed, reopened. */
  findings(probeId: string): Promise<FindingRecord[]>;
  /**
   * Changes of media breaks and maturity level, newest first. The first check of a probe
   * sets its baseline and is no event.
   */
  mediaBreakEvents(query: MediaBreakEventQuery): Promise<MediaBreakEvent[]>;
  /**
   * History of the findings of these probes up to `before` (epoch ms, exclusive): the
   * findings first seen before it, with their events before it.
   */
  findingHistory(probeIds: readonly string[], before: number): Promise<FindingHistory[]>;
  /** Records the probes of a loaded configuration; probes no longer loaded keep their row. */
  registerProbes(probes: readonly Omit<ProbeRecord, 'loadedAt'>[], at: number): Promise<void>;
  /** Every probe ever registered. */
  probeCatalogue(): Promise<ProbeRecord[]>;
  /** Run counts per probe and bucket; maintenance runs are counted apart. */
  availability(query: AvailabilityQuery): Promise<AvailabilityRow[]>;
  /**
   * The newest result of a probe in `[since, before)` that says something about the target:
   * not `error`, not in a maintenance window.
   */
  lastResult(probeId: string, before: number, since?: number): Promise<Result | undefined>;
  /** Latest result per probe id. */
  latest(probeIds?: readonly string[]): Promise<Map<string, Result>>;
  /** Deletes runs that started before `before` (epoch ms); returns how many. */
  prune(before: number): Promise<number>;
  /** Results queued and not yet committed; exported as a metric. */
  pending(): number;
  /**
   * Results given up on since opening (queue bound exceeded while writes failed, or
   * rejected as malformed); exported as `ozgwatch_store_dropped_writes_total`.
   */
  dropped(): number;
  /**
   * Whether the store is open and writes: for `/readyz`. False while results wait in memory
   * because nothing takes them (SQLite cannot write; PostgreSQL unreachable and its disk
   * buffer failing), and while PostgreSQL refuses ozgwatch's writes (a login, a privilege);
   * true while PostgreSQL is only unreachable, its results safe in the disk buffer.
   */
  healthy(): boolean;
  /**
   * While the store's database is known to be unreachable (PostgreSQL), the error every
   * read answers with at once; undefined while it is reachable, and always for SQLite.
   */
  outage(): StoreUnavailableError | undefined;
  /** Flushes and closes. Idempotent. */
  close(): Promise<void>;
}

/**
 * A read the store could not answer because its database cannot be reached right now
 * (PostgreSQL down or restarting). Runs go on meanwhile and their results are buffered;
 * the server answers 503 with this message instead of a bare "internal error".
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  /**
   * What PostgreSQL or the network answered, when it said: a SQLSTATE (`53300` too many
   * connections, `57P03` starting up) or a system error code (`ECONNREFUSED`, `ENOTFOUND`).
   * Its message is part of this error's own.
   */
  declare readonly code?: string;
}
