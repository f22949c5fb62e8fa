import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Result } from '../results/result.ts';
import type { FindingHistory } from '../store/store.ts';
import { AXE_VERSION } from '../checkers/a11y/axe.ts';
import { specOf, type Probe } from '../probes/schema.ts';
import { catalogue, SKIP_REASONS, type MetricSpec } from './catalogue.ts';
import { ProbeSeries } from './probe-series.ts';

export interface MetricsOptions {
  /** Where the daemon's own metrics go; built by the caller, never prom-client's global one. */
  registry: Registry;
  /** ozgwatch's version, for `ozgwatch_build_info`. */
  version: string;
  /** Wall time, epoch ms; stamps `ozgwatch_probe_last_run_timestamp_seconds`. @default Date.now */
  now?: () => number;
  /** Register prom-client's default process metrics in the registry. @default true */
  processMetrics?: boolean;
  /** Playwright's version, for `ozgwatch_build_info`. @default '' */
  playwrightVersion?: string;
  /** Vantage point: a `location` label on every per-probe series and on the daemon's own. */
  location?: string;
  /** `INDEX/COUNT` when probes are shared out: a `shard` label on the daemon's own series. */
  shard?: string;
  /** Where people open this instance's pages (`server.externalUrl`), for `ozgwatch_build_info`. */
  externalUrl?: string;
}

/**
 * The metrics sink and the daemon's own metrics. Owns every metric ozgwatch exports;
 * names, types and labels come from the {@link catalogue}.
 */
export interface Metrics {
  readonly registry: Registry;
  /** `Content-Type` of {@link render}'s text. */
  readonly contentType: string;
  /**
   * The probes now configured; call on every (re)load. Writes info and interval series,
   * drops every series of probes no longer listed; counters of the others survive.
   */
  setProbes(probes: readonly Probe[]): void;
  /**
   * One result. A run in a maintenance window counts as `result="maintenance"` and
   * leaves `probe_success` and the other last-run gauges at their last values.
   * Results of probes not configured (any more) are ignored.
   */
  record(probe: Probe, result: Result): void;
  /**
   * The probe's last stored run, shown until it runs in this process (a restart), not
   * counted as a run; ignored when the probe ran meanwhile or the result no longer stands.
   */
  seed(probe: Probe, result: Result): void;
  /**
   * The probe's accessibility findings from the store, when the probe is new to this
   * process: patterns seen before keep their age in `ozgwatch_a11y_new_patterns`.
   */
  seedFindings(probe: Probe, findings: readonly FindingHistory[]): void;
  observeSchedulerLag(seconds: number): void;
  runStarted(kind: string): void;
  runFinished(kind: string): void;
  runSkipped(reason: string): void;
  /** A (re)load of the probe configuration ended; `at` in epoch ms. */
  configReloaded(ok: boolean, at: number): void;
  setStorePending(n: number): void;
  /** Results in the PostgreSQL store's disk buffer, and their size. */
  setStoreBuffered(results: number, bytes: number, limitBytes: number): void;
  /** Probes this instance runs: all loaded ones, or its shard's share. */
  setAssignedProbes(n: number): void;
  /** Probes of the loaded configuration, of all shards. */
  setLoadedProbes(n: number): void;
  /** The store's running total of dropped results ({@link SqliteStore.dropped}). */
  setStoreDropped(total: number): void;
  /** Whether the ended quarter's report is due and missing (its making failed or waits). */
  setQuarterlyReportOverdue(overdue: boolean): void;
  /** A quarterly report was made or failed, asked for by the schedule or the `/reports` form. */
  reportMade(trigger: 'schedule' | 'request', ok: boolean): void;
  /** The browser was replaced (`crash`, `runs`, `memory`). */
  browserRestarted(reason: string): void;
  setBrowserContexts(n: number): void;
  /** Chromium's version, known after the first launch; goes into `ozgwatch_build_info`. */
  setBrowserVersion(version: string): void;
  /** The full text exposition: per-probe series, then the registry's metrics. */
  render(): Promise<string>;
  /** {@link render}'s text in pieces of about 64 KiB, for a server that streams it. */
  exposition(): AsyncGenerator<string>;
}

/**
 * @example
 * const metrics = createMetrics({ registry: new Registry(), version: VERSION });
 * metrics.setProbes(probes);
 * metrics.record(probe, result);
 * res.end(await metrics.render());
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const { registry } = options;
  const now = options.now ?? Date.now;
  const series = new ProbeSeries(options.location, now);
  // The daemon's own series say which instance they describe; per-probe series do not
  // carry the shard, so a probe that moves to another instance keeps its labels.
  const own = {
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    ...(options.location === undefined ? {} : { location: options.location }),
  };
  if (Object.keys(own).length > 0) registry.setDefaultLabels(own);

  const lag = new Histogram({
    ...base(catalogue.schedulerLag, registry),
    buckets: [...catalogue.schedulerLag.buckets],
  });
  const inFlight = new Gauge(base(catalogue.runsInFlight, registry));
  const skipped = new Counter(base(catalogue.runsSkipped, registry));
  const reloadOk = new Gauge(base(catalogue.configReloadSuccessful, registry));
  const reloadAt = new Gauge(base(catalogue.configReloadTimestamp, registry));
  const build = new Gauge(base(catalogue.buildInfo, registry));
  const pending = new Gauge(base(catalogue.storePendingWrites, registry));
  const dropped = new Counter(base(catalogue.storeDroppedWrites, registry));
  const bufferedResults = new Gauge(base(catalogue.storeBufferedResults, registry));
  const bufferedBytes = new Gauge(base(catalogue.storeBufferBytes, registry));
  const bufferLimit = new Gauge(base(catalogue.storeBufferLimitBytes, registry));
  const assigned = new Gauge(base(catalogue.probesAssigned, registry));
  const loaded = new Gauge(base(catalogue.probesLoaded, registry));
  const contexts = new Gauge(base(catalogue.browserContexts, registry));
  const a11yEngine = new Gauge(base(catalogue.a11yEngineInfo, registry));
  const restarts = new Counter(base(catalogue.browserRestarts, registry));
  const reports = new Counter(base(catalogue.reports, registry));
  const reportOverdue = new Gauge(base(catalogue.quarterlyReportOverdue, registry));
  let droppedSoFar = 0;

  const buildLabels = {
    version: options.version,
    node_version: process.versions.node,
    playwright_version: options.playwrightVersion ?? '',
    browser_version: '',
    external_url: options.externalUrl ?? '',
  };
  build.set(buildLabels, 1);
  for (const reason of ['crash', 'runs', 'memory']) restarts.inc({ reason }, 0);
  for (const trigger of ['schedule', 'request']) {
    for (const result of ['made', 'failed']) reports.inc({ trigger, result }, 0);
  }
  contexts.set(0);
  reportOverdue.set(0);
  // Known reasons start at 0, so the first skip shows up in increase().
  for (const reason of SKIP_REASONS) skipped.inc({ reason }, 0);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    setProbes(probes) {
      series.setProbes(probes);
      a11yEngine.reset();
      for (const profile of a11yProfiles(probes)) {
        a11yEngine.set({ axe_core_version: AXE_VERSION, profile }, 1);
      }
      for (const kind of new Set(probes.map((p) => p.kind))) inFlight.inc({ kind }, 0);
    },
    record(probe, result) {
      series.record(probe, result, now());
    },
    seed(probe, result) {
      series.seed(probe, result, now());
    },
    seedFindings(probe, findings) {
      series.seedFindings(probe, findings, now());
    },
    observeSchedulerLag(seconds) {
      lag.observe(Math.max(0, seconds));
    },
    runStarted(kind) {
      inFlight.inc({ kind });
    },
    runFinished(kind) {
      inFlight.dec({ kind });
    },
    runSkipped(reason) {
      skipped.inc({ reason });
    },
    configReloaded(ok, at) {
      reloadOk.set(ok ? 1 : 0);
      if (ok) reloadAt.set(at / 1000);
    },
    setStorePending(n) {
      pending.set(n);
    },
    setStoreBuffered(results, bytes, limitBytes) {
      bufferedResults.set(results);
      bufferedBytes.set(bytes);
      bufferLimit.set(limitBytes);
    },
    setLoadedProbes(n) {
      loaded.set(n);
    },
    setAssignedProbes(n) {
      assigned.set(n);
    },
    setStoreDropped(total) {
      if (total > droppedSoFar) dropped.inc(total - droppedSoFar);
      droppedSoFar = Math.max(droppedSoFar, total);
    },
    setQuarterlyReportOverdue(overdue) {
      reportOverdue.set(overdue ? 1 : 0);
    },
    reportMade(trigger, ok) {
      reports.inc({ trigger, result: ok ? 'made' : 'failed' });
    },
    browserRestarted(reason) {
      restarts.inc({ reason });
    },
    setBrowserContexts(n) {
      contexts.set(n);
    },
    setBrowserVersion(version) {
      if (buildLabels.browser_version === version) return;
      build.remove(buildLabels);
      buildLabels.browser_version = version;
      build.set(buildLabels, 1);
    },
    async render() {
      // Probe series first: they are what people look for.
      return series.render() + (await registry.metrics());
    },
    async *exposition() {
      yield* series.chunks();
      yield await registry.metrics();
    },
  };
}

/** Rule profiles of the probes that scan for accessibility. */
function a11yProfiles(probes: readonly Probe[]): Set<string> {
  const profiles = new Set<string>();
  for (const probe of probes) {
    const spec = specOf(probe) as
      | {
          profile?: string;
          a11y?: { profile?: string };
          steps?: { action: string; value: unknown }[];
        }
      | undefined;
    if (probe.kind === 'a11y' && spec?.profile) profiles.add(spec.profile);
    const scans = spec?.steps?.some(
      (s) =>
        s.action === 'scan' &&
        (s.value === true || (Array.isArray(s.value) && s.value.includes('a11y'))),
    );
    if (probe.kind === 'browser' && scans && spec?.a11y?.profile) profiles.add(spec.a11y.profile);
  }
  return profiles;
}

function base(spec: MetricSpec, registry: Registry) {
  return {
    name: spec.name,
    help: spec.help,
    labelNames: spec.labels,
    registers: [registry],
  };
}
