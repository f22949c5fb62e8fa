import type { SelectorWindow } from '../probes/loader.ts';
import type { MaintenanceWindow, Probe } from '../probes/schema.ts';
import { CronSchedule } from '../scheduler/cron.ts';

interface CompiledWindow {
  cron: CronSchedule;
  duration: number;
  reason?: string;
}

/**
 * Answers "is this probe in a maintenance window at time t?". Runs are still made
 * during a window; their results are marked and kept out of availability.
 */
export class MaintenanceCalendar {
  readonly #byProbe = new Map<string, CompiledWindow[]>();

  constructor(probes: readonly Probe[], selectorWindows: readonly SelectorWindow[]) {
    const cache = new Map<string, CronSchedule>();
    const compile = (w: MaintenanceWindow): CompiledWindow => {
      let cron = cache.get(w.cron);
      if (!cron) cache.set(w.cron, (cron = new CronSchedule(w.cron)));
      return { cron, duration: w.duration, ...(w.reason ? { reason: w.reason } : {}) };
    };
    for (const probe of probes) {
      const windows = probe.maintenance.map(compile);
      for (const w of selectorWindows) if (selects(w.match, probe)) windows.push(compile(w));
      if (windows.length > 0) this.#byProbe.set(probe.id, windows);
    }
  }

  /** The window `at` (epoch ms) falls into, if any. */
  windowAt(probeId: string, at: number): { reason?: string; until: number } | undefined {
    for (const w of this.#byProbe.get(probeId) ?? []) {
      // The window that could contain `at` is the first start after (at - duration).
      const start = w.cron.next(at - w.duration - 1);
      if (start <= at && at < start + w.duration)
        return { ...(w.reason ? { reason: w.reason } : {}), until: start + w.duration };
    }
    return undefined;
  }
}

function selects(match: SelectorWindow['match'], probe: Probe): boolean {
  return (
    (match.probe === undefined || match.probe === probe.id) &&
    (match.service === undefined || match.service === probe.labels.service) &&
    (match.county === undefined || match.county === probe.labels.county)
  );
}
