/**
 * The quarterly report, made by the daemon itself once a quarter has ended: the
 * accessibility officer finds it under `/reports` on the first morning of the new quarter
 * instead of asking operations to run a command.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StoreLocation } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { Deadlines } from './deadlines.ts';
import { generateReportInWorker } from './generate-in-worker.ts';
import type { Scope } from './model.ts';
import { reportBaseName, type PdfOptions, type ReportFormat } from './outputs.ts';
import { previousPeriod, quarterOf, type Period } from './period.ts';
import type { Lang } from './texts.ts';

/** One report at a time per daemon: the form of `/reports` and the schedule take turns. */
export class ReportGate {
  #busy = false;

  /** Takes the gate if it is free; the caller must {@link release} it. */
  tryAcquire(): boolean {
    if (this.#busy) return false;
    this.#busy = true;
    return true;
  }

  release(): void {
    this.#busy = false;
  }
}

export interface QuarterlyReportsOptions {
  store: Store;
  /** Where the worker that makes the report opens the store again. */
  storeLocation: StoreLocation;
  /** `<dataDir>/reports`, where `/reports` lists them. */
  dir: string;
  formats: readonly ReportFormat[];
  lang: Lang;
  /** Also one report per county (label `county`), for each county's own officer. */
  perCounty: boolean;
  /** Due dates of the measures (`reports.deadlines`). @default DEFAULT_DEADLINES */
  deadlines?: Deadlines;
  pdf?: PdfOptions;
  gate: ReportGate;
  now: () => number;
  logger: Logger;
  /** Counts each report made or failed, for `ozgwatch_reports_total`. */
  onReport?: (ok: boolean) => void;
  /** After each look: whether the report is due and still missing (`ozgwatch_quarterly_report_overdue`). */
  onOverdue?: (overdue: boolean) => void;
  /** The daemon stopping: a report being made is abandoned. */
  signal: AbortSignal;
}

/**
 * Results of the quarter's last minutes may still be on their way to the store (a journey
 * that started at 23:59 and ends at 00:01): the report waits this long after the quarter.
 */
export const QUARTER_GRACE_MS = 2 * 3_600_000;
/**
 * The history the report reads at the moment it is made: the ended quarter and the one
 * before it (the comparison), up to 92 days each (Q3, Q4), plus the grace. Runs older than
 * `store.retention` are pruned, so a shorter retention leaves the report's first weeks empty.
 */
export const QUARTERLY_HISTORY_MS = 2 * 92 * 86_400_000 + QUARTER_GRACE_MS;

/**
 * The retention to advise when `retentionMs` keeps too little history for the quarterly
 * report, in whole days (what an operator writes: `185d`); undefined when it is enough.
 */
export function retentionShortfall(
  retentionMs: number,
): { neededMs: number; advisedDays: number } | undefined {
  if (retentionMs >= QUARTERLY_HISTORY_MS) return undefined;
  return {
    neededMs: QUARTERLY_HISTORY_MS,
    advisedDays: Math.ceil(QUARTERLY_HISTORY_MS / 86_400_000),
  };
}
/** After a failure the next attempt waits this long, doubling up to a day. */
const FIRST_RETRY_MS = 3_600_000;
const MAX_RETRY_MS = 86_400_000;

export type QuarterlyOutcome =
  | { state: 'not-due' }
  | { state: 'done'; period: string }
  | { state: 'no-runs'; period: string }
  | { state: 'busy' }
  | { state: 'waiting'; until: number }
  | { state: 'made'; period: string; files: string[] }
  | { state: 'failed'; period: string; error: Error };

/** The states in which the report is due and not there. */
const OVERDUE = new Set<QuarterlyOutcome['state']>(['failed', 'waiting', 'busy']);

/**
 * Decides, each time it is asked, whether the last completed quarter still lacks its
 * report, and makes it. "Lacks" is read from the files in `dir`, so a restart, a second
 * look an hour later or a report someone already made through `/reports` never makes it
 * twice. A quarter without a single run (a fresh installation) gets no report: an empty
 * one would only say "Keine Daten".
 */
export class QuarterlyReports {
  readonly #o: QuarterlyReportsOptions;
  #retryAt = 0;
  #retryDelay = FIRST_RETRY_MS;
  #failedPeriod: string | undefined;
  /** Scopes (county, '' for the whole) found without a run in {@link #emptyPeriod}. */
  readonly #empty = new Set<string>();
  #emptyPeriod: string | undefined;

  constructor(options: QuarterlyReportsOptions) {
    this.#o = options;
  }

  async check(): Promise<QuarterlyOutcome> {
    const outcome = await this.#check();
    this.#o.onOverdue?.(OVERDUE.has(outcome.state));
    return outcome;
  }

  async #check(): Promise<QuarterlyOutcome> {
    const now = this.#o.now();
    const period = previousPeriod(quarterOf(now));
    if (now < period.to + QUARTER_GRACE_MS) return { state: 'not-due' };
    if (this.#emptyPeriod !== period.label) {
      this.#emptyPeriod = period.label;
      this.#empty.clear();
    }
    if (this.#empty.has('')) return { state: 'no-runs', period: period.label };
    const scopes = await this.#scopes();
    const missing = scopes.filter(
      (scope) => !this.#empty.has(scope.county ?? '') && !this.#exists(period, scope),
    );
    if (missing.length === 0) return { state: 'done', period: period.label };
    if (this.#failedPeriod === period.label && now < this.#retryAt) {
      return { state: 'waiting', until: this.#retryAt };
    }
    if (!this.#o.gate.tryAcquire()) return { state: 'busy' };
    const files: string[] = [];
    try {
      // The worker reads what is committed: the quarter's last results go first.
      await this.#o.store.flush();
      for (const scope of missing) {
        const made = await this.#make(period, scope, now);
        if (made.length === 0) {
          // Nothing ran in it: remembered, so that the quarter is not read again each hour.
          this.#empty.add(scope.county ?? '');
          // Without a run at all, no county has one either.
          if (scope.county === undefined) break;
          continue;
        }
        files.push(...made);
        this.#o.onReport?.(true);
      }
      this.#failedPeriod = undefined;
      this.#retryDelay = FIRST_RETRY_MS;
      if (files.length === 0) {
        // Only counties without runs were missing: the whole is there.
        if (!this.#empty.has('')) return { state: 'done', period: period.label };
        this.#o.logger.info(
          { period: period.label },
          'quarterly report not made: no runs in the quarter',
        );
        return { state: 'no-runs', period: period.label };
      }
      this.#o.logger.info({ period: period.label, files: files.length }, 'quarterly report made');
      return { state: 'made', period: period.label, files };
    } catch (error) {
      if (this.#o.signal.aborted) return { state: 'busy' };
      this.#o.onReport?.(false);
      this.#failedPeriod = period.label;
      this.#retryAt = now + this.#retryDelay;
      this.#retryDelay = Math.min(this.#retryDelay * 2, MAX_RETRY_MS);
      this.#o.logger.error(
        { err: error, period: period.label, retryAt: new Date(this.#retryAt).toISOString() },
        'quarterly report failed',
      );
      return { state: 'failed', period: period.label, error: error as Error };
    } finally {
      this.#o.gate.release();
    }
  }

  /**
   * The reports a quarter needs: the whole, and with `perCounty` one per county of the
   * probe catalogue (a county without runs in the quarter turns out empty and gets none).
   */
  async #scopes(): Promise<Scope[]> {
    if (!this.#o.perCounty) return [{}];
    const catalogue = await this.#o.store.probeCatalogue();
    const counties = new Set(catalogue.map((p) => p.county).filter((c) => c !== ''));
    return [{}, ...[...counties].sort().map((county) => ({ county }))];
  }

  #exists(period: Period, scope: Scope): boolean {
    const base = reportBaseName({ period, scope }, this.#o.lang);
    return existsSync(path.join(this.#o.dir, `${base}.html`));
  }

  #make(period: Period, scope: Scope, now: number): Promise<string[]> {
    const formats = this.#o.formats;
    return generateReportInWorker(
      {
        store: this.#o.storeLocation,
        request: {
          period,
          ...(scope.county ? { scope } : {}),
          // The HTML is what `/reports` lists and what tells that the report exists.
          formats: formats.includes('html') ? formats : ['html', ...formats],
          lang: this.#o.lang,
          outDir: this.#o.dir,
          ...(this.#o.deadlines ? { deadlines: this.#o.deadlines } : {}),
          ...(this.#o.pdf ? { pdf: this.#o.pdf } : {}),
          now,
          // Whether anything ran is known only once the quarter is read, in the worker:
          // on the daemon's thread, reading it would hold up every run.
          skipEmpty: true,
        },
      },
      this.#o.signal,
    );
  }
}
