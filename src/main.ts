import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { checkerFor, checkers } from './checkers/registry.ts';
import { instanceName, userAgentFor, type Config } from './config/config.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { configuredProxy } from './net/proxy.ts';
import { formatDiagnostic } from './probes/diagnostics.ts';
import { oneAtATime } from './probes/one-at-a-time.ts';
import { loadProbes } from './probes/loader.ts';
import { unsetSecretsMessage, unsetSecretsOf } from './probes/unset-secrets.ts';
import type { LoadedProbe, Probe } from './probes/schema.ts';
import { QuarterlyReports, ReportGate, retentionShortfall } from './report/quarterly.ts';
import type { Result, RunOrigin } from './results/result.ts';
import { CertificateMemory } from './runner/certificate-memory.ts';
import { FlapDamper } from './runner/flap-damper.ts';
import { HostLimiter } from './runner/host-limiter.ts';
import { MaintenanceCalendar } from './runner/maintenance.ts';
import { Runner, type ResultSink } from './runner/runner.ts';
import { systemClock, type Clock } from './scheduler/clock.ts';
import { ArtifactStore } from './runner/artifacts.ts';
import { BrowserHost } from './runner/browser-host.ts';
import { Pool } from './scheduler/pool.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { owns } from './scheduler/shard.ts';
import type { ConfigState } from './server/overview.ts';
import { startServer, type RunningServer } from './server/server.ts';
import { openConfiguredStore, storeLocation } from './store/open.ts';
import type { PostgresStore } from './store/postgres.ts';
import type { ProbeRecord, Store } from './store/store.ts';
import { PLAYWRIGHT_VERSION, VERSION } from './version.ts';

/** The configuration the daemon runs on: swapped as a whole on a successful reload. */
export interface ActiveProbes {
  /** Every loaded probe: pages and the API show them all, whichever instance runs them. */
  probes: LoadedProbe[];
  /** Those this instance runs: all of them, or its shard's share. */
  assigned: Probe[];
  byId: Map<string, Probe>;
  maintenance: MaintenanceCalendar;
  loadedAt: number;
}

export interface Daemon {
  readonly config: Config;
  readonly metrics: Metrics;
  readonly store: Store;
  readonly server: RunningServer;
  readonly scheduler: Scheduler;
  readonly runner: Runner;
  /** Makes the last quarter's report when it is due; undefined when `reports.quarterly` is off or another shard does it. */
  readonly quarterlyReports: QuarterlyReports | undefined;
  /** The probes in force (the last good configuration). */
  active(): ActiveProbes | undefined;
  /** Re-reads the probes folder; keeps the last good set when the new one has problems. */
  reload(): Promise<boolean>;
  /** Stops scheduling, lets runs finish (up to the grace period), flushes the store, closes the server. */
  stop(): Promise<void>;
}

/** The first look for a due quarterly report, after the start. */
const QUARTERLY_FIRST_CHECK_MS = 5 * 60_000;

export interface DaemonDeps {
  logger: Logger;
  clock?: Clock;
  /**
   * For tests: a store other than the SQLite file under dataDir. `/reports` makes its
   * reports from the configured store all the same (its worker opens that file).
   */
  store?: Store;
  random?: () => number;
}

/**
 * The composition root: the one place that builds the registry, store, scheduler,
 * runner and server and wires them together. Everything below receives what it
 * needs; nothing reaches for a global.
 */
export async function startDaemon(config: Config, deps: DaemonDeps): Promise<Daemon> {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  const registry = new Registry();
  const metrics = createMetrics({
    registry,
    version: VERSION,
    now: () => clock.now(),
    playwrightVersion: PLAYWRIGHT_VERSION,
    location: config.location,
    shard: config.shard ? `${config.shard.index}/${config.shard.count}` : undefined,
    externalUrl: config.server.externalUrl,
  });
  const store = deps.store ?? (await openConfiguredStore(config, logger));
  const origin: RunOrigin = {
    instance: instanceName(config),
    ...(config.shard ? { shard: `${config.shard.index}/${config.shard.count}` } : {}),
    ...(config.location ? { location: config.location } : {}),
  };

  let current: ActiveProbes | undefined;
  const flap = new FlapDamper();
  const certificates = new CertificateMemory();
  const hosts = new HostLimiter(config.concurrency.perHost);
  const storeSink: ResultSink = {
    name: 'store',
    record: (_probe, result) => store.save({ ...result, origin } satisfies Result),
  };
  const metricsSink: ResultSink = {
    name: 'metrics',
    record: (probe, result) => metrics.record(probe, result),
  };
  // Every request to a watched service goes the same way: one set of proxy settings for all.
  const proxy = configuredProxy(config.proxy, logger);
  // Chromium starts with the first journey, never for a daemon that has none.
  const browser = new BrowserHost({
    ...config.browser,
    ...(proxy ? { proxy } : {}),
    logger: logger.child({ component: 'browser' }),
    onRestart: (reason) => metrics.browserRestarted(reason),
    onContexts: (n) => metrics.setBrowserContexts(n),
    onLaunch: (version) => metrics.setBrowserVersion(version),
  });
  const artifacts = new ArtifactStore(path.join(config.dataDir, 'artifacts'));
  const runner = new Runner({
    checkerFor,
    clock,
    logger,
    userAgent: userAgentFor(config, VERSION),
    hosts,
    ...(proxy ? { proxy } : {}),
    flap,
    certificates,
    sinks: [storeSink, metricsSink],
    maintenance: () => current?.maintenance,
    browser,
    artifacts,
  });

  const globalPool = new Pool('global', config.concurrency.global);
  // Kinds that name the same pool share it (journeys and accessibility scans share the browser's).
  const namedPools = new Map<string, Pool>();
  const kindPools = new Map(
    checkers.map((c) => {
      let pool = namedPools.get(c.pool);
      if (!pool) {
        pool = new Pool(
          c.pool,
          config.concurrency.kinds[c.pool] ?? c.concurrency ?? config.concurrency.global,
        );
        namedPools.set(c.pool, pool);
      }
      return [c.kind, pool] as const;
    }),
  );
  // Two stages of shutdown: runs still waiting for a pool slot are dropped at once (they
  // have not touched the target), runs in flight are aborted only when the grace ends.
  const stopQueued = new AbortController();
  const stopRuns = new AbortController();
  const inFlight = new Set<Promise<unknown>>();

  const dispatch = (probe: Probe): Promise<void> => {
    const pool = kindPools.get(probe.kind) ?? globalPool;
    const run = pool
      .run(
        () =>
          globalPool.run(async () => {
            metrics.runStarted(probe.kind);
            try {
              await runner.run(probe, stopRuns.signal);
            } finally {
              metrics.runFinished(probe.kind);
            }
          }, stopQueued.signal),
        stopQueued.signal,
      )
      .catch((error: unknown) => {
        // Only an abort while waiting for a slot lands here: the run never started.
        if (stopQueued.signal.aborted) metrics.runSkipped('shutdown');
        else logger.error({ err: error, probe: probe.id }, 'dispatch failed');
      });
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  };

  const scheduler = new Scheduler({
    clock,
    ...(deps.random ? { random: deps.random } : {}),
    dispatch,
    onSkip: (probe, reason) => {
      metrics.runSkipped(reason);
      logger.warn({ probe: probe.id, reason }, 'run skipped');
    },
    onLag: (seconds) => metrics.observeSchedulerLag(seconds),
  });

  /**
   * Probes new to this process go on from their last stored run: flap damping, and the
   * last-run series until the first run here (a restart must not end the alerts on them).
   */
  const seedFromStore = async (probes: readonly Probe[]): Promise<void> => {
    const fresh = probes.filter((p) => !flap.has(p.id));
    if (fresh.length === 0) return;
    let latest;
    try {
      latest = await store.latest(fresh.map((p) => p.id));
    } catch (error) {
      logger.warn(
        { err: error },
        'flap damping and probe series start afresh: the last runs could not be read',
      );
      return;
    }
    for (const probe of fresh) {
      const last = latest.get(probe.id);
      if (!last) continue;
      // A run in a maintenance window reports its raw status, not the damped state.
      if (!last.maintenance) flap.seed(probe.id, last.reportedStatus, last.status);
      certificates.seed(probe.id, last, clock.now());
      metrics.seed(probe, last);
    }
    // Accessibility patterns keep the day they appeared: without it, every barrier would be
    // new again with the first scan after a restart or a move to this instance.
    const scanning = fresh.filter((p) => p.kind === 'a11y' || p.kind === 'browser');
    if (scanning.length === 0) return;
    let findings;
    try {
      findings = await store.findingHistory(
        scanning.map((p) => p.id),
        Number.MAX_SAFE_INTEGER,
      );
    } catch (error) {
      logger.warn(
        { err: error },
        'new accessibility patterns count from the next scan: the findings could not be read',
      );
      return;
    }
    const byProbe = Map.groupBy(findings, (f) => f.probeId);
    for (const probe of scanning) metrics.seedFindings(probe, byProbe.get(probe.id) ?? []);
  };

  let configState: ConfigState | undefined;
  // One at a time, so that a slower earlier reload cannot put older files in force.
  const reload = oneAtATime(async (): Promise<boolean> => {
    let set;
    try {
      set = await loadProbes(config.probes);
    } catch (error) {
      // The loader turns every problem of the files into a diagnostic; this is one of its own.
      logger.error(
        { err: error },
        'probe configuration could not be read; keeping the last good one',
      );
      metrics.configReloaded(false, clock.now());
      configState = { ok: false, problems: 1, at: clock.now() };
      return false;
    }
    if (set.diagnostics.length > 0) {
      for (const d of set.diagnostics) {
        logger.error({ diagnostic: d }, formatDiagnostic(d, config.probes));
      }
      logger.error(
        { problems: set.diagnostics.length },
        current
          ? 'probe configuration invalid; keeping the last good one'
          : 'probe configuration invalid; no probe runs until a reload succeeds (not ready)',
      );
      metrics.configReloaded(false, clock.now());
      configState = { ok: false, problems: set.diagnostics.length, at: clock.now() };
      return false;
    }
    configState = { ok: true, problems: 0, at: clock.now() };
    const probes = set.probes.map((p) => p.probe);
    const assigned = probes.filter((p) => owns(config.shard, p.id));
    current = {
      probes: set.probes,
      assigned,
      byId: new Map(probes.map((p) => [p.id, p])),
      maintenance: new MaintenanceCalendar(probes, set.maintenance),
      loadedAt: clock.now(),
    };
    // Each instance runs and exports only its share, so Prometheus adds the instances up
    // without counting a probe twice.
    flap.retain(new Set(assigned.map((p) => p.id)));
    certificates.retain(new Set(assigned.map((p) => p.id)));
    // A disabled probe is not watched: no series of it, or its last result would stand
    // (and alert) for ever.
    metrics.setProbes(assigned.filter((p) => p.enabled));
    // Bounded: an unreachable PostgreSQL must not hold up the start; a probe that runs
    // before its seed arrives starts afresh, as it did before.
    await Promise.race([seedFromStore(assigned), delay(2_000, undefined, { ref: false })]);
    scheduler.setProbes(assigned);
    metrics.setAssignedProbes(assigned.length);
    metrics.setLoadedProbes(probes.length);
    metrics.configReloaded(true, clock.now());
    logger.info(
      {
        probes: probes.length,
        files: set.files.length,
        ...(config.shard
          ? { shard: `${config.shard.index}/${config.shard.count}`, assigned: assigned.length }
          : {}),
      },
      'probe configuration loaded',
    );
    // A variable missing from the daemon's environment is said now, not at each first run.
    const runs = new Set(assigned.filter((p) => p.enabled).map((p) => p.id));
    for (const u of unsetSecretsOf(set.probes.filter((l) => runs.has(l.probe.id)))) {
      logger.warn(
        { probe: u.probe, variables: u.variables },
        unsetSecretsMessage(u, 'for the daemon', config.probes),
      );
    }
    // Reports name and group past runs by what the probes were; a failure here costs
    // only that, so the new configuration stays.
    await store.registerProbes(probes.map(probeRecord), clock.now()).catch((error: unknown) => {
      logger.error({ err: error }, 'cannot record the probe catalogue in the store');
    });
    return true;
  });

  await reload();

  // One report at a time, whether the `/reports` form or the quarterly schedule asks.
  const reportGate = new ReportGate();
  // The quarter's report is made once per location: with shards, by instance 0, from the
  // store they share.
  const makesQuarterly = config.reports.quarterly && (config.shard?.index ?? 0) === 0;
  const reportsDir = path.join(config.dataDir, 'reports');
  const reportPdf = {
    ...(config.browser.executablePath ? { executablePath: config.browser.executablePath } : {}),
    args: config.browser.args,
  };

  // Bound before the first run: a daemon nobody can scrape or ask must not probe services
  // and write results unseen (a port in use, a host name that does not resolve).
  const server = await startServer({
    host: config.server.host,
    port: config.server.port,
    ...(config.server.token ? { token: config.server.token } : {}),
    ...(config.server.metricsToken ? { metricsToken: config.server.metricsToken } : {}),
    ...(config.server.allowedHosts ? { allowedHosts: config.server.allowedHosts } : {}),
    ...(config.server.externalUrl ? { externalUrl: config.server.externalUrl } : {}),
    logger,
    metrics,
    store,
    probes: () => current?.probes ?? [],
    nextRunAt: (id) => scheduler.nextRunAt(id),
    scheduledSince: (id) => scheduler.scheduledSince(id),
    artifacts,
    reports: {
      dir: reportsDir,
      storeLocation: storeLocation(config),
      pdf: reportPdf,
      gate: reportGate,
      onReport: (ok) => metrics.reportMade('request', ok),
      quarterly: makesQuarterly,
      deadlines: config.reports.deadlines,
      // The quarters offered and whether one is unfinished, by the clock the scheduled report uses.
      now: () => clock.now(),
    },
    ready: () => current !== undefined && store.healthy(),
    configState: () => configState,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  scheduler.start();
  logger.info({ url: server.url, version: VERSION }, 'ozgwatch serving');

  const pendingTimer = setInterval(() => {
    metrics.setStorePending(store.pending());
    metrics.setStoreDropped(store.dropped());
    const buffered = (store as Partial<PostgresStore>).buffered?.();
    if (buffered) metrics.setStoreBuffered(buffered.results, buffered.bytes, buffered.limitBytes);
  }, 5_000);
  pendingTimer.unref();
  const pruneTimer = setInterval(() => {
    store
      .prune(clock.now() - config.store.retention)
      .then((n) => n > 0 && logger.info({ deleted: n }, 'retention: old runs deleted'))
      .catch((error: unknown) => logger.error({ err: error }, 'retention failed'));
    artifacts
      .prune(clock.now() - config.artifacts.retention)
      .then((n) => n > 0 && logger.info({ deleted: n }, 'retention: old evidence deleted'))
      .catch((error: unknown) => logger.error({ err: error }, 'artifact retention failed'));
  }, 3_600_000);
  pruneTimer.unref();

  // The report compares the ended quarter with the one before: history must reach back so far.
  const shortfall = config.reports.quarterly
    ? retentionShortfall(config.store.retention)
    : undefined;
  if (shortfall) {
    logger.warn(
      { retentionDays: config.store.retention / 86_400_000, neededDays: shortfall.advisedDays },
      `store.retention keeps too little history for the quarterly report (it compares the ` +
        `ended quarter with the one before): set store.retention to ${shortfall.advisedDays}d ` +
        `or more, or reports.quarterly to false`,
    );
  }
  // Looked for a few minutes after the start (not in the way of a start, nor repeated by a
  // crash loop), then hourly; a report already there is never made again.
  const quarterlyReports = makesQuarterly
    ? new QuarterlyReports({
        store,
        storeLocation: storeLocation(config),
        dir: reportsDir,
        formats: config.reports.formats,
        lang: config.reports.lang,
        perCounty: config.reports.perCounty,
        deadlines: config.reports.deadlines,
        pdf: reportPdf,
        gate: reportGate,
        now: () => clock.now(),
        logger,
        onReport: (ok) => metrics.reportMade('schedule', ok),
        onOverdue: (overdue) => metrics.setQuarterlyReportOverdue(overdue),
        signal: stopQueued.signal,
      })
    : undefined;
  let quarterlyCheck: Promise<unknown> = Promise.resolve();
  const checkQuarterly = (): void => {
    if (!quarterlyReports) return;
    quarterlyCheck = quarterlyReports
      .check()
      .catch((error: unknown) => logger.error({ err: error }, 'quarterly report check failed'));
  };
  const quarterlyFirst = setTimeout(checkQuarterly, QUARTERLY_FIRST_CHECK_MS);
  quarterlyFirst.unref();
  const quarterlyTimer = setInterval(checkQuarterly, 3_600_000);
  quarterlyTimer.unref();

  const watcher = config.watch
    ? watchFolder(config.probes, () => void reload(), logger)
    : undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      watcher?.close();
      clearInterval(pendingTimer);
      clearInterval(pruneTimer);
      clearTimeout(quarterlyFirst);
      clearInterval(quarterlyTimer);
      scheduler.stop();
      stopQueued.abort(new Error('shutdown'));
      logger.info({ inFlight: inFlight.size }, 'stopping: waiting for runs in flight');
      const settled = Promise.allSettled([...inFlight]);
      const graceOver = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), config.shutdownGrace).unref()),
      ]);
      if (graceOver) {
        logger.warn({ inFlight: inFlight.size }, 'grace period over: aborting runs in flight');
        stopRuns.abort(new Error('shutdown'));
        // Aborted runs still produce (and store) a result.
        await settled;
      }
      await browser.close();
      await server.close();
      // Aborted with the queue: a report being made ends at once, before the store closes.
      await quarterlyCheck;
      await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return {
    config,
    metrics,
    store,
    server,
    scheduler,
    runner,
    quarterlyReports,
    active: () => current,
    reload,
    stop,
  };
}

/** Reloads after the folder has been quiet for a moment, so a file saved in several writes is read once, whole. */
function watchFolder(dir: string, onChange: () => void, logger: Logger): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = watch(dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 500);
    });
    watcher.on('error', (error) =>
      logger.warn({ err: error }, 'probes folder watch failed; reload with SIGHUP'),
    );
    return watcher;
  } catch (error) {
    logger.warn({ err: error }, 'cannot watch probes folder; reload with SIGHUP');
    return undefined;
  }
}

/** What the store keeps of a probe for reports. */
function probeRecord(probe: Probe): Omit<ProbeRecord, 'loadedAt'> {
  return {
    probeId: probe.id,
    name: probe.name,
    kind: probe.kind,
    service: probe.labels.service,
    county: probe.labels.county,
    ...(probe.ags ? { ags: probe.ags } : {}),
    ...(probe.leika ? { leika: probe.leika } : {}),
    ...(probe.url ? { url: probe.url } : {}),
    ...(probe.owner ? { owner: probe.owner } : {}),
    ...(probe.adminLevel ? { adminLevel: probe.adminLevel } : {}),
  };
}
