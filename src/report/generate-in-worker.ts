/**
 * The daemon's `/reports` makes a report in a worker thread, so that its own event loop
 * keeps running probes, timing them and answering scrapes meanwhile (see worker.ts).
 */
import { Worker } from 'node:worker_threads';
import type { StoreLocation } from '../store/open.ts';
import { StoreUnavailableError } from '../store/store.ts';
import type { ReportRequest } from './generate.ts';

export interface ReportJob {
  store: StoreLocation;
  request: ReportRequest;
}

export type ReportJobOutcome =
  | { ok: true; files: string[] }
  /** `unavailable`: the store's database could not be reached (a StoreUnavailableError). */
  | { ok: false; message: string; stack: string; unavailable: boolean };

const WORKER = new URL('./worker.ts', import.meta.url);

/** The message that asks the worker to stop; it closes a PDF's Chromium first. */
export const ABORT = 'abort';
/** How long a worker asked to stop may take before it is terminated. */
const STOP_GRACE_MS = 5_000;

/**
 * Makes the report of `request` from the store at `store` in a worker thread; resolves
 * with the paths of the files written, HTML first. The daemon flushes its own queue first:
 * the worker reads what is committed. `signal` (the daemon shutting down) rejects at once
 * and asks the worker to stop: it closes a PDF's Chromium, and is terminated after
 * STOP_GRACE_MS if it has not ended.
 */
export function generateReportInWorker(job: ReportJob, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    let settled = false;
    const worker = new Worker(WORKER, { workerData: job });
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(signal!.reason as Error);
      // Asked first, so that a PDF's Chromium is closed by the thread that launched it;
      // terminated when it does not end in time (busy in synchronous work, say).
      worker.postMessage(ABORT);
      const kill = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      kill.unref();
      worker.once('exit', () => clearTimeout(kill));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('exit', () => signal?.removeEventListener('abort', onAbort));
    worker.once('message', (outcome: ReportJobOutcome) => {
      if (settled) return;
      settled = true;
      if (outcome.ok) return resolve(outcome.files);
      // Rebuilt by class: the daemon answers a database it cannot reach with 503, not 500.
      const error = outcome.unavailable
        ? new StoreUnavailableError(outcome.message)
        : new Error(outcome.message);
      error.stack = outcome.stack;
      reject(error);
    });
    worker.once('error', (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`report worker exited with code ${code} before it finished`));
    });
  });
}
