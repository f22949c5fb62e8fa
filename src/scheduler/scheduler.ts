import type { Probe } from '../probes/schema.ts';
import { DEFAULT_EVERY_MS } from '../probes/schema.ts';
import type { Clock } from './clock.ts';
import { CronSchedule } from './cron.ts';
import { MinHeap } from './min-heap.ts';

/** Why a due run was not started. */
export type SkipReason = 'overlap';

export interface SchedulerOptions {
  clock: Clock;
  /** [0, 1); injectable so tests can pin the first offsets. */
  random?: () => number;
  /**
   * Starts a run. The returned promise settles when the run is over; until then the
   * probe is not started again (a due run meanwhile is skipped as `overlap`).
   */
  dispatch: (probe: Probe, dueAt: number) => Promise<void>;
  onSkip?: (probe: Probe, reason: SkipReason) => void;
  /** Lateness of each due run, seconds: how long after its due time the scheduler handed it on. */
  onLag?: (seconds: number) => void;
}

interface Entry {
  probe: Probe;
  /** Changes of schedule restart the timing; other edits keep it. */
  signature: string;
  /** Monotonic ms of the next run. */
  due: number;
  /** Interval probes: the grid point the next run belongs to (due = anchor + jitter). */
  anchor: number;
  interval: number;
  jitter: number;
  cron?: CronSchedule;
  removed: boolean;
  /** Wall-clock ms when this schedule was set: before a first run, staleness counts from it. */
  since: number;
}

/** Default spread per run: a tenth of the interval, at most 30 s. */
export function defaultJitter(interval: number): number {
  return Math.min(Math.floor(interval / 10), 30_000);
}

/**
 * Decides *when* probes run. One timer for all probes (the earliest due one), a heap
 * of due times, a random first offset per probe so that a restart does not start
 * every probe at once, and no run of a probe while its previous run is still going.
 *
 * Interval runs stay on a fixed grid (anchor + k × interval) with a fresh jitter each
 * time, so they neither drift nor pile up after a stall: missed grid points are skipped.
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #options: SchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new MinHeap<Entry>((a, b) => a.due - b.due);
  /** Probe ids with a run in flight; by id, so a schedule change cannot start a second run. */
  readonly #running = new Set<string>();
  #cancelTimer: (() => void) | undefined;
  #armedFor = Infinity;
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
  }

  /** Replaces the probe set. Unchanged schedules keep their timing; new probes get a random first offset. */
  setProbes(probes: readonly Probe[]): void {
    const now = this.#clock.monotonic();
    const keep = new Set<string>();
    for (const probe of probes) {
      if (!probe.enabled) continue;
      keep.add(probe.id);
      const signature = scheduleSignature(probe);
      const existing = this.#entries.get(probe.id);
      if (existing && existing.signature === signature) {
        existing.probe = probe;
        continue;
      }
      if (existing) existing.removed = true;
      const entry = this.#newEntry(probe, signature, now);
      this.#entries.set(probe.id, entry);
      this.#heap.push(entry);
    }
    for (const [id, entry] of this.#entries) {
      if (!keep.has(id)) {
        entry.removed = true;
        this.#entries.delete(id);
      }
    }
    this.#arm();
  }

  start(): void {
    this.#started = true;
    this.#arm();
  }

  /** No run starts after this; runs in flight are the runner's business. */
  stop(): void {
    this.#started = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#armedFor = Infinity;
  }

  /** Monotonic due time of a probe's next run, for tests and the API. */
  nextDue(probeId: string): number | undefined {
    return this.#entries.get(probeId)?.due;
  }

  /** Wall-clock time of a probe's next run. */
  nextRunAt(probeId: string): number | undefined {
    const due = this.nextDue(probeId);
    return due === undefined ? undefined : this.#clock.now() + (due - this.#clock.monotonic());
  }

  /**
   * Wall-clock time since which the probe has had its current schedule: when it was loaded, or
   * when a reload changed `every`, `cron` or `jitter`.
   */
  scheduledSince(probeId: string): number | undefined {
    return this.#entries.get(probeId)?.since;
  }

  size(): number {
    return this.#entries.size;
  }

  /** Runs dispatched and not yet over. */
  inFlight(): number {
    return this.#running.size;
  }

  #newEntry(probe: Probe, signature: string, now: number): Entry {
    if (probe.cron !== undefined) {
      const cron = new CronSchedule(probe.cron);
      const entry: Entry = {
        probe,
        signature,
        due: 0,
        anchor: 0,
        interval: 0,
        jitter: probe.jitter ?? 0,
        cron,
        removed: false,
        since: this.#clock.now(),
      };
      entry.due = this.#nextCronDue(entry, now);
      return entry;
    }
    const interval = probe.every ?? DEFAULT_EVERY_MS;
    const jitter = Math.min(probe.jitter ?? defaultJitter(interval), interval);
    const anchor = now + this.#random() * interval;
    return {
      probe,
      signature,
      due: anchor,
      anchor,
      interval,
      jitter,
      removed: false,
      since: this.#clock.now(),
    };
  }

  #nextCronDue(entry: Entry, nowMono: number): number {
    const wall = this.#clock.now();
    const next = (entry.cron as CronSchedule).next(wall);
    return nowMono + (next - wall) + this.#random() * entry.jitter;
  }

  #arm(): void {
    if (!this.#started) return;
    this.#dropRemovedTop();
    const top = this.#heap.peek();
    if (!top) {
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
      this.#armedFor = Infinity;
      return;
    }
    if (top.due === this.#armedFor && this.#cancelTimer) return;
    this.#cancelTimer?.();
    this.#armedFor = top.due;
    this.#cancelTimer = this.#clock.setTimer(() => this.#fire(), top.due - this.#clock.monotonic());
  }

  #dropRemovedTop(): void {
    while (this.#heap.peek()?.removed) this.#heap.pop();
  }

  #fire(): void {
    this.#cancelTimer = undefined;
    this.#armedFor = Infinity;
    if (!this.#started) return;
    const now = this.#clock.monotonic();
    for (;;) {
      this.#dropRemovedTop();
      const entry = this.#heap.peek();
      // Timers may fire a hair early; 1 ms of tolerance avoids a second wake-up.
      if (!entry || entry.due > now + 1) break;
      this.#heap.pop();
      this.#options.onLag?.(Math.max(0, now - entry.due) / 1000);
      this.#start(entry);
      entry.due = this.#following(entry, now);
      this.#heap.push(entry);
    }
    this.#arm();
  }

  #start(entry: Entry): void {
    const id = entry.probe.id;
    if (this.#running.has(id)) {
      this.#options.onSkip?.(entry.probe, 'overlap');
      return;
    }
    this.#running.add(id);
    const dueAt = this.#clock.now() - (this.#clock.monotonic() - entry.due);
    this.#options
      .dispatch(entry.probe, dueAt)
      .catch(() => undefined) // the runner reports its own failures; the schedule goes on
      .finally(() => {
        this.#running.delete(id);
      });
  }

  #following(entry: Entry, now: number): number {
    if (entry.cron) return this.#nextCronDue(entry, now);
    // Next grid point after now: missed points (a stalled loop, a suspended VM) are skipped, not caught up.
    const steps = Math.max(1, Math.floor((now - entry.anchor) / entry.interval) + 1);
    entry.anchor += steps * entry.interval;
    return entry.anchor + this.#random() * entry.jitter;
  }
}

/** What decides when a probe runs: a change of it restarts the probe's timing. */
export function scheduleSignature(probe: Probe): string {
  return `${probe.every ?? ''}|${probe.cron ?? ''}|${probe.jitter ?? ''}`;
}
