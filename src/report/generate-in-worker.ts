/**
 * The daemon's `/reports` makes a report in a worker thread, so that its own event loop
 * keeps running probes, timing them and answering scrapes meanwhile (see worker.ts).
 */
import { Worker } from 'node:worker_threads';
import type { StoreLocation } from '../store/open.ts';
import type { ReportRequest } from './generate.ts';

export interface ReportJob {
  store: StoreLocation;
  request: ReportRequest;
}

export type ReportJobOutcome =
  { ok: true; files: string[] } | { ok: false; message: string; stack: string };

const WORKER = new URL('./worker.ts', import.meta.url);

/**
 * Makes the report of `request` from the store at `store` in a worker thread; resolves
 * with the paths of the files written, HTML first. The daemon flushes its own queue first:
 * the worker reads what is committed.
 */
export function generateReportInWorker(job: ReportJob): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER, { workerData: job });
    worker.once('message', (outcome: ReportJobOutcome) => {
      settled = true;
      if (outcome.ok) return resolve(outcome.files);
      const error = new Error(outcome.message);
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
