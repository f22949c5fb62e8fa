import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import type { LoadedProbe } from '../probes/schema.ts';
import { intervalOf } from '../probes/schema.ts';
import type { ArtifactStore } from '../runner/artifacts.ts';
import { resultDocument } from '../results/result.ts';
import { StoreUnavailableError, type Store } from '../store/store.ts';
import { isStale, loadOverview, loadProbeHistory } from './models.ts';
import { renderOverview, type ConfigState } from './overview.ts';
import { renderProbePage, type ProbeModel } from './pages.ts';
import { renderRunPage } from './run-page.ts';
import { hostCheck, RefusedHosts } from './allowed-hosts.ts';
import { handleReports, type ReportsOptions } from './reports.ts';
import { sendArtifact } from './artifact-response.ts';
import { sendHtml, sendJson, setBaseHeaders } from './respond.ts';
import { sendStoreUnavailable } from './unavailable.ts';

export interface ServerOptions {
  host: string;
  port: number;
  /** When set, the overview, `/api` and the probe and run pages require `Authorization: Bearer <token>`. */
  token?: string;
  /** When set, `/metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /**
   * Public host names the pages may be opened under without a token (`server.allowedHosts`),
   * besides local names, addresses and the host of `externalUrl`. See {@link hostCheck}.
   */
  allowedHosts?: readonly string[];
  /** `server.externalUrl`: its host is allowed. */
  externalUrl?: string;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  probes: () => readonly LoadedProbe[];
  /** Evidence files of runs, served under /runs/:id/artifacts/. */
  artifacts?: ArtifactStore;
  nextRunAt: (probeId: string) => number | undefined;
  /**
   * Since when a probe has had its schedule, for a probe without any stored run: it is stale
   * once three runs were due since then. @default no such time: such a probe is never stale
   */
  scheduledSince?: (probeId: string) => number | undefined;
  /** `/reports`: where generated reports go, and how to print PDFs. Absent: no report pages. */
  reports?: ReportsOptions;
  ready: () => boolean;
  /** How the last load of the probe files went, shown on the overview when it failed. */
  configState?: () => ConfigState | undefined;
  /** Wall clock in epoch ms, for judging whether a result is stale. @default Date.now */
  now?: () => number;
  /** How long a client may take; tests shorten them. @default SERVER_LIMITS */
  limits?: Partial<ServerLimits>;
}

/** How long a client may take over its part: a slow or stalled one must not hold a connection. */
export interface ServerLimits {
  /** To send the request's headers. */
  headersMs: number;
  /** To send the whole request, body included. */
  requestMs: number;
  /**
   * Without a byte moving either way: a client that stops reading a download (or a long
   * `/metrics`) is cut off instead of keeping its connection and open file for good.
   * Not while a report is being made for the request.
   */
  idleMs: number;
}

export const SERVER_LIMITS: ServerLimits = { headersMs: 10_000, requestMs: 30_000, idleMs: 60_000 };

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_LIMIT = 1000;

const isApiRoute = (route: string): boolean => route === '/api' || route.startsWith('/api/');
/**
 * On shutdown, how long requests in progress may take before their connections are
 * closed: a client that reads a trace download slowly, or not at all, would otherwise
 * hold the daemon's exit for as long as it likes.
 */
const CLOSE_GRACE_MS = 5_000;

/**
 * The daemon's HTTP face: `/metrics` for Prometheus, `/healthz` and `/readyz` for the
 * orchestrator, an overview and probe and run pages for people, and a read-only JSON API.
 * It never fetches anything a caller names.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  const tokenDigest = options.token ? digest(options.token) : undefined;
  const hostAllowed = hostCheck(options.allowedHosts ?? [], options.externalUrl);
  const refusedHosts = new RefusedHosts(options.logger);
  const metricsDigest = options.metricsToken ? digest(options.metricsToken) : undefined;

  const limits = { ...SERVER_LIMITS, ...options.limits };
  /** Aborted when the server closes: long work for a request (a report) stops with it. */
  const closing = new AbortController();
  const server = createServer(
    {
      // 8 KiB of headers is plenty for a browser with a bearer token; larger requests get 431.
      maxHeaderSize: 8 * 1024,
      // Node looks for requests over their time only this often (30 s by default): a client
      // sending its headers a byte at a time would otherwise keep its connection for the
      // time limit plus up to that much.
      connectionsCheckingInterval: Math.min(2_000, limits.headersMs),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (error instanceof StoreUnavailableError && !res.headersSent) {
          storeUnavailable(error, req.url);
          const route = new URL(req.url ?? '/', 'http://localhost').pathname;
          return sendStoreUnavailable(res, isApiRoute(route), error);
        }
        options.logger.error({ err: error, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    },
  );
  /**
   * Logged once a minute at most: the store has logged the outage itself, and a dashboard
   * polling the API would otherwise write a line per request until it is over.
   */
  let unavailableLoggedAt = -Infinity;
  const storeUnavailable = (error: StoreUnavailableError, url: string | undefined): void => {
    if (performance.now() - unavailableLoggedAt < 60_000) return;
    unavailableLoggedAt = performance.now();
    options.logger.warn({ err: error, url }, 'store unreachable: pages and API answer 503');
  };
  // Small limits: the one body taken is the report form's 2 KiB.
  server.headersTimeout = limits.headersMs;
  server.requestTimeout = limits.requestMs;
  // With no 'timeout' listener, Node destroys a socket idle this long.
  server.timeout = limits.idleMs;
  server.maxHeadersCount = 64;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setBaseHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname;
    // Generating a report is the one request that takes a body.
    const post = req.method === 'POST' && route === '/reports';
    if (req.method !== 'GET' && req.method !== 'HEAD' && !post) {
      res.setHeader('allow', route === '/reports' ? 'GET, HEAD, POST' : 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }

    if (route === '/metrics') {
      if (metricsDigest && !authorized(req, metricsDigest)) {
        res.setHeader('www-authenticate', 'Bearer realm="ozgwatch metrics"');
        return sendJson(res, 401, { error: 'missing or wrong bearer token' });
      }
      res.writeHead(200, { 'content-type': options.metrics.contentType });
      if (req.method === 'HEAD') return void res.end();
      // Streamed with backpressure: memory stays flat however many probes there are.
      for await (const chunk of options.metrics.exposition()) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
      return;
    }
    if (route === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (route === '/readyz') {
      const ready = options.ready();
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    const isApi = isApiRoute(route);
    const guarded =
      route === '/' ||
      isApi ||
      route.startsWith('/runs/') ||
      route.startsWith('/probes/') ||
      route === '/reports' ||
      route.startsWith('/reports/');
    if (guarded && tokenDigest && !authorized(req, tokenDigest)) {
      res.setHeader('www-authenticate', 'Bearer realm="ozgwatch"');
      return sendJson(res, 401, { error: 'missing or wrong bearer token' });
    }
    // Without a token, a page of another site could read these under its own name (DNS rebinding).
    if (guarded && !tokenDigest && !hostAllowed(req.headers.host)) {
      refusedHosts.note(req.headers.host ?? '');
      return sendJson(res, 403, {
        error: `host "${req.headers.host ?? ''}" is not one this ozgwatch answers under: add it to server.allowedHosts (OZGWATCH_ALLOWED_HOSTS), or set server.externalUrl or server.token`,
      });
    }
    if (isApi) return api(route, url, res);
    if ((route === '/reports' || route.startsWith('/reports/')) && options.reports) {
      if (post) {
        // Making a report takes as long as it takes, with nothing sent meanwhile. Node sets
        // the keep-alive time once the answer is sent, and this limit for the next request.
        req.socket.setTimeout(0);
      }
      return handleReports(
        req,
        res,
        route,
        options.store,
        options.reports,
        options.logger,
        closing.signal,
      );
    }
    // A page address copied with a slash at its end (`/probes/kfz/`) leads to the page. Only
    // ids are let through: the Location never leaves this server (`//host/` would).
    const slashed = /^\/(?:probes|runs)\/[A-Za-z0-9-]{1,64}\/$/.exec(route);
    if (slashed) {
      res.writeHead(301, { location: route.slice(0, -1) }).end();
      return;
    }
    if (route.startsWith('/runs/') || route.startsWith('/probes/'))
      return pages(route, res, req.method === 'HEAD');
    if (route === '/') {
      const config = options.configState?.();
      const model = {
        ...(await loadOverview(options.store, options.probes(), now(), options.scheduledSince)),
        ...(config ? { config } : {}),
      };
      return sendHtml(res, 200, renderOverview(model));
    }
    sendJson(res, 404, { error: 'not found' });
  }

  function probeModel(id: string): ProbeModel | undefined {
    const probe = options.probes().find((l) => l.probe.id === id)?.probe;
    if (!probe) return undefined;
    return {
      id: probe.id,
      name: probe.name,
      kind: probe.kind,
      service: probe.labels.service,
      county: probe.labels.county,
      ...(probe.url ? { url: probe.url } : {}),
    };
  }

  async function pages(route: string, res: ServerResponse, head: boolean): Promise<void> {
    if (route.startsWith('/probes/')) {
      const probeMatch = /^\/probes\/([a-z0-9-]{1,64})$/.exec(route);
      const probe = probeMatch ? probeModel(probeMatch[1] as string) : undefined;
      if (!probe)
        return sendHtml(
          res,
          404,
          '<!doctype html><html lang="de"><title>Nicht gefunden</title><h1>Keine solche Prüfung</h1></html>',
        );
      const runs = await options.store.runs({ probeId: probe.id, limit: 50 });
      return sendHtml(
        res,
        200,
        renderProbePage(probe, runs, await loadProbeHistory(options.store, probe)),
      );
    }
    const runMatch =
      /^\/runs\/([A-Za-z0-9-]{1,64})(?:\/artifacts\/([a-z0-9][a-z0-9._-]{0,100}))?$/.exec(route);
    const result = runMatch ? await options.store.run(runMatch[1] as string) : undefined;
    if (!runMatch || !result) {
      return sendHtml(
        res,
        404,
        '<!doctype html><html lang="de"><title>Nicht gefunden</title><h1>Kein solcher Lauf</h1></html>',
      );
    }
    const name = runMatch[2];
    if (name === undefined)
      return sendHtml(res, 200, renderRunPage(result, probeModel(result.probeId)));
    return sendArtifact(res, result, name, options.artifacts, head);
  }

  async function api(route: string, url: URL, res: ServerResponse): Promise<void> {
    if (route === '/api') {
      return sendJson(res, 200, {
        name: 'ozgwatch',
        endpoints: [
          '/',
          '/metrics',
          '/healthz',
          '/readyz',
          '/api',
          '/api/probes',
          '/api/probes/{id}/runs',
          '/api/runs/{id}',
          '/api/media-breaks/events',
          '/probes/{id}',
          '/runs/{id}',
          '/runs/{id}/artifacts/{name}',
          '/reports',
          '/reports/{file}',
        ],
      });
    }
    if (route === '/api/probes') {
      const loaded = options.probes();
      const latest = await options.store.latest(loaded.map((l) => l.probe.id));
      return sendJson(
        res,
        200,
        loaded.map(({ probe, source }) => {
          const last = latest.get(probe.id);
          const next = options.nextRunAt(probe.id);
          return {
            id: probe.id,
            name: probe.name,
            kind: probe.kind,
            labels: probe.labels,
            ags: probe.ags ?? null,
            leika: probe.leika ?? null,
            url: probe.url ?? null,
            owner: probe.owner ?? null,
            enabled: probe.enabled,
            intervalSeconds: intervalOf(probe) / 1000,
            cron: probe.cron ?? null,
            source,
            nextRunAt: next === undefined ? null : new Date(next).toISOString(),
            stale: isStale(probe, last, now(), options.scheduledSince?.(probe.id)),
            lastRun: last
              ? {
                  runId: last.runId,
                  startedAt: new Date(last.startedAt).toISOString(),
                  status: last.status,
                  reportedStatus: last.reportedStatus,
                  reason: last.reason ?? null,
                  message: last.message,
                }
              : null,
          };
        }),
      );
    }
    // Any segment is matched, so that an id no probe can have is answered as the id it is
    // (`no such probe`), not as an unknown route.
    const runsMatch = /^\/api\/probes\/([^/]+)\/runs$/.exec(route);
    if (runsMatch) {
      const probeId = runsMatch[1] as string;
      if (!options.probes().some((l) => l.probe.id === probeId))
        return sendJson(res, 404, { error: 'no such probe' });
      const limit = limitParam(url.searchParams.get('limit'), 20);
      if (limit === null) return sendJson(res, 400, { error: LIMIT_ERROR });
      const runs = await options.store.runs({ probeId, limit });
      return sendJson(
        res,
        200,
        runs.map((r) => resultDocument(r)),
      );
    }
    const runMatch = /^\/api\/runs\/([^/]+)$/.exec(route);
    if (runMatch) {
      const runId = runMatch[1] as string;
      const result = /^[A-Za-z0-9-]{1,64}$/.test(runId)
        ? await options.store.run(runId)
        : undefined;
      if (!result) return sendJson(res, 404, { error: 'no such run' });
      return sendJson(res, 200, resultDocument(result));
    }
    if (route === '/api/media-breaks/events') {
      const probeId = url.searchParams.get('probe') ?? undefined;
      if (probeId !== undefined && !/^[a-z0-9-]{1,64}$/.test(probeId)) {
        return sendJson(res, 400, { error: 'probe must be a probe id' });
      }
      const from = timeParam(url.searchParams.get('from'));
      const to = timeParam(url.searchParams.get('to'));
      if (from === null || to === null) {
        return sendJson(res, 400, { error: 'from and to must be ISO 8601 dates or epoch ms' });
      }
      const limit = limitParam(url.searchParams.get('limit'), 100);
      if (limit === null) return sendJson(res, 400, { error: LIMIT_ERROR });
      const events = await options.store.mediaBreakEvents({
        ...(probeId ? { probeId } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        limit,
      });
      return sendJson(
        res,
        200,
        events.map((ev) => ({ ...ev, at: new Date(ev.at).toISOString() })),
      );
    }
    sendJson(res, 404, { error: 'not found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort(new Error('the server is closing'));
        const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cutOff);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares digests in constant time, so the token's length and prefix do not leak through timing. */
function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(digest(m[1] as string), expected);
}

/** Undefined when absent, null when not a time, else epoch ms. */
function timeParam(text: string | null): number | undefined | null {
  if (text === null || text === '') return undefined;
  const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(at)) return null;
  // Date.parse rolls a day the calendar does not have over (2026-02-30 is 2 March).
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (day && new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!)).getUTCDate() !== +day[3]!) {
    return null;
  }
  return at;
}

const LIMIT_ERROR = `limit must be a whole number from 1 (at most ${MAX_LIMIT} are returned)`;

/**
 * `?limit=`: `fallback` when absent, at most MAX_LIMIT; null for what is no count at all
 * (`-1`, `abc`, `2.5`), which a caller should hear about rather than get a silent default.
 */
function limitParam(text: string | null, fallback: number): number | null {
  if (text === null || text === '') return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) return null;
  return Math.min(MAX_LIMIT, Number(text));
}

/** Resolves when the response can take more data, or when the client went away. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
