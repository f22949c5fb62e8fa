import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ProxySettings } from '../net/proxy.ts';
import type { Outcome } from '../results/result.ts';
import type { RunArtifacts } from '../runner/artifacts.ts';
import type { BrowserHost } from '../runner/browser-host.ts';
import type { HostLimiter } from '../runner/host-limiter.ts';

/** Everything a checker may use. It never sees the store, metrics, scheduler or server. */
export interface CheckContext {
  /** Aborts at the run's deadline or at shutdown; pass it into every I/O call. */
  signal: AbortSignal;
  /**
   * `performance.now()` at which the deadline aborts `signal`, when the runner knows it: a
   * checker that keeps evidence of a failure stops waiting early enough to keep it.
   */
  deadlineAt?: number;
  /** Bound to the probe id and run id. */
  logger: Logger;
  /** Identifiable User-Agent with a contact URL. */
  userAgent: string;
  /** Per-host concurrency limit shared by all runs of the daemon. */
  hosts: HostLimiter;
  /** The outbound proxy for requests to the target; absent = everything direct. */
  proxy?: ProxySettings;
  /** Epoch milliseconds; injectable for tests. */
  now: () => number;
  /** The daemon's browser, for kinds that lease a context; absent where no browser is set up. */
  browser?: BrowserHost;
  /** Where this run keeps its evidence files. */
  artifacts?: RunArtifacts;
}

/**
 * One kind of probe: the schema of its kind-specific spec and the function that checks it.
 * Adding a kind means one folder under `src/checkers/` and one line in `registry.ts`.
 */
export interface Checker<Spec = unknown> {
  kind: string;
  /** Strict zod schema of the spec (the value under the key named like the kind). */
  spec: z.ZodType<Spec>;
  /** Concurrency pool the runs of this kind draw from. */
  pool: string;
  /** Runs of this kind in flight at once unless `concurrency.kinds` says otherwise; unset = the global limit. */
  concurrency?: number;
  check(ctx: CheckContext, spec: Spec): Promise<Outcome>;
}
