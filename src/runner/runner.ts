import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CheckContext, Checker } from '../checkers/checker.ts';
import { errorLine } from '../checkers/error-line.ts';
import { ProxyFailure } from '../net/proxy-dispatcher.ts';
import type { ProxySettings } from '../net/proxy.ts';
import type { Probe } from '../probes/schema.ts';
import { specOf } from '../probes/schema.ts';
import type { Outcome, Result } from '../results/result.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { ArtifactStore } from './artifacts.ts';
import type { BrowserHost } from './browser-host.ts';
import type { CertificateMemory } from './certificate-memory.ts';
import type { FlapDamper } from './flap-damper.ts';
import type { HostLimiter } from './host-limiter.ts';
import type { MaintenanceCalendar } from './maintenance.ts';

/** Where results go. A sink that throws never keeps a result from the others. */
export interface ResultSink {
  name: string;
  record(probe: Probe, result: Result): void;
}

export interface RunnerOptions {
  checkerFor: (kind: string) => Checker<unknown> | undefined;
  clock: Clock;
  logger: Logger;
  userAgent: string;
  hosts: HostLimiter;
  /** The outbound proxy the checkers send requests to targets through; absent = direct. */
  proxy?: ProxySettings;
  /** Absent for one-off runs (`ozgwatch run`): one run has no history to damp, it reports what it saw. */
  flap?: FlapDamper;
  /**
   * The certificates of the sites journeys reached in their recent runs. Absent for one-off
   * runs: one run reports the certificates it read.
   */
  certificates?: CertificateMemory;
  sinks: readonly ResultSink[];
  /** Current maintenance calendar; a function because reloads replace it. */
  maintenance: () => MaintenanceCalendar | undefined;
  /** The daemon's browser, for browser journeys. */
  browser?: BrowserHost;
  /** Where runs keep evidence files. */
  artifacts?: ArtifactStore;
  /**
   * How long a checker may go on after its run was aborted before the run ends without it.
   * @default 5000
   */
  abortGraceMs?: number;
}

/**
 * Time a checker has after the abort to close what it opened (a browser context closes in
 * about a second). A checker still busy after it has a bug; the run must not hold its pool
 * slot, and the shutdown, for ever because of it.
 */
const ABORT_GRACE_MS = 5_000;

/**
 * How one run executes: deadline, attempts, maintenance marking, flap damping,
 * and delivery of the result to every sink. It never throws.
 */
export class Runner {
  readonly #o: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.#o = options;
  }

  /**
   * Runs `probe` once. `stop` (shutdown) aborts the run like its deadline does.
   * Returns the result that was delivered to the sinks.
   */
  async run(probe: Probe, stop?: AbortSignal): Promise<Result> {
    const { clock } = this.#o;
    const runId = randomUUID();
    const logger = this.#o.logger.child({ probe: probe.id, run: runId });
    const startedAt = clock.now();
    const started = performance.now();
    const deadline = AbortSignal.timeout(probe.timeout);
    const signal = stop ? AbortSignal.any([deadline, stop]) : deadline;

    let outcome: Outcome;
    let attempts = 0;
    const checker = this.#o.checkerFor(probe.kind);
    if (!checker) {
      outcome = {
        status: 'error',
        reason: 'internal',
        message: `no checker for kind ${probe.kind}`,
        assertions: [],
      };
    } else {
      const ctx: CheckContext = {
        signal,
        deadlineAt: started + probe.timeout,
        logger,
        userAgent: this.#o.userAgent,
        hosts: this.#o.hosts,
        ...(this.#o.proxy ? { proxy: this.#o.proxy } : {}),
        now: () => clock.now(),
        ...(this.#o.browser ? { browser: this.#o.browser } : {}),
        ...(this.#o.artifacts ? { artifacts: this.#o.artifacts.forRun(probe.id, runId) } : {}),
      };
      for (;;) {
        attempts++;
        outcome = await attempt(
          checker,
          ctx,
          specOf(probe),
          this.#o.abortGraceMs ?? ABORT_GRACE_MS,
        );
        if (stop?.aborted && !deadline.aborted && outcome.status === 'fail') {
          // Whatever a checker made of a run the shutdown cut short, it is no evidence
          // against the target: an error of ours, so no alert fires on it.
          outcome = { ...outcome, status: 'error', reason: 'aborted' };
        }
        if (outcome.status !== 'fail' || attempts > probe.retries || signal.aborted) break;
        const pause = probe.retryBackoff * 2 ** (attempts - 1);
        logger.debug({ reason: outcome.reason, pause }, 'attempt failed, retrying');
        if (!(await sleep(pause, signal))) break;
      }
    }

    if (this.#o.certificates)
      outcome = this.#o.certificates.remember(probe.id, outcome, clock.now());
    const window = this.#o.maintenance()?.windowAt(probe.id, startedAt);
    const result: Result = {
      ...outcome,
      runId,
      probeId: probe.id,
      kind: probe.kind,
      startedAt,
      duration: (performance.now() - started) / 1000,
      attempts,
      maintenance: window !== undefined,
      // Runs in a maintenance window do not move the damped state: they are not evidence either way.
      reportedStatus:
        window === undefined && this.#o.flap
          ? this.#o.flap.report(probe.id, outcome.status, probe.failAfter, probe.recoverAfter)
          : outcome.status,
    };

    const level = result.status === 'pass' ? 'debug' : 'info';
    logger[level](
      {
        status: result.status,
        reason: result.reason,
        duration: result.duration,
        attempts,
        maintenance: result.maintenance,
      },
      result.message,
    );
    for (const sink of this.#o.sinks) {
      try {
        sink.record(probe, result);
      } catch (error) {
        logger.error({ err: error, sink: sink.name }, 'result sink failed');
      }
    }
    return result;
  }
}

/**
 * One call of the checker; whatever it throws becomes a result, never an escape. A checker
 * that goes on longer than `graceMs` after the abort is left behind: the run ends as aborted.
 */
async function attempt(
  checker: Checker<unknown>,
  ctx: CheckContext,
  spec: unknown,
  graceMs: number,
): Promise<Outcome> {
  // Called inside an async function so that a checker throwing before its first await is
  // caught like one that rejects.
  const work = (async () => checker.check(ctx, spec))();
  const abandoned = Symbol('abandoned');
  let grace: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const leftBehind = new Promise<typeof abandoned>((resolve) => {
    onAbort = () => {
      grace = setTimeout(() => resolve(abandoned), graceMs);
    };
  });
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const settled = await Promise.race([work, leftBehind]);
    if (settled !== abandoned) return settled;
    // Its result or error, whenever it comes, belongs to no run any more.
    work.catch(() => undefined);
    ctx.logger.error(
      { graceMs },
      'checker went on after its run was aborted; the run ends without it. Please report it',
    );
    return abortedOutcome(ctx.signal, ` (the check did not stop within ${graceMs} ms of it)`);
  } catch (error) {
    if (ctx.signal.aborted) return abortedOutcome(ctx.signal, '');
    if (error instanceof ProxyFailure) {
      // The outbound proxy broke off the check (a download it refused): ours, not the target's.
      return { status: 'error', reason: 'proxy_error', message: error.message, assertions: [] };
    }
    ctx.logger.error({ err: error }, 'checker threw');
    return {
      status: 'error',
      reason: 'internal',
      message: `checker failed: ${errorLine(error, 500)}`,
      assertions: [],
    };
  } finally {
    clearTimeout(grace);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** A run cut short: by its deadline (evidence against the target) or by the shutdown (ours). */
function abortedOutcome(signal: AbortSignal, detail: string): Outcome {
  const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
  return {
    status: timedOut ? 'fail' : 'error',
    reason: timedOut ? 'timeout' : 'aborted',
    message: (timedOut ? 'deadline exceeded' : 'run aborted (shutdown)') + detail,
    assertions: [],
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
