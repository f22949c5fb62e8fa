/**
 * The daemon's own world, store part: what happens to ozgwatch when its SQLite store's disk
 * fills up, turns read-only, is locked by another process, or when ozgwatch is killed with
 * SIGKILL while it writes. In every case the daemon must keep probing and serving
 * /metrics, say what is wrong (a log line, not a flood; the pending-writes metric;
 * /readyz), and lose no result it acknowledged.
 *
 * Readiness: `/readyz` answers 503 while the store cannot write. With SQLite, the results
 * queued meanwhile exist only in memory, and a restart would lose them; an instance in that
 * state is not doing its whole job, and saying so lets the orchestrator's own alerting see
 * it. Probing and /metrics go on (Prometheus scrapes instances that are not ready), and
 * /readyz is 200 again as soon as the queue is committed.
 *
 * The disk faults need root: a tmpfs to fill, an ext4 image on a loop device that fails the
 * way a real disk does. Without permission to mount, the full disk is made with SQLite's
 * `max_page_count` instead (the test's name says which), and the read-only start with
 * folder permissions. `OZGWATCH_FAULTS_NO_MOUNT=1` forces those fallbacks.
 */
import {
  execFileSync,
  spawn,
  type ChildProcess,
  type ChildProcessByStdio,
} from 'node:child_process';
import type { Readable } from 'node:stream';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { canLoopMount, canMount, Ext4Disk, mountOptions, Tmpfs, unmount } from './mounts.ts';
import {
  captureLogger,
  errors,
  metricSum,
  probeIds,
  sleep,
  startTarget,
  until,
  writeProbes,
  type LogLine,
  type Target,
} from './store-world.ts';

const MAIN = path.join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const LOCK_HOLDER = path.join(import.meta.dirname, 'lock-holder.ts');
const STORE_WRITER = path.join(import.meta.dirname, 'store-writer.ts');

const root = mkdtempSync(path.join(tmpdir(), 'ozgwatch-store-faults-'));
const mounting = process.env.OZGWATCH_FAULTS_NO_MOUNT !== '1' && canMount(path.join(root, 'try'));
const loopDisks = mounting && canLoopMount(path.join(root, 'try-loop'));
if (!loopDisks) console.warn('no loop devices or no root: the read-only disk test cannot run');

const WRITE_FAILED = 'store write failed; results stay queued';
const RECOVERED = 'store writes recovered';

/** Everything a test set up, torn down in reverse order whatever happened. */
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error('cleanup failed', error);
    }
  }
  rmSync(root, { recursive: true, force: true });
});

interface World {
  daemon: Daemon;
  store: SqliteStore;
  file: string;
  ids: string[];
  lines: LogLine[];
  target: Target;
  /** Stops the daemon; resolves with its error when the store could not be flushed. */
  stop(): Promise<unknown>;
}

/**
 * An in-process daemon with `probes` HTTP probes every second (100 by default: 100 runs a
 * second, as fast as the probe floor of one run per probe and second allows), its SQLite store at
 * `dataDir/ozgwatch.db`. The store is opened here, as `openConfiguredStore` does, with
 * retries at most a second apart so that recovery shows within the test's time.
 */
async function startWorld(
  name: string,
  dataDir: string,
  extra: { maxBytes?: number; probes?: number } = {},
): Promise<World> {
  const target = await startTarget();
  cleanups.push(() => target.close());
  const ids = probeIds(name, extra.probes ?? 100);
  const probesDir = path.join(root, name, 'probes');
  await writeProbes(probesDir, target.url, ids);
  const { logger, lines } = captureLogger();
  const file = path.join(dataDir, 'ozgwatch.db');
  const store = openSqliteStore({
    path: file,
    logger,
    maxRetryDelayMs: 1_000,
    ...(extra.maxBytes ? { maxBytes: extra.maxBytes } : {}),
  });
  const config: Config = {
    ...configSchema.parse({ probes: probesDir, dataDir }),
    server: { host: '127.0.0.1', port: 0 },
    watch: false,
  };
  const daemon = await startDaemon(config, { logger, store });
  let stopped: Promise<unknown> | undefined;
  const stop = (): Promise<unknown> =>
    (stopped ??= daemon.stop().then(
      () => undefined,
      (error: unknown) => error,
    ));
  cleanups.push(stop);
  return { daemon, store, file, ids, lines, target, stop };
}

function writeFailed(world: World): boolean {
  return world.lines.some((l) => l.msg === WRITE_FAILED);
}

async function get(world: World, route: string): Promise<Response> {
  return fetch(`${world.daemon.server.url}${route}`, { signal: AbortSignal.timeout(5_000) });
}

async function scrape(world: World): Promise<string> {
  const res = await get(world, '/metrics');
  expect(res.status).toBe(200);
  return res.text();
}

/** Runs the daemon counted in `ozgwatch_probe_runs_total`: every result it exported. */
async function exported(world: World): Promise<number> {
  return metricSum(await world.daemon.metrics.render(), 'ozgwatch_probe_runs_total');
}

/** Runs stored for these probes, counted on a fresh connection. */
async function storedRuns(file: string, ids: readonly string[]): Promise<number> {
  const store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  try {
    let n = 0;
    for (const id of ids) n += (await store.runs({ probeId: id, limit: 1_000_000 })).length;
    return n;
  } finally {
    await store.close();
  }
}

function integrity(file: string): string {
  const db = new DatabaseSync(file);
  try {
    return (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
      .integrity_check;
  } finally {
    db.close();
  }
}

/**
 * What every fault must look like from outside while it lasts: probes keep running,
 * /metrics and /healthz answer, the queue is visible in the metric, /readyz says not ready,
 * nothing has been dropped, and the log says it once, not once per attempt.
 */
async function expectDegradedButRunning(world: World, cause: RegExp): Promise<void> {
  const runsBefore = await exported(world);
  // The gauge is refreshed every 5 s.
  await until(
    async () => metricSum(await scrape(world), 'ozgwatch_store_pending_writes') > 0,
    8_000,
    'ozgwatch_store_pending_writes > 0',
  );
  expect((await get(world, '/healthz')).status).toBe(200);
  const ready = await get(world, '/readyz');
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'not ready' });
  expect(await exported(world)).toBeGreaterThan(runsBefore);
  expect(world.store.pending()).toBeGreaterThan(0);
  expect(world.store.dropped()).toBe(0);

  const failures = world.lines.filter((l) => l.msg === WRITE_FAILED);
  // The first failure, then every tenth attempt: a handful of lines however long it lasts.
  expect(failures.length).toBeGreaterThanOrEqual(1);
  expect(failures.length).toBeLessThanOrEqual(2);
  expect((failures[0]?.err as { message?: string }).message).toMatch(cause);
  // Nothing else complains: one fault, one kind of line.
  expect(errors(world.lines).filter((l) => l.msg !== WRITE_FAILED)).toEqual([]);
}

/** After the fault: the queue is committed, /readyz is 200 again, recovery is logged once. */
async function expectRecovered(world: World): Promise<void> {
  await until(
    async () => world.store.pending() === 0 && (await get(world, '/readyz')).status === 200,
    10_000,
    'queue written and ready again',
  );
  expect(world.lines.filter((l) => l.msg === RECOVERED)).toHaveLength(1);
}

/** Stops the daemon cleanly and checks that every result it exported is stored. */
async function expectNothingLost(world: World): Promise<void> {
  expect(await world.stop()).toBeUndefined();
  const total = await exported(world);
  expect(world.store.dropped()).toBe(0);
  expect(await storedRuns(world.file, world.ids)).toBe(total);
}

describe('store faults', () => {
  it(`disk full (${mounting ? 'a 16 MiB tmpfs filled to the last byte' : 'no permission to mount: PRAGMA max_page_count'}): results queue, /readyz 503, one log line; all written once there is room`, async () => {
    const dataDir = path.join(root, 'full', 'data');
    const disk = mounting ? Tmpfs.mount(dataDir, 16 * 2 ** 20) : undefined;
    if (disk) cleanups.push(() => disk.destroy());
    // Without a small disk, a small database: the daemon itself fills it.
    const world = await startWorld('full', dataDir, disk ? {} : { maxBytes: 2 ** 20 });
    await until(async () => (await exported(world)) >= 200, 10_000, '200 runs');

    const filled = disk?.fill() ?? 0;
    if (disk) expect(filled).toBeGreaterThan(0);
    await until(() => writeFailed(world), 30_000, 'a write fails');
    await expectDegradedButRunning(world, /full/);
    // Pages and the API still read what is stored.
    expect((await get(world, '/api/probes')).status).toBe(200);

    // Room again: deleting the filler, or (max_page_count) retention deleting old runs.
    let pruned = 0;
    if (disk) disk.free();
    else pruned = await world.store.prune(Date.now() - 3_000);
    await expectRecovered(world);

    expect(await world.stop()).toBeUndefined();
    expect(world.store.dropped()).toBe(0);
    expect((await storedRuns(world.file, world.ids)) + pruned).toBe(await exported(world));
    disk?.destroy();
  }, 60_000);

  it('locked by another process: writes wait without blocking the event loop, results are written when the lock goes', async () => {
    const world = await startWorld('locked', path.join(root, 'locked', 'data'));
    await until(async () => (await exported(world)) >= 200, 10_000, '200 runs');

    // Watching from before the lock: the first attempt comes within 100 ms of it.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const holder = await holdLock(world.file);
    try {
      await until(() => writeFailed(world), 5_000, 'a write fails');
      await expectDegradedButRunning(world, /locked|busy/i);
      // Readers are not shut out by another writer (WAL): the API answers.
      expect((await get(world, '/api/probes')).status).toBe(200);
    } finally {
      loop.disable();
      await holder.release();
    }
    // Each attempt waits for the lock on the event loop for at most the busy timeout; a
    // long one (SQLite's usual 5 s) would stall every run and scrape in the meantime.
    const longestStallMs = loop.max / 1e6;
    console.info(`longest event-loop stall while locked: ${longestStallMs.toFixed(0)} ms`);
    expect(longestStallMs).toBeLessThan(1_000);
    await expectRecovered(world);

    await expectNothingLost(world);
  }, 60_000);

  it.runIf(loopDisks)(
    'disk turns read-only (ext4 errors=remount-ro on a loop device): keeps probing and says so; committed runs survive; after repair it starts and writes again',
    async () => {
      const disk = Ext4Disk.create(path.join(root, 'ro'), 64);
      cleanups.push(() => disk.destroy());
      const dataDir = path.join(disk.dir, 'data');
      const world = await startWorld('ro', dataDir);
      await until(async () => (await exported(world)) >= 200, 10_000, '200 runs');
      // Committed, and then written to the disk by the kernel (which does that within
      // ~30 s by itself; `sync` does it now): these must survive the disk's failure.
      const durable = await acknowledgedRuns(world.daemon.server.url, world.ids);
      expect(durable.size).toBe(world.ids.length);
      execFileSync('sync', ['-f', world.file]);
      // Committed after that: with synchronous=NORMAL a commit is not synced, so a failing
      // disk may take these with it, as a power cut would. Counted, not required.
      await sleep(500);
      const recent = await acknowledgedRuns(world.daemon.server.url, world.ids);
      for (const id of durable) recent.delete(id);

      disk.failDisk();
      expect(disk.readOnly()).toBe(true);
      await until(() => writeFailed(world), 5_000, 'a write fails');
      await expectDegradedButRunning(world, /I\/O|read-?only/i);

      // ext4 will not take writes again until it is unmounted and checked, which needs
      // ozgwatch to let go of its files: what is queued cannot be saved, and stopping says
      // how much is lost instead of hanging or crashing.
      const queued = world.store.pending();
      expect(await world.stop()).toBeInstanceOf(Error);
      const closing = world.lines.find(
        (l) => l.msg === 'store closed with results that could not be written',
      );
      expect(closing?.lost).toBeGreaterThanOrEqual(queued);

      disk.repair();
      expect(disk.readOnly()).toBe(false);
      expect(integrity(world.file)).toBe('ok');
      const store = openSqliteStore({ path: world.file, logger: pino({ level: 'silent' }) });
      try {
        const missing: string[] = [];
        for (const id of durable) if (!(await store.run(id))) missing.push(id);
        expect(missing).toEqual([]);
        let lost = 0;
        for (const id of recent) if (!(await store.run(id))) lost++;
        console.info(
          `runs committed but not yet synced when the disk failed: ${lost} of ${recent.size} lost`,
        );
      } finally {
        await store.close();
      }

      // Started again on the repaired disk, it writes.
      const again = await startWorld('ro-again', dataDir, { probes: 25 });
      await until(
        async () => (await exported(again)) >= 50 && again.store.pending() === 0,
        10_000,
        'runs written after the repair',
      );
      await expectNothingLost(again);
      disk.destroy();
    },
    60_000,
  );

  it(`refuses to start on a read-only data folder, naming the file and the reason (${mounting ? 'tmpfs mounted read-only' : 'folder without write permission'})`, async () => {
    const base = path.join(root, 'ro-start');
    const probesDir = path.join(base, 'probes');
    await writeProbes(probesDir, 'http://127.0.0.1:9', ['kfz-00'], '1m');
    const dataDir = path.join(base, 'data');
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'ozgwatch.db');
    const reason = mounting ? 'read-only file system' : 'no permission to write';
    // Without mounting: the folder and its files made read-only for their owner.
    const chmodAll = (folder: number, files: number): void => {
      for (const name of readdirSync(dataDir)) chmodSync(path.join(dataDir, name), files);
      chmodSync(dataDir, folder);
    };
    const makeReadOnly = (): void => {
      if (mounting) execMount(['-o', 'remount,ro', dataDir]);
      else chmodAll(0o555, 0o444);
    };
    const makeWritable = (): void => {
      if (mounting) execMount(['-o', 'remount,rw', dataDir]);
      else chmodAll(0o755, 0o644);
    };
    if (mounting) {
      Tmpfs.mount(dataDir, 8 * 2 ** 20);
      cleanups.push(() => mountOptions(dataDir) && unmount(dataDir));
    } else {
      cleanups.push(makeWritable);
    }

    // An empty folder: there is no store, and none can be made.
    makeReadOnly();
    let run = await serveOnce(probesDir, dataDir);
    expect(run.code).toBe(1);
    let fatal = run.lines.find((l) => l.msg === 'cannot start');
    expect((fatal?.err as { message: string }).message).toContain(`cannot open store at ${file}`);
    expect((fatal?.err as { message: string }).message).toContain(reason);

    // A store left by a killed daemon (WAL and shared-memory files beside it): SQLite would
    // open it read-only without a word, and the daemon would run and store nothing.
    makeWritable();
    await killedWriter(file);
    makeReadOnly();
    run = await serveOnce(probesDir, dataDir);
    expect(run.code).toBe(1);
    fatal = run.lines.find((l) => l.msg === 'cannot start');
    expect((fatal?.err as { message: string }).message).toContain(file);
    expect((fatal?.err as { message: string }).message).toContain(reason);
    makeWritable();
    if (mounting) unmount(dataDir);
  }, 60_000);

  it('kill -9 while writing: the file opens clean, every acknowledged run is there, and the daemon starts again', async () => {
    const target = await startTarget();
    cleanups.push(() => target.close());
    const ids = probeIds('crash', 250);
    const base = path.join(root, 'crash');
    await writeProbes(path.join(base, 'probes'), target.url, ids);
    const dataDir = path.join(base, 'data');
    const file = path.join(dataDir, 'ozgwatch.db');
    const acknowledged = new Set<string>();

    for (let round = 1; round <= 3; round++) {
      const daemon = await serve(path.join(base, 'probes'), dataDir);
      // Acknowledged: runs the daemon's API listed, which it reads from committed rows only.
      const deadline = Date.now() + 1_500 + Math.random() * 1_000;
      let poll = 0;
      while (Date.now() < deadline) {
        for (const id of await acknowledgedRuns(daemon.url, [ids[poll++ % ids.length]!], 1000))
          acknowledged.add(id);
        for (const id of await acknowledgedRuns(daemon.url, ids)) acknowledged.add(id);
      }
      // …and killed while it keeps writing (250 results a second, a commit every 100 ms).
      daemon.child.kill('SIGKILL');
      expect(await daemon.exit).toBe('SIGKILL');

      expect(integrity(file)).toBe('ok');
      expect(await missingRuns(file, acknowledged)).toEqual([]);
    }
    expect(acknowledged.size).toBeGreaterThan(500);

    // Started once more on the same folder: it runs, writes, and stops cleanly.
    const before = await storedRuns(file, ids);
    const firstBefore = await storedRuns(file, ids.slice(0, 1));
    const daemon = await serve(path.join(base, 'probes'), dataDir);
    await until(
      async () => (await fetch(`${daemon.url}/readyz`)).status === 200,
      5_000,
      'ready after the restart',
    );
    await until(
      async () => (await storedRunsVia(daemon.url, ids.slice(0, 1))) > firstBefore,
      5_000,
      'new runs after the restart',
    );
    daemon.child.kill('SIGTERM');
    expect(await daemon.exit).toBe(0);
    expect(await storedRuns(file, ids)).toBeGreaterThan(before);
    expect(await missingRuns(file, acknowledged)).toEqual([]);
  }, 60_000);

  it('kill -9 inside a transaction: every batch is all there or not at all', async () => {
    const file = path.join(root, 'torn', 'ozgwatch.db');
    const batch = 1_000;
    let insideTransaction = 0;
    for (let round = 1; round <= 4; round++) {
      const tag = `round${round}`;
      const writer = spawn(process.execPath, [STORE_WRITER, file, tag, String(batch)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(() => writer.kill('SIGKILL'));
      let committed = 0;
      let killedAt = 0;
      // The last batch the writer began. Its lines reach this process late on a busy machine:
      // by the time `writing n` is read and the signal sent, later batches may have begun,
      // so the bound below is the writer's own last line, read to the end after it died.
      let begun = 0;
      const exit = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
      for await (const line of createInterface({ input: writer.stdout })) {
        const [word, n] = line.split(' ');
        if (word === 'committed') committed = Math.max(committed, Number(n));
        if (word === 'writing') begun = Math.max(begun, Number(n));
        // Right after a batch began: its transaction is what the signal interrupts.
        if (word === 'writing' && killedAt === 0 && Number(n) >= 2 + round) {
          writer.kill('SIGKILL');
          killedAt = Number(n);
        }
      }
      await exit;
      expect(killedAt).toBeGreaterThan(0);

      expect(integrity(file)).toBe('ok');
      const db = new DatabaseSync(file);
      const rows = (
        db.prepare('SELECT count(*) AS n FROM runs WHERE run_id LIKE ?').get(`${tag}-%`) as {
          n: number;
        }
      ).n;
      db.close();
      // All acknowledged batches; the interrupted one whole or not at all.
      expect(rows % batch).toBe(0);
      expect(rows / batch).toBeGreaterThanOrEqual(committed);
      expect(rows / batch).toBeLessThanOrEqual(begun);
      if (rows / batch === begun - 1) insideTransaction++;
    }
    console.info(`kills that landed inside a transaction: ${insideTransaction} of 4`);
    // A batch of 1,000 rows takes tens of ms to commit: most kills land inside one, and a
    // run where none did has not tested what it says.
    expect(insideTransaction).toBeGreaterThan(0);
    // The store opens cleanly afterwards.
    const store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
    await store.close();
  }, 60_000);
});

function execMount(args: string[]): void {
  execFileSync('mount', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run ids the daemon's API lists: the last run of each probe, or its last `limit` runs. */
async function acknowledgedRuns(
  url: string,
  ids: readonly string[],
  limit?: number,
): Promise<Set<string>> {
  const out = new Set<string>();
  try {
    if (limit === undefined) {
      const res = await fetch(`${url}/api/probes`, { signal: AbortSignal.timeout(5_000) });
      const probes = (await res.json()) as { id: string; lastRun: { runId: string } | null }[];
      for (const p of probes) if (ids.includes(p.id) && p.lastRun) out.add(p.lastRun.runId);
    } else {
      for (const id of ids) {
        const res = await fetch(`${url}/api/probes/${id}/runs?limit=${limit}`, {
          signal: AbortSignal.timeout(5_000),
        });
        for (const r of (await res.json()) as { runId: string }[]) out.add(r.runId);
      }
    }
  } catch {
    // The daemon went away mid-request: only answers received count as acknowledged.
  }
  return out;
}

async function storedRunsVia(url: string, ids: readonly string[]): Promise<number> {
  return (await acknowledgedRuns(url, ids, 1000)).size;
}

async function missingRuns(file: string, runIds: ReadonlySet<string>): Promise<string[]> {
  const store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  try {
    const missing: string[] = [];
    for (const id of runIds) if (!(await store.run(id))) missing.push(id);
    return missing;
  } finally {
    await store.close();
  }
}

interface Served {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code, or the signal that ended it. */
  exit: Promise<number | string | null>;
}

/** The real CLI's `serve` on a free port of 127.0.0.1, its log on stdout. */
function spawnServe(probes: string, dataDir: string): ChildProcessByStdio<null, Readable, null> {
  return spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      PATH: process.env.PATH,
      OZGWATCH_PROBES: probes,
      OZGWATCH_DATA_DIR: dataDir,
      OZGWATCH_HOST: '127.0.0.1',
      OZGWATCH_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** `ozgwatch serve` as a child process; resolves once it serves. */
async function serve(probes: string, dataDir: string): Promise<Served> {
  const child = spawnServe(probes, dataDir);
  cleanups.push(
    () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'),
  );
  const exit = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ozgwatch did not start in 20 s')), 20_000);
    void exit.then((code) => reject(new Error(`ozgwatch exited with ${code} before serving`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'ozgwatch serving' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return { child, url, exit };
}

/** `ozgwatch serve` expected to fail at start: its exit code and log lines. */
async function serveOnce(
  probes: string,
  dataDir: string,
): Promise<{ code: number | null; lines: LogLine[] }> {
  const child = spawnServe(probes, dataDir);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const lines: LogLine[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(JSON.parse(line) as LogLine);
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (c) => resolve(c));
  });
  clearTimeout(timer);
  return { code, lines };
}

/** A store left as a SIGKILL leaves it: committed rows, a WAL file and a shared-memory file. */
async function killedWriter(file: string): Promise<void> {
  const writer = spawn(process.execPath, [STORE_WRITER, file, 'left', '10'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  for await (const line of createInterface({ input: writer.stdout })) {
    if (line.startsWith('committed')) {
      writer.kill('SIGKILL');
      break;
    }
  }
  await exit;
}

/** Another process holding a lock on the store's file until `release`. */
async function holdLock(file: string): Promise<{ release(): Promise<void> }> {
  const child = spawn(process.execPath, [LOCK_HOLDER, file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  cleanups.push(() => child.kill('SIGKILL'));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('lock holder did not lock in 10 s')), 10_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      if (line === 'locked') resolve();
      else reject(new Error(`lock holder said ${line}`));
    });
  });
  return {
    release: async () => {
      child.stdin.end();
      await exit;
    },
  };
}
