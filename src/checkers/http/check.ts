import { Client } from 'undici';
import type { CheckContext, Checker } from '../checker.ts';
import type {
  HttpPhases,
  Outcome,
  ReasonCode,
  RedirectHop,
  TlsDetails,
} from '../../results/result.ts';
import {
  bodyChecks,
  certExpiryCheck,
  type Check,
  DEFAULT_CERT_EXPIRES_IN_MS,
  headerChecks,
  maxDurationCheck,
  softErrorCheck,
  statusCheck,
  toAssertion,
} from './assertions.ts';
import { proxyFor } from '../../net/proxy.ts';
import { missingSecrets, Secrets, unsetSecrets } from '../secrets.ts';
import { loadCa } from './ca-file.ts';
import { type TimedConnection, timedConnector } from './connector.ts';
import { classifyError } from './errors.ts';
import { type HostLookup, systemLookup } from './ip-protocol.ts';
import { PhaseError } from './phase-error.ts';
import { detectSoftError } from './soft-error.ts';
import { httpSpecSchema, type HttpSpec } from './spec.ts';

export const httpChecker: Checker<HttpSpec> = {
  kind: 'http',
  spec: httpSpecSchema,
  pool: 'http',
  check: checkHttp,
};

/** Builds the run's outcome from what the run saw so far. */
type BuildOutcome = (
  status: Outcome['status'],
  reason: ReasonCode | undefined,
  message: string,
  checks: Check[],
  last?: Hop,
) => Outcome;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What one request/response exchange (one hop of a redirect chain) produced. */
interface Hop {
  connection: TimedConnection;
  /** performance.now() at response headers and at the end of the body; 0 = not reached. */
  headersAt: number;
  doneAt: number;
  /** performance.now() when the exchange broke off (error, timeout, abort); 0 = it did not. */
  endedAt: number;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bodyBytes: number;
  tooLarge: boolean;
}

/**
 * One HTTP availability run: a fresh connection per hop (so the timings are real),
 * redirects followed by hand (so the chain is reported), every expectation
 * evaluated with its actual value. The phase durations add up over the hops,
 * as in blackbox_exporter; a hop that broke off charges the phase it was in (see addPhases).
 */
export async function checkHttp(
  ctx: CheckContext,
  spec: HttpSpec,
  network: HttpNetwork = SYSTEM_NETWORK,
): Promise<Outcome> {
  if (!Object.values(spec.headers).some(referencesSecret)) {
    return run(ctx, spec, spec.headers, network);
  }
  // A token in a header (`Authorization: Bearer ${env:TOKEN}`): read at run time, kept out of
  // the result should the service echo it.
  const unset = unsetSecrets(spec.headers);
  if (unset.length > 0) return missingSecrets(unset);
  const secrets = new Secrets();
  const headers = Object.fromEntries(
    Object.entries(spec.headers).map(([name, value]) => [name, secrets.resolve(value)]),
  );
  return secrets.redactValue(await run(ctx, spec, headers, network));
}

/**
 * How the checker finds addresses: the system resolver in the daemon; a test gives one that
 * knows names the machine does not (a name with both an IPv4 and an IPv6 address).
 */
export interface HttpNetwork {
  lookup: HostLookup;
}

const SYSTEM_NETWORK: HttpNetwork = { lookup: systemLookup };

function referencesSecret(value: string): boolean {
  return value.includes('${env:');
}

/** Headers that carry credentials: not sent on to another origin a redirect leads to. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * The probe's headers for a hop to `url`: all of them to the probe's own origin; to another
 * origin (a redirect to a login or a CDN) none that carry credentials or a secret, as browsers
 * and curl do, so that a token for the service never reaches a third party.
 */
function headersFor(
  url: URL,
  origin: string,
  spec: HttpSpec,
  resolved: Record<string, string>,
): Record<string, string> {
  if (url.origin === origin) return resolved;
  return Object.fromEntries(
    Object.entries(resolved).filter(
      ([name]) =>
        !CREDENTIAL_HEADERS.has(name.toLowerCase()) && !referencesSecret(spec.headers[name] ?? ''),
    ),
  );
}

async function run(
  ctx: CheckContext,
  spec: HttpSpec,
  headers: Record<string, string>,
  network: HttpNetwork,
): Promise<Outcome> {
  const started = performance.now();
  const phases: HttpPhases = { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 };
  const redirects: RedirectHop[] = [];
  const visited = new Set<string>();
  const ca = spec.caFile ? await loadCa(spec.caFile) : undefined;
  let url = new URL(spec.url);
  const origin = url.origin;
  let method = spec.method;
  let tls: TlsDetails | undefined;
  let remoteAddress: string | undefined;
  let ipProtocol: 4 | 6 | undefined;
  // Addresses that failed before another one answered, per hop: the run passes as a citizen's
  // browser would, and still says what broke.
  const fallbacks = new Set<string>();

  const absorb = (hop: Hop): void => {
    addPhases(phases, hop);
    tls = hop.connection.tls ?? tls;
    if (hop.connection.fallback) fallbacks.add(hop.connection.fallback);
    if (hop.connection.remoteAddress) {
      remoteAddress = hop.connection.remoteAddress;
      // Reset with the address: a hop through the proxy has none of its own to report.
      ipProtocol = hop.connection.ipProtocol;
    }
  };
  const outcome: BuildOutcome = (status, reason, message, checks, last) => ({
    status,
    ...(reason ? { reason } : {}),
    message: fallbacks.size > 0 ? `${message} — ${[...fallbacks].join('; ')}` : message,
    assertions: checks.map(toAssertion),
    phases,
    http: {
      status: last?.status ?? 0,
      // Like the status, the version is that of the last hop's response: none arrived, none to name.
      ...(last && last.headersAt > 0 ? { httpVersion: httpVersionOf(last) } : {}),
      finalUrl: url.href,
      redirects,
      bodyBytes: last?.bodyBytes ?? 0,
      ...(remoteAddress ? { remoteAddress } : {}),
      ...(ipProtocol ? { ipProtocol } : {}),
    },
    ...(tls ? { tls } : {}),
    ...(fallbacks.size > 0 ? { warnings: [...fallbacks] } : {}),
  });

  for (;;) {
    visited.add(url.href);
    const hop = newHop();
    try {
      const sent = headersFor(url, origin, spec, headers);
      await ctx.hosts.run(url.host, ctx.signal, () =>
        exchange(ctx, spec, url, method, sent, ca, hop, network),
      );
    } catch (error) {
      absorb(hop);
      return failure(ctx, error, hop, outcome);
    }
    absorb(hop);
    if (hop.status === 407 && hop.connection.proxy) {
      // Only a proxy answers 407: the request never reached the service.
      return outcome(
        'error',
        'proxy_error',
        `proxy ${hop.connection.proxy.origin} answered 407 Proxy Authentication Required: check the credentials in the proxy URL`,
        [],
        hop,
      );
    }

    const location = headerValue(hop.headers.location);
    if (!spec.followRedirects || !REDIRECT_STATUSES.has(hop.status) || !location) {
      return judge(ctx, spec, hop, started, outcome);
    }
    redirects.push({ url: url.href, status: hop.status });
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      // file:, data:, javascript: … are no places a monitor may go; finalUrl stays the last one fetched.
      return outcome(
        'fail',
        'unsafe_redirect',
        `redirect to ${next.protocol} not followed (only http and https): ${shorten(next.href)}`,
        [],
        hop,
      );
    }
    if (visited.has(next.href)) {
      url = next;
      return outcome('fail', 'redirect_loop', `redirect loop back to ${next.href}`, [], hop);
    }
    if (redirects.length > spec.maxRedirects) {
      url = next;
      return outcome(
        'fail',
        'too_many_redirects',
        `more than ${spec.maxRedirects} redirects`,
        [],
        hop,
      );
    }
    // 303 means "see other with GET"; browsers do the same for 301/302 after POST, and we only GET/HEAD.
    if (hop.status === 303 && method === 'HEAD') method = 'GET';
    url = next;
  }
}

function newHop(): Hop {
  return {
    // start stays 0 until the connector runs: waiting for a per-host slot is no phase.
    connection: { times: { start: 0, resolved: 0, connected: 0, secured: 0 } },
    headersAt: 0,
    doneAt: 0,
    endedAt: 0,
    status: 0,
    headers: {},
    body: '',
    bodyBytes: 0,
    tooLarge: false,
  };
}

/** One request on one fresh connection, closed again before returning. */
async function exchange(
  ctx: CheckContext,
  spec: HttpSpec,
  url: URL,
  method: HttpSpec['method'],
  headers: Record<string, string>,
  ca: string | undefined,
  hop: Hop,
  network: HttpNetwork,
): Promise<void> {
  const https = url.protocol === 'https:';
  const proxy = proxyFor(ctx.proxy, url);
  if (proxy && spec.ipProtocol !== 'auto') {
    // The proxy resolves the target and picks its address: checking over whatever it took
    // would report a dual-stack finding that was never made.
    throw new PhaseError(
      'proxy_error',
      `ipProtocol ${spec.ipProtocol} cannot be honoured through the proxy ${proxy.origin}, which resolves ${url.hostname} itself: list the host in proxy.noProxy so that it is checked directly, or use ipProtocol auto`,
    );
  }
  // A plain-http target behind a proxy gets its request in absolute form on the proxy's
  // connection (as curl sends it); proxies often allow CONNECT to port 443 only.
  const viaProxy = proxy !== undefined && !https;
  const client = new Client(url.origin, {
    connect: timedConnector(
      {
        signal: ctx.signal,
        allowH2: https && spec.http2,
        insecureSkipVerify: spec.insecureSkipVerify,
        now: ctx.now,
        ...(ca ? { ca } : {}),
        ...(proxy ? { proxy, userAgent: ctx.userAgent } : {}),
        ipProtocol: spec.ipProtocol,
        lookup: network.lookup,
      },
      hop.connection,
    ),
    allowH2: https && spec.http2,
    // The run's deadline governs; undici's own timers would only race it.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  try {
    const response = await client.request({
      path: viaProxy ? `${url.origin}${url.pathname}${url.search}` : `${url.pathname}${url.search}`,
      method,
      headers: {
        ...headers,
        'user-agent': ctx.userAgent,
        ...(viaProxy && proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}),
      },
      signal: ctx.signal,
    });
    hop.headersAt = performance.now();
    hop.status = response.statusCode;
    hop.headers = response.headers;
    const wantText = needsBody(spec, response.headers['content-type']);
    const decoder = wantText ? new TextDecoder(charsetOf(response.headers['content-type'])) : null;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      hop.bodyBytes += chunk.byteLength;
      if (hop.bodyBytes > spec.maxBodyBytes) {
        hop.tooLarge = true;
        response.body.destroy();
        break;
      }
      if (decoder) hop.body += decoder.decode(chunk, { stream: true });
    }
    if (decoder) hop.body += decoder.decode();
    hop.doneAt = performance.now();
  } catch (error) {
    // Taken before the client is torn down, so the broken-off phase ends when the run did.
    hop.endedAt = performance.now();
    throw error;
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

/** Whether the body must be kept as text: only when an assertion reads it. */
function needsBody(spec: HttpSpec, contentType: string | string[] | undefined): boolean {
  if (spec.expect.bodyContains.length > 0 || spec.expect.bodyNotContains.length > 0) return true;
  return spec.expect.noSoftError && /text\/html|xhtml/i.test(headerValue(contentType) ?? '');
}

function charsetOf(contentType: string | string[] | undefined): string {
  const label = /charset="?([\w-]+)"?/i.exec(headerValue(contentType) ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return 'utf-8';
  }
}

/** A redirect target for a message: a `data:` URL can carry a whole page. */
function shorten(href: string): string {
  return href.length > 100 ? `${href.slice(0, 100)}…` : href;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function httpVersionOf(hop: Hop): string {
  return hop.connection.alpnProtocol === 'h2' ? '2' : '1.1';
}

const PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

/**
 * Adds one hop's phase durations (seconds) to the run's totals. Each phase runs from
 * the end of the one before to its own end. A hop that broke off charges the phase it
 * was in up to that moment, so a server that never answers shows its silence as
 * `processing` and a failed DNS lookup as the `resolve` time it took; phases never
 * reached stay 0. (blackbox_exporter leaves an unfinished processing or transfer at
 * 0: a rule on a slow first byte would then never see the server that sends none.)
 */
function addPhases(phases: HttpPhases, hop: Hop): void {
  const { start, resolved, connected, secured } = hop.connection.times;
  if (start === 0) return; // the connector never ran: no phase began
  const ends = [resolved, connected, secured, hop.headersAt, hop.doneAt];
  let from = start;
  for (const [i, phase] of PHASES.entries()) {
    const to = ends[i] ?? 0;
    if (to === 0) {
      if (hop.endedAt > from) phases[phase] += (hop.endedAt - from) / 1000;
      return;
    }
    phases[phase] += Math.max(0, to - from) / 1000;
    from = to;
  }
}

/** Turns a thrown error into a failed outcome that says in which phase the run broke. */
function failure(ctx: CheckContext, error: unknown, hop: Hop, outcome: BuildOutcome): Outcome {
  if (ctx.signal.aborted) {
    const timedOut = (ctx.signal.reason as Error | undefined)?.name === 'TimeoutError';
    const via = hop.connection.proxy;
    if (timedOut && via && !via.reached) {
      // The proxy never took the connection: nothing is known about the service.
      return outcome(
        'error',
        'proxy_error',
        `proxy ${via.origin} unreachable: timeout while ${phaseReached(hop)} to the proxy`,
        [],
        hop,
      );
    }
    const phase = phaseReached(hop);
    return timedOut
      ? outcome('fail', 'timeout', `timeout while ${phase}`, [], hop)
      : outcome('error', 'aborted', `run aborted (shutdown) while ${phase}`, [], hop);
  }
  if (error instanceof PhaseError) {
    // A broken proxy is ours to fix, not the service's: `error`, so nobody is paged for it.
    const status = error.reason === 'proxy_error' ? 'error' : 'fail';
    return outcome(status, error.reason, error.message, [], hop);
  }
  const { reason, message } = classifyError(error);
  if (reason === 'internal') throw error as Error;
  return outcome('fail', reason, message, [], hop);
}

function phaseReached(hop: Hop): string {
  const t = hop.connection.times;
  if (hop.headersAt > 0) return 'reading the body';
  if (t.secured > 0) return 'waiting for the first byte';
  if (t.connected > 0) return 'in the TLS handshake';
  if (t.resolved > 0) {
    // More than one address stayed silent: name them, as a refusal would be named.
    const tried = hop.connection.attempted ?? [];
    return tried.length > 1 ? `connecting (no answer from ${tried.join(', ')})` : 'connecting';
  }
  if (t.start > 0) return 'resolving the host name';
  return 'waiting for a free connection slot to the host (concurrency.perHost)';
}

/** Evaluates every expectation on the final response; the first failure decides the reason. */
function judge(
  ctx: CheckContext,
  spec: HttpSpec,
  hop: Hop,
  started: number,
  outcome: BuildOutcome,
): Outcome {
  if (hop.tooLarge) {
    return outcome(
      'fail',
      'body_too_large',
      `body larger than ${spec.maxBodyBytes} bytes (maxBodyBytes)`,
      [],
      hop,
    );
  }
  const { expect } = spec;
  const checks: Check[] = [statusCheck(hop.status, expect.status)];
  const statusOk = checks[0]?.ok === true;
  if (spec.method === 'GET') {
    // A soft-error page only matters when the server claims success.
    if (expect.noSoftError && statusOk && hop.status < 300 && hop.body !== '') {
      checks.push(softErrorCheck(detectSoftError(hop.body)));
    }
    checks.push(...bodyChecks(hop.body, expect));
  }
  checks.push(...headerChecks(hop.headers, expect.headers));
  const tls = hop.connection.tls;
  if (tls) {
    checks.push(
      certExpiryCheck(
        tls.earliestExpiry,
        ctx.now(),
        expect.certExpiresIn ?? DEFAULT_CERT_EXPIRES_IN_MS,
      ),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  if (expect.maxDuration !== undefined) checks.push(maxDurationCheck(seconds, expect.maxDuration));

  const failed = checks.find((c) => !c.ok && !c.degradesOnly);
  if (failed) return outcome('fail', failed.reason, failed.text, checks, hop);
  const degrading = checks.find((c) => !c.ok);
  if (degrading) return outcome('degraded', degrading.reason, degrading.text, checks, hop);
  if (spec.degradedAfter !== undefined && seconds * 1000 > spec.degradedAfter) {
    return outcome(
      'degraded',
      'slow',
      `slow: ${seconds.toFixed(3)}s > ${spec.degradedAfter / 1000}s (degradedAfter)`,
      checks,
      hop,
    );
  }
  return outcome('pass', undefined, `status ${hop.status} in ${seconds.toFixed(3)}s`, checks, hop);
}
