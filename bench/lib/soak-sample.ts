/**
 * What the soak reads from outside the daemon: /proc for the daemon and its Chromium, the
 * store's files, the evidence folder. Everything here tolerates a process or file that
 * disappears while it is read (Chromium's renderers come and go with every run).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { processTree } from '../../src/runner/process-tree.ts';

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

/** The fields of /proc/<pid>/stat after the command name, or undefined once it ended. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A process as it can be recognised later: pid and start time (clock ticks after boot). A
 * pid can be reused once its process ended; pid and start time together cannot.
 */
export interface ProcessId {
  pid: number;
  startTicks: number;
}

export function processId(pid: number): ProcessId | undefined {
  const f = statFields(pid);
  // Field 22 of stat is starttime; the slice starts at field 3.
  return f ? { pid, startTicks: Number(f[19]) } : undefined;
}

/** Whether that very process still exists (a zombie counts: it was not reaped). */
export function stillRunning(p: ProcessId): boolean {
  return processId(p.pid)?.startTicks === p.startTicks;
}

/**
 * Whether that very process has ended but was not reaped. An orphan's parent is then PID 1,
 * which must reap it: the container image runs tini for that; a sandbox whose PID 1 does
 * not reap keeps such zombies, which hold no memory but a process-table entry.
 */
export function isZombie(p: ProcessId): boolean {
  const f = statFields(p.pid);
  return f !== undefined && Number(f[19]) === p.startTicks && f[0] === 'Z';
}

/** The daemon's descendants (Chromium's processes), identified for later. */
export function descendants(root: number): ProcessId[] {
  return processTree(root)
    .slice(1)
    .map(processId)
    .filter((p): p is ProcessId => p !== undefined);
}

function procKb(pid: number, file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/${file}`, 'utf8'),
    );
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function rssBytes(pid: number): number {
  return procKb(pid, 'status', 'VmRSS') * 1024;
}

/** Summed PSS of some processes: shared pages counted once over all of them. */
export function pssBytes(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + procKb(pid, 'smaps_rollup', 'Pss'), 0) * 1024;
}

export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process has used so far; 0 once it ended. */
export function ownCpuSeconds(pid: number): number {
  const f = statFields(pid);
  // stat fields 14/15 (utime/stime) are indices 11/12 of the slice.
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0;
}

/**
 * Busy CPU seconds of the whole machine, from /proc/stat. Chromium's own share is not
 * taken per process: its renderers live shorter than a sample interval and are reaped
 * by a zygote that a browser replacement takes away, so per-process sums undercount.
 */
export function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  const n = (i: number): number => Number(f[i] ?? 0) / CLK_TCK;
  // user nice system idle iowait irq softirq steal
  return n(0) + n(1) + n(2) + n(5) + n(6);
}

export function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes and run folders under the evidence folder (`<root>/<probe>/<run>/<file>`). */
export function artifactUsage(root: string): { bytes: number; runs: number } {
  let bytes = 0;
  let runs = 0;
  if (!existsSync(root)) return { bytes, runs };
  for (const probe of readdirSync(root)) {
    let list: string[];
    try {
      list = readdirSync(path.join(root, probe));
    } catch {
      continue;
    }
    for (const run of list) {
      runs++;
      try {
        for (const file of readdirSync(path.join(root, probe, run))) {
          bytes += fileBytes(path.join(root, probe, run, file));
        }
      } catch {
        // removed meanwhile
      }
    }
  }
  return { bytes, runs };
}

/**
 * Runs in the SQLite store, read through a read-only connection opened for this one
 * query: a reader held open would keep the WAL from being checkpointed and so distort
 * the very thing measured. `count(*)` walks the smallest index, not the JSON rows.
 */
export function storedRuns(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** Runs by kind and status, for the summary at the end (after the daemon stopped). */
export function runsByKindAndStatus(
  file: string,
): { kind: string; status: string; reason: string | null; runs: number }[] {
  if (!existsSync(file)) return [];
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(
        'SELECT kind, status, reason, count(*) AS runs FROM runs GROUP BY kind, status, reason ORDER BY kind, runs DESC',
      )
      .all() as { kind: string; status: string; reason: string | null; runs: number }[];
  } finally {
    db.close();
  }
}
