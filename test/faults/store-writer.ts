/**
 * Writes batches of results into an SQLite store as fast as it can, for a test to kill it
 * inside a transaction: `node store-writer.ts <file> <tag> <batch> [pause ms]`. With a
 * pause between batches it writes on for seconds, like a daemon, while a test reads.
 *
 * Prints `writing <n>` right before batch n is committed and `committed <n>` once its
 * commit returned; each batch is one transaction. Run ids are `<tag>-<n>-<i>`. Stops after
 * 40 batches or 20 s, whichever comes first.
 */
import { pino } from 'pino';
import type { Result } from '../../src/results/result.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

const [file, tag, batchArg, pauseArg] = process.argv.slice(2);
const pauseMs = Number(pauseArg ?? 0);
const batch = Number(batchArg);
if (!file || !tag || !Number.isInteger(batch) || batch < 1 || batch > 1_000) {
  // The store commits at most 1,000 rows per transaction: a larger batch would be several.
  process.stderr.write('usage: store-writer.ts <file> <tag> <batch ≤ 1000> [pause ms]\n');
  process.exit(2);
}
// One transaction per batch: nothing is committed behind the test's back.
const store = openSqliteStore({
  path: file,
  logger: pino({ level: 'silent' }),
  batchSize: 10_000,
  flushIntervalMs: 60_000,
});
// Some weight per row, so that a commit takes long enough to be hit by a signal.
const padding = 'x'.repeat(1_000);
const started = Date.now();
for (let n = 1; n <= 40 && Date.now() - started < 20_000; n++) {
  for (let i = 0; i < batch; i++) {
    const result: Result = {
      runId: `${tag}-${n}-${i}`,
      probeId: `probe-${i % 50}`,
      kind: 'http',
      startedAt: started + n * batch + i,
      duration: 0.1,
      attempts: 1,
      maintenance: false,
      status: 'pass',
      reportedStatus: 'pass',
      message: `status 200 ∈ [200] ${padding}`,
      assertions: [],
    };
    store.save(result);
  }
  process.stdout.write(`writing ${n}\n`);
  await store.flush();
  process.stdout.write(`committed ${n}\n`);
  // Lets the signal's exit and the pipe catch up between batches.
  await new Promise((resolve) =>
    pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve),
  );
}
await store.close();
