/**
 * Per-probe selections that panels share with the shipped alert rules
 * (deploy/prometheus/rules/ozgwatch-alerts.yaml), so that a dashboard shows what pages
 * people: the same kinds, the same exclusions, the same way of matching several locations
 * and the shards of one location. test/dashboards/panels.test.ts holds panels and alerts to
 * the same series.
 */

/**
 * Which probes measure availability: kinds http and browser. The other kinds fail on
 * findings (violations, media breaks), not because citizens cannot reach the service.
 * `and` matches `on (probe)`: the kind is the same wherever the probe runs, and `and`
 * never fails on the duplicates several locations export.
 */
export const AVAILABILITY_KINDS = 'on (probe) ozgwatch_probe_info{kind=~"http|browser"}';

/**
 * Not the target's fault, not an outage: status error (3, ozgwatch could not check) and an
 * announced maintenance window (probe_success keeps its value from before the window).
 * Matched per exposition, `on (probe, instance, location)`, as in the alerts: a window or
 * an error at one instance must not hide another instance's result.
 */
export const NOT_AN_OUTAGE =
  'unless on (probe, instance, location) (ozgwatch_probe_status == 3) unless on (probe, instance, location) (ozgwatch_probe_maintenance == 1)';

/**
 * Probe series failing now as OzgwatchServiceDown and its multi-location siblings see
 * them: `probe_success` 0 of an http or browser probe, not in error, not in maintenance.
 * One series per probe and exporting instance; aggregate `without (instance)` for one per
 * probe and location.
 */
export function failingNow(scope: string): string {
  return `(probe_success{${scope}} == 0) and ${AVAILABILITY_KINDS} ${NOT_AN_OUTAGE}`;
}

/**
 * The right-hand side of a join that adds `ozgwatch_probe_info`'s labels (`name`, `kind`,
 * `ags`, `leika`): one series per probe. Every location and, during a move, two shards export
 * the info series, and `* on (probe) group_left (…)` against all of them fails with "found
 * duplicate series for the match group" — in a multi-location outage, of all times.
 * `topk by (probe) (1, …)` keeps one whichever exported it, even while a renamed probe has
 * different names at two locations.
 */
export const PROBE_INFO = 'topk by (probe) (1, ozgwatch_probe_info)';

/**
 * Media breaks that are there now and were absent (0) at some time in the last day, as
 * OzgwatchMediaBreakAppeared finds them: a probe's first check is a baseline, and a gap (a
 * run that could not read the page) is no absence. Both sides are taken `without
 * (instance)`, so a probe that moves to another shard keeps its day of history: its breaks
 * do not all appear at once, and one that appears with the move is not missed.
 */
export function mediaBreaksAppeared(scope: string): string {
  return `(max without (instance) (ozgwatch_media_breaks{${scope}}) == 1) and (min without (instance) (min_over_time(ozgwatch_media_breaks{${scope}}[1d])) == 0)`;
}

/**
 * One value per probe of a scan series (accessibility, BITV, documents, Lighthouse, media
 * breaks, maturity level), however many locations scan the probe and, during a move, however
 * many shards of one location export it. Summed over all series, two locations would count
 * every violation, document and media break twice.
 *
 * The value is the worst one any of them saw (`max` of a count of problems, `min` of a level,
 * a signal or a score), not the newest scan. Two locations read the same pages; they disagree
 * when the page differs by place or time (a release between their scans, content by region, a
 * CDN node), and a barrier one of them met is met by citizens too, the alerts (per location)
 * fired for it, and the dashboard must not show fewer. The newest scan would need the last-run
 * time joined in, and a probe would vanish from the sum whenever its newest run was one that
 * produced no scan series (status error) or a maintenance run (the time moves, the gauges do
 * not); nor does the worst value jump between two locations' figures with each scan. The price:
 * a fix shows once every location has scanned again, one interval at most.
 */
export function worstPerProbe(worst: 'max' | 'min', selector: string): string {
  return `${worst} without (instance, location) (${selector})`;
}

/**
 * The address of each instance that names one (`server.externalUrl`, exported as
 * `external_url` of `ozgwatch_build_info`): one series per instance, also while a rollout or
 * a new browser version gives it two build-info series.
 */
const INSTANCE_URLS = 'topk by (instance, location) (1, ozgwatch_build_info{external_url!=""})';

/**
 * Per probe and location, the address of the instance that ran the probe last: the one whose
 * volume holds the evidence of its newest runs (screenshot, page HTML, trace), for links to its
 * probe and run pages. The instances of a location share their runs only through PostgreSQL,
 * not their evidence, and in the Kubernetes kit each pod names its own address; another
 * location's ozgwatch has other runs altogether. While a probe moves to another shard both
 * instances export it, and the newer run (`ozgwatch_probe_last_run_timestamp_seconds`) wins.
 * One series per probe and location, value 1, labels `probe`, `location`, `external_url`.
 */
export function probeUrls(scope: string): string {
  return `group by (probe, location, external_url) (topk by (probe, location) (1, ozgwatch_probe_last_run_timestamp_seconds{${scope}} * on (instance, location) group_left (external_url) ${INSTANCE_URLS}))`;
}

/**
 * `rows` (which carry `probe`) with the label `external_url`: the address of the ozgwatch that
 * ran that probe last at the row's location ({@link probeUrls}). A probe whose instance names no
 * address (unset, or a version before `server.externalUrl`) gets the dashboard's `$ozgwatch`
 * variable instead, so its rows keep a link rather than vanish from the join. No `location`
 * label on either side (one location) matches as well.
 */
export function withDaemonUrl(rows: string, scope: string): string {
  return `(${rows}) * on (probe, location) group_left (external_url) ${probeUrls(scope)} or on (probe, location) label_replace(${rows}, "external_url", "$ozgwatch", "", "")`;
}

/**
 * Probe series whose last result is stale, as OzgwatchStaleResults finds them (before its
 * `for:`): the third run after it is due and none has ended. The scrape works, but the runs
 * stopped (a stuck scheduler, a full pool). Their gauges still hold the last result, so every
 * "now" panel would show it as current. The daemon computes the moment from the probe's own
 * schedule, so a weekly scan is listed after three weeks without a run, not after 15 minutes.
 */
export function staleResults(scope: string): string {
  return `ozgwatch_probe_stale_after_timestamp_seconds{${scope}} < time()`;
}

/**
 * Probes that an instance exported in the last day, that no instance exports now, and whose
 * instance is not scraped successfully now: its ozgwatch is down, or gone from service discovery
 * (a shard pod that cannot be scheduled). Their series went stale, so they drop out of every
 * average and count instead of showing as unknown. A probe that moved to another shard is
 * exported there, and one removed from the probe files leaves an instance that is still up: neither
 * is listed. `up` carries `location` when it is a target label; when only the daemon sets it, the
 * instance alone matches.
 */
export function vanishedProbes(scope: string): string {
  return `last_over_time(ozgwatch_probe_info{${scope}}[1d]) unless on (probe) ozgwatch_probe_info unless on (job, instance, location) (up == 1) unless on (job, instance) (up{location=""} == 1)`;
}

/** One series per probe of the scope that has no current result: stale or vanished. */
export function withoutCurrentResult(scope: string): string {
  return `group by (probe) (${staleResults(scope)}) or group by (probe) (${vanishedProbes(scope)})`;
}
