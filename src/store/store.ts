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
  /** Whether the store is open and writable; for `/readyz`. */
  healthy(): boolean;
  /** Flushes and closes. Idempotent. */
  close(): Promise<void>;
}
