/**
 * Worker thread: makes one report from a connection of its own to the daemon's store.
 * Collecting a quarter and rendering it is seconds of synchronous work (node:sqlite, the
 * HTML of every finding); on the daemon's thread it would hold back every probe in flight,
 * whose timings would then show the wait, and every scrape.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { openStoreReader } from '../store/open.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { generateReport } from './generate.ts';
import { ABORT, type ReportJob, type ReportJobOutcome } from './generate-in-worker.ts';

const job = workerData as ReportJob;
// The daemon asks the worker to stop (ABORT) before it terminates it: a PDF's Chromium is
// then closed and reaped by the thread that launched it, not left a zombie. The port does
// not keep the thread alive once the report is done.
const stopped = new AbortController();
parentPort?.on('message', (message: unknown) => {
  if (message === ABORT) stopped.abort(new Error('the daemon is stopping'));
});
parentPort?.unref();
let outcome: ReportJobOutcome;
try {
  // Failures come back to the daemon, which logs them; nothing is logged here.
  const store = await openStoreReader(job.store, pino({ level: 'silent' }));
  try {
    const report = await generateReport(store, job.request, stopped.signal);
    outcome = { ok: true, files: report.files };
  } finally {
    await store.close();
  }
} catch (error) {
  outcome = {
    ok: false,
    message: (error as Error).message,
    stack: (error as Error).stack ?? '',
    unavailable: error instanceof StoreUnavailableError,
  };
}
parentPort?.postMessage(outcome);
