/**
 * What the pages show, read from the store: store → model here, model → HTML in
 * overview.ts and pages.ts.
 */
import { summarise } from '../checkers/a11y/summary.ts';
import type { LoadedProbe, Probe } from '../probes/schema.ts';
import { staleAfter } from '../scheduler/staleness.ts';
import type { Result } from '../results/result.ts';
import type { Store } from '../store/store.ts';
import type { OverviewModel, OverviewProbe } from './overview.ts';
import type { ProbeHistory, ProbeModel } from './pages.ts';

/**
 * Older runs searched for an accessibility or media-break report when the latest run did
 * not produce one (it broke off). Bounded: the overview is read on every visit.
 */
const LOOKBACK_RUNS = 5;

/** Reads the latest results of the loaded probes into the overview model. */
export async function loadOverview(
  store: Store,
  loaded: readonly LoadedProbe[],
  now: number,
  scheduledSince: (probeId: string) => number | undefined = () => undefined,
): Promise<OverviewModel> {
  const latest = await store.latest(loaded.map((l) => l.probe.id));
  const probes = await Promise.all(
    loaded.map(async ({ probe }): Promise<OverviewProbe> => {
      const last = latest.get(probe.id);
      const base: OverviewProbe = {
        id: probe.id,
        name: probe.name,
        kind: probe.kind,
        county: probe.labels.county,
        service: probe.labels.service,
        enabled: probe.enabled,
      };
      if (!last) {
        return isStale(probe, undefined, now, scheduledSince(probe.id))
          ? { ...base, stale: true }
          : base;
      }
      const { a11y, mediaBreaks } = await withReports(store, last);
      const scanned = a11y?.a11y ? summarise(a11y.a11y) : undefined;
      const report = mediaBreaks?.mediaBreaks;
      return {
        ...base,
        ...(isStale(probe, last, now) ? { stale: true as const } : {}),
        last: {
          runId: last.runId,
          startedAt: last.startedAt,
          status: last.status,
          reportedStatus: last.reportedStatus,
          message: last.message,
        },
        ...(a11y && scanned
          ? {
              a11y: {
                runId: a11y.runId,
                startedAt: a11y.startedAt,
                byImpact: scanned.byImpact,
                waived: scanned.waived,
              },
            }
          : {}),
        ...(mediaBreaks && report
          ? {
              maturity: {
                runId: mediaBreaks.runId,
                startedAt: mediaBreaks.startedAt,
                level: report.maturity.level,
                endToEndDigital: report.endToEndDigital,
                breaks: report.breaks.length,
              },
            }
          : {}),
      };
    }),
  );
  return { at: now, probes };
}

/**
 * Whether an enabled probe's latest result is stale: the third run after it is due and none
 * has ended ({@link staleAfter}), as OzgwatchStaleResults judges it from
 * `ozgwatch_probe_stale_after_timestamp_seconds`. Counted from the end of the run, so that a
 * journey that takes a minute is not stale on the page a minute before the alert. A probe
 * without any run counts from `scheduledSince`, when it got its schedule; without that time,
 * it is not stale.
 */
export function isStale(
  probe: Probe,
  last: Result | undefined,
  now: number,
  scheduledSince?: number,
): boolean {
  const from = last ? last.startedAt + last.duration * 1000 : scheduledSince;
  return probe.enabled && from !== undefined && now > staleAfter(probe, from);
}

/**
 * The latest results with an accessibility and a media-break report. A successful run
 * without a report means the probe makes none; only a run that broke off sends the
 * search back through a few older runs.
 */
async function withReports(
  store: Store,
  last: Result,
): Promise<{ a11y?: Result; mediaBreaks?: Result }> {
  let a11y = last.a11y ? last : undefined;
  let mediaBreaks = last.mediaBreaks ? last : undefined;
  const success = last.status === 'pass' || last.status === 'degraded';
  if ((a11y && mediaBreaks) || success) {
    return { ...(a11y ? { a11y } : {}), ...(mediaBreaks ? { mediaBreaks } : {}) };
  }
  const older = await store.runs({
    probeId: last.probeId,
    to: last.startedAt,
    limit: LOOKBACK_RUNS,
  });
  for (const summary of older) {
    const result = await store.run(summary.runId);
    if (!a11y && result?.a11y) a11y = result;
    if (!mediaBreaks && result?.mediaBreaks) mediaBreaks = result;
    if (a11y && mediaBreaks) break;
  }
  return { ...(a11y ? { a11y } : {}), ...(mediaBreaks ? { mediaBreaks } : {}) };
}

/** Media-break changes on the probe page. */
const MEDIA_BREAK_EVENTS = 50;

/**
 * Findings and media-break changes of a probe that has (or had) such checks; the
 * occurrences its latest scan counted as waived.
 */
export async function loadProbeHistory(store: Store, probe: ProbeModel): Promise<ProbeHistory> {
  const latest = (await store.latest([probe.id])).get(probe.id);
  const findings = await store.findings(probe.id);
  const events = await store.mediaBreakEvents({ probeId: probe.id, limit: MEDIA_BREAK_EVENTS });
  const waived = new Set(
    (latest?.a11y?.pages ?? []).flatMap((page) =>
      page.violations.flatMap((v) => v.nodes.filter((n) => n.waived).map((n) => n.occurrence)),
    ),
  );
  return {
    ...(findings.length > 0 || latest?.a11y || probe.kind === 'a11y' ? { findings, waived } : {}),
    ...(events.length > 0 || latest?.mediaBreaks || probe.kind === 'media-breaks'
      ? { mediaBreakEvents: events }
      : {}),
  };
}
