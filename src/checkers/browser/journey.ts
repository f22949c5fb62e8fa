import { readFile, rm, stat } from 'node:fs/promises';
import type { BrowserContext, Download, Page } from 'playwright';
import { AXE_VERSION } from '../a11y/axe.ts';
import { errorLine, stripAnsi } from '../error-line.ts';
import { detectMediaBreaks } from '../media-breaks/detect.ts';
import type { PageContent } from '../media-breaks/extract.ts';
import { germanLexicon } from '../media-breaks/lexicon.ts';
import type {
  A11yPage,
  Artifact,
  BlockedRequest,
  Outcome,
  PageVitals,
  ReasonCode,
  StepResult,
  MediaBreakReport,
  PathFollowed,
  TlsDetails,
} from '../../results/result.ts';
import type { BrowserLease } from '../../runner/browser-host.ts';
import type { CheckContext } from '../checker.ts';
import { responsive, within } from './bounded.ts';
import {
  certificateProblems,
  watchCertificates,
  type CertificateRefusal,
  type CertificateWatch,
} from './certificates.ts';
import { WEBSOCKET, type Guard } from './guard.ts';
import { inStep, unguardedSocketWarnings } from './guard-warnings.ts';
import { prepareJourney, type Instruments } from './instruments.ts';
import { proxyRefusal } from '../../net/proxy-refusal.ts';
import { asksProxy, netReason, statusReason } from './net-reason.ts';
import { readPageText } from './page-text.ts';
import { readPresentedCertificate } from './presented-certificate.ts';
import { describeTarget } from './locate.ts';
import type { RedirectWatch } from './redirect-watch.ts';
import { MissingSecret, missingSecrets, Secrets, unsetSecrets } from '../secrets.ts';
import { TimeBudget } from '../time-budget.ts';
import type { BrowserSpec, Step } from './spec.ts';
import { AssertionFailure, HttpStatusFailure, runStep, type StepEnv } from './steps.ts';
import { readVitals } from './vitals.ts';

/** Steps that cannot leave the page: no need to read its vitals after them. */
const QUIET_ACTIONS = new Set([
  'fill',
  'select',
  'check',
  'waitFor',
  'expectText',
  'expectVisible',
  'expectUrl',
  'screenshot',
  'scan',
]);

/**
 * Downloads kept per run; later ones are cancelled as they start. A page can start
 * downloads without end, and each is a file on the daemon's disk.
 */
const MAX_DOWNLOADS = 5;
/**
 * A download still running after this is cancelled: a body that trickles without end
 * never reaches the size limit (`browser.downloadLimitMb`, kept by the browser host).
 */
const DOWNLOAD_TIME_LIMIT_MS = 5_000;
/** How long the end of a run waits for downloads still running before it cancels them. */
const DOWNLOAD_GRACE_MS = 2_000;
/** Pages a run's context may open besides its own (popups); further ones are closed at once. */
const MAX_EXTRA_PAGES = 10;
/** How long evidence may take on a page that still responds. */
const EVIDENCE_MS = 5_000;
/** How long the end of a run waits for the browser to tell the certificates it saw. */
const CERTIFICATES_MS = 1_000;

interface Failure {
  reason: ReasonCode;
  message: string;
  /** A fault of ozgwatch's side (its browser died, a shutdown): `error`, no evidence against the service. */
  ours?: true;
  /** The certificate the browser refused, as read by a handshake of ozgwatch's own. */
  tls?: TlsDetails;
}

/** Thrown by `step()` of a TypeScript journey after the step was recorded as failed. */
class StepFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** A download that finished larger than the browser host's limit. */
class DownloadTooLarge extends Error {}

/**
 * One browser journey: a fresh context of the daemon's Chromium, every request
 * guarded, each step timed and attributed; on failure a screenshot, the page HTML and
 * a Playwright trace are kept as evidence, with secrets removed from all of them.
 */
export async function checkBrowser(ctx: CheckContext, spec: BrowserSpec): Promise<Outcome> {
  const started = performance.now();
  if (!ctx.browser) {
    return {
      status: 'error',
      reason: 'internal',
      message: 'no browser configured',
      assertions: [],
    };
  }
  // Checked before a browser is spent on a run that cannot get past its first secret.
  const unset = unsetSecrets(spec.steps);
  if (unset.length > 0) return missingSecrets(unset);
  const secrets = new Secrets();
  let lease: BrowserLease<Instruments>;
  try {
    lease = await ctx.browser.lease(
      {
        userAgent: ctx.userAgent,
        locale: spec.locale,
        viewport: spec.viewport,
        acceptDownloads: true,
      },
      ctx.signal,
      prepareJourney,
    );
  } catch (error) {
    // The deadline or shutdown came first: the runner names it (timeout, aborted).
    if (ctx.signal.aborted) throw error;
    return {
      status: 'error',
      reason: 'internal',
      message: `browser could not start: ${errorLine(error, 500)}`,
      assertions: [],
    };
  }
  const run = new JourneyRun(ctx, spec, lease, secrets);
  const closeOnAbort = (): void => void lease.context.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const failure = await run.execute();
    const outcome = await run.finish(failure, (performance.now() - started) / 1000);
    return secrets.redactValue(outcome);
  } finally {
    ctx.signal.removeEventListener('abort', closeOnAbort);
    await lease.release();
  }
}

class JourneyRun {
  readonly #ctx: CheckContext;
  readonly #spec: BrowserSpec;
  readonly #lease: BrowserLease<Instruments>;
  readonly #secrets: Secrets;
  readonly steps: StepResult[] = [];
  readonly artifacts: Artifact[] = [];
  readonly vitals = new Map<string, PageVitals>();
  readonly scans: StepEnv['scans'] = [];
  readonly a11yPages: A11yPage[] = [];
  readonly mediaPages: PageContent[] = [];
  readonly secretFields: StepEnv['secretFields'] = [];
  #guard: Guard | undefined;
  #certificates: CertificateWatch | undefined;
  #page: Page | undefined;
  #current: StepResult | undefined;
  #pageCrashed = false;
  #downloadCount = 0;
  #downloadsRefused = 0;
  #extraPages = 0;
  #pagesClosed = 0;
  #redirects: RedirectWatch | undefined;
  /** Downloads being saved; the run waits for them before its context closes. */
  readonly #downloads: Promise<void>[] = [];
  /** Cancels the downloads still running. */
  readonly #running = new Set<() => Promise<void>>();
  #traced = false;
  /**
   * Steps end while there is time left for screenshot, HTML and trace: a hung page is
   * `navigation_timeout` with its evidence, not a run cut off without any.
   */
  readonly #budget: TimeBudget;
  /**
   * Rejects when the run is aborted. Raced against every step and a TypeScript journey as a
   * whole: code that waits for something other than the page (closed at the abort) would
   * otherwise hold the run, and its pool slot, for ever.
   */
  readonly #aborted: Promise<never>;

  constructor(
    ctx: CheckContext,
    spec: BrowserSpec,
    lease: BrowserLease<Instruments>,
    secrets: Secrets,
  ) {
    this.#ctx = ctx;
    this.#spec = spec;
    this.#lease = lease;
    this.#secrets = secrets;
    this.#budget = new TimeBudget(ctx.deadlineAt);
    this.#aborted = new Promise<never>((_, reject) => {
      const abort = (): void => reject(ctx.signal.reason as Error);
      if (ctx.signal.aborted) abort();
      else ctx.signal.addEventListener('abort', abort, { once: true });
    });
    // Handled here: a run that ends before any abort must not leave a rejection unheard.
    this.#aborted.catch(() => undefined);
  }

  /** A step's timeout, cut so that it ends while there is time left for evidence. */
  #stepTimeout(declared?: number): number {
    return this.#budget.cap(declared ?? this.#spec.stepTimeout);
  }

  get #context(): BrowserContext {
    return this.#lease.context;
  }

  /** Runs the journey; returns the failure that ended it, if any. */
  async execute(): Promise<Failure | undefined> {
    const failure = await this.#execute();
    if (!failure) await this.#collectVitals();
    return failure;
  }

  async #execute(): Promise<Failure | undefined> {
    try {
      // Guard, vitals observers, tracer and redirect watch were set up with the context
      // (prepareJourney); what is left is what depends on this probe and this run.
      const { guard, redirects } = this.#lease.prepared;
      guard.arm({
        allowed: this.#spec.allowRequests,
        hosts: this.#ctx.hosts,
        signal: this.#ctx.signal,
      });
      this.#guard = guard;
      this.#redirects = redirects;
      // DOM snapshots make the trace; a screencast would add ~20% CPU to every run and
      // could show a secret typed into a text field, so it is opt-in. It needs a tracer of
      // its own: the prepared one records no screenshots.
      if (this.#spec.traceScreencast && !this.#mayUseSecrets()) {
        await this.#context.tracing.stop();
        await this.#context.tracing.start({ screenshots: true, snapshots: true });
      } else {
        await this.#context.tracing.startChunk();
      }
      this.#traced = true;
      this.#page = this.#lease.page;
      this.#certificates = watchCertificates(this.#context, this.#lease.prepared.session);
      this.#listen(this.#page);
      this.#limitPages(this.#page);
      if (this.#spec.steps) await this.#runDeclared(this.#spec.steps, this.#page);
      else await this.#runFunction(this.#page);
      return undefined;
    } catch (error) {
      if (error instanceof StepFailed) return error.failure;
      return this.#classify(error, undefined);
    }
  }

  #mayUseSecrets(): boolean {
    return this.#spec.journey !== undefined || JSON.stringify(this.#spec.steps).includes('${env:');
  }

  #listen(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error')
        this.#current?.consoleErrors.push(message.text().slice(0, 500));
    });
    page.on('pageerror', (error) => {
      this.#current?.pageErrors.push(`${error.name}: ${error.message}`.slice(0, 500));
    });
    page.on('requestfailed', () => {
      if (this.#current) this.#current.failedRequests++;
    });
    page.on('crash', () => {
      this.#pageCrashed = true;
    });
    page.on('download', (download) => this.#keep(download));
  }

  /** Saves a download as evidence, within the run's limits on count, time and size. */
  #keep(download: Download): void {
    const artifacts = this.#ctx.artifacts;
    if (!artifacts || this.#downloadCount >= MAX_DOWNLOADS) {
      if (artifacts) this.#downloadsRefused++;
      return void download.cancel().catch(() => undefined);
    }
    this.#downloadCount++;
    const name = `download-${this.#downloadCount}${extension(download.suggestedFilename())}`;
    let cancelledHere = false;
    const cancel = (): Promise<void> => {
      cancelledHere = true;
      return download.cancel().catch(() => undefined);
    };
    this.#running.add(cancel);
    const timer = setTimeout(() => void cancel(), DOWNLOAD_TIME_LIMIT_MS);
    const limit = this.#ctx.browser?.downloadLimitBytes ?? Infinity;
    const save = async (): Promise<void> => {
      // Throws for a download that was cancelled or failed.
      const whole = await download.path();
      // The browser host cancels a download as it grows past the limit; one that
      // finished between two looks at its file is still not kept.
      if ((await stat(whole)).size > limit) throw new DownloadTooLarge();
      await download.saveAs(await artifacts.path(name));
      this.artifacts.push(await artifacts.describe(name, 'download', 'application/octet-stream'));
    };
    this.#downloads.push(
      save()
        .catch(async (error: unknown) => {
          // Cancelled, and not by this run: the browser host cut it at the size limit.
          const cut =
            error instanceof DownloadTooLarge ||
            (!cancelledHere && (await download.failure().catch(() => null)) === 'canceled');
          if (!cut) return;
          this.#ctx.logger.info(
            { url: download.url(), limitMb: limit / 2 ** 20 },
            'download not kept: larger than browser.downloadLimitMb',
          );
        })
        .finally(() => {
          clearTimeout(timer);
          this.#running.delete(cancel);
        }),
    );
  }

  /**
   * Closes pages beyond {@link MAX_EXTRA_PAGES} as they open: a page that opens windows
   * in a loop would otherwise fill the browser's memory for as long as the run lasts.
   */
  #limitPages(main: Page): void {
    this.#context.on('page', (extra) => {
      if (extra === main) return;
      // A popup's downloads count against the same limits as the page's own.
      extra.on('download', (download) => this.#keep(download));
      if (++this.#extraPages <= MAX_EXTRA_PAGES) return;
      this.#pagesClosed++;
      void extra.close().catch(() => undefined);
    });
  }

  async #runDeclared(steps: readonly Step[], page: Page): Promise<void> {
    for (const [i, step] of steps.entries()) {
      await this.#step(
        step.name,
        step.action,
        async () => {
          const status = await runStep(step, {
            page,
            timeout: this.#stepTimeout(step.timeout),
            secrets: this.#secrets,
            ...(this.#ctx.artifacts ? { artifacts: this.#ctx.artifacts } : {}),
            secretFields: this.secretFields,
            onArtifact: (a) => this.artifacts.push(a),
            readPageText: () => readPageText(this.#lease.prepared.session),
            scans: this.scans,
            a11y: this.#spec.a11y,
            a11yPages: this.a11yPages,
            mediaPages: this.mediaPages,
          });
          return status;
        },
        step,
      ).catch((error: unknown) => {
        for (const rest of steps.slice(i + 1)) {
          this.steps.push(emptyStep(rest.name, rest.action, 'skipped'));
        }
        throw error;
      });
    }
  }

  async #runFunction(page: Page): Promise<void> {
    const journey = this.#spec.journey;
    if (!journey) return;
    page.setDefaultTimeout(this.#stepTimeout());
    const run = journey({
      page,
      secret: (name) => this.#secrets.get(name),
      step: (name, fn) => {
        // Page calls of a TypeScript step take the default: cut it as the deadline nears.
        page.setDefaultTimeout(this.#stepTimeout());
        return this.#step(name, 'step', fn);
      },
    });
    await Promise.race([run, this.#aborted]);
  }

  /** Times one step, records it, and turns its error into the run's failure. */
  async #step<T>(name: string, action: string, fn: () => Promise<T>, declared?: Step): Promise<T> {
    const result = emptyStep(name, action, 'pass');
    this.#current = result;
    if (this.#guard) this.#guard.step = name;
    if (this.#certificates) this.#certificates.step = name;
    this.#redirects?.forget();
    this.steps.push(result);
    const t0 = performance.now();
    try {
      const value = await Promise.race([fn(), this.#aborted]);
      if (typeof value === 'number' && action === 'goto') result.httpStatus = value;
      result.duration = (performance.now() - t0) / 1000;
      result.url = this.#page?.url() ?? '';
      // Vitals are read where a page may be left next; the last page is read at the end.
      if (!QUIET_ACTIONS.has(action)) await this.#collectVitals();
      return value;
    } catch (error) {
      result.duration = (performance.now() - t0) / 1000;
      result.status = 'fail';
      result.url = this.#page?.url() ?? '';
      if (error instanceof AssertionFailure) result.assertion = error.assertion;
      if (error instanceof HttpStatusFailure) result.httpStatus = error.status;
      result.error = errorLine(error, 500);
      throw new StepFailed(await this.#classify(error, declared));
    }
  }

  async #collectVitals(): Promise<void> {
    if (!this.#page) return;
    // A page busy in a script would hold the run here until its deadline.
    const vitals = await within(readVitals(this.#lease.prepared.session, this.#page.url()), 2000);
    if (vitals) this.vitals.set(vitals.url, vitals);
  }

  /** Why the run failed, in the terms of the reason codes. The order of the checks matters. */
  async #classify(error: unknown, step: Step | undefined): Promise<Failure> {
    const message = errorLine(error, 500);
    const stepName = this.#current?.name ?? '';
    if (this.#ctx.signal.aborted) {
      const timedOut = (this.#ctx.signal.reason as Error | undefined)?.name === 'TimeoutError';
      return timedOut
        ? { reason: 'timeout', message: `timeout in step "${stepName}"` }
        : { reason: 'aborted', message: `run aborted (shutdown) in step "${stepName}"` };
    }
    // A TypeScript journey's secret(name) of an unset variable: the probe's configuration.
    if (error instanceof MissingSecret) {
      return {
        reason: 'secret_missing',
        message: `step "${stepName}": ${error.message}`,
        ours: true,
      };
    }
    // The whole browser died (killed for memory, a Chromium bug): ozgwatch's problem, not the
    // service's; paging the county for it would be false. A renderer that died on the page
    // (it allocated until it crashed) is evidence against the page.
    if (
      this.#lease.crashed() ||
      /browser has been closed|Browser closed|has been disconnected/i.test(message)
    ) {
      return {
        reason: 'browser_crash',
        message: `ozgwatch's browser crashed in step "${stepName}"`,
        ours: true,
      };
    }
    if (this.#pageCrashed || /Target crashed/i.test(message)) {
      return { reason: 'browser_crash', message: `the page crashed in step "${stepName}"` };
    }
    const recent = this.#recentSteps();
    const blocked = this.#guard?.blocked.find((b) => recent.has(b.step));
    // ozgwatch held back a request the journey needed: whether the service works is not
    // known, and its owners cannot change that (the probe's allowRequests can). Ours.
    if (blocked) return { reason: 'request_blocked', ours: true, message: blockedMessage(blocked) };
    const failure = await this.#classifyRest(error, step, message, stepName, recent);
    // A page that talks to its server over a WebSocket stops working where it next needs
    // it, often steps after the socket was refused: the failure says so.
    const socket = this.#guard?.blocked.find((b) => b.method === WEBSOCKET);
    return socket
      ? { ...failure, message: `${failure.message}; ${blockedMessage(socket)}` }
      : failure;
  }

  /**
   * The outbound proxy's refusal of the page a step was loading (see {@link proxyRefusal}):
   * the goto's address, else where the page is.
   */
  async #proxyRefusal(step: Step | undefined): Promise<string | undefined> {
    const target =
      step?.action === 'goto' && typeof step.value === 'string' ? step.value : this.#page?.url();
    if (!target) return undefined;
    return proxyRefusal(this.#ctx.proxy, target, this.#ctx.signal, this.#ctx.userAgent);
  }

  /** The failures no guard explains: script errors, a stuck page, timeouts, the network. */
  async #classifyRest(
    error: unknown,
    step: Step | undefined,
    message: string,
    stepName: string,
    recent: Set<string>,
  ): Promise<Failure> {
    const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
    // A refused certificate explains what follows it: a click that led to an identity provider
    // with an expired certificate fails in the next step, on the browser's error page. (A TLS
    // error without a certificate, ERR_SSL_…, has no certificate to read: the network path below.)
    const refusal = this.#certificates?.refusedIn(recent);
    if (refusal || net?.startsWith('ERR_CERT_')) {
      return this.#certificateFailure(stepName, message, net, refusal, step);
    }
    const pageError = this.steps.filter((s) => recent.has(s.name)).flatMap((s) => s.pageErrors)[0];
    if (pageError) {
      return {
        reason: 'js_error',
        message: `JavaScript error in step "${stepName}": ${pageError}`,
      };
    }
    const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
    const navigating =
      step?.action === 'goto' || /page\.goto|waitForNavigation|waitForURL/.test(message);
    if (
      (timedOut || error instanceof AssertionFailure) &&
      !navigating &&
      this.#page &&
      !(await responsive(this.#page, this.#lease.prepared.session))
    ) {
      // Not a missing element: nothing on the page can be found or used.
      return {
        reason: 'page_unresponsive',
        message: `step "${stepName}": the page does not respond (a script that never ends, or a page that never arrives)`,
      };
    }
    if (error instanceof AssertionFailure) return { reason: 'assertion', message: error.message };
    if (error instanceof HttpStatusFailure) {
      if (statusReason(error.status, error.url, this.#ctx.proxy) === 'proxy_error') {
        return {
          reason: 'proxy_error',
          ours: true,
          message: `step "${stepName}": the outbound proxy answered 407 for ${error.url} (it wants other credentials)`,
        };
      }
      return { reason: 'http_status', message: `step "${stepName}": ${error.message}` };
    }
    const unsafe = this.#redirects?.latest();
    if (net === 'ERR_UNSAFE_REDIRECT' || (net === 'ERR_ABORTED' && unsafe)) {
      return {
        reason: 'unsafe_redirect',
        message: unsafe
          ? `step "${stepName}": redirect to ${unsafe.to} not followed (only http and https)`
          : `step "${stepName}": redirect to a scheme other than http(s) not followed (${message})`,
      };
    }
    if (net) {
      // Chromium says the same of any refused CONNECT: ask the proxy whether it refuses us.
      const refused = asksProxy(net) ? await this.#proxyRefusal(step) : undefined;
      if (refused) {
        return {
          reason: 'proxy_error',
          ours: true,
          message: `step "${stepName}": ${net}; the outbound proxy ${refused}`,
        };
      }
      const reason = netReason(net);
      // The outbound proxy failing, or the guard holding back the page's navigation, is
      // ozgwatch's path, not the service: an error, no outage.
      const ours = reason === 'proxy_error' || reason === 'request_blocked';
      return {
        reason,
        ...(ours ? { ours: true as const } : {}),
        message: `step "${stepName}": ${net} (${message})`,
      };
    }
    if (timedOut) {
      if (navigating) {
        // Through a proxy that keeps refusing our credentials, Chromium waits without an error.
        const refused = await this.#proxyRefusal(step);
        if (refused) {
          return {
            reason: 'proxy_error',
            ours: true,
            message: `step "${stepName}": page did not load; the outbound proxy ${refused}`,
          };
        }
        return {
          reason: 'navigation_timeout',
          message: `step "${stepName}": page did not finish loading in time`,
        };
      }
      // Playwright's call log tells whether the element was found at all.
      const log = stripAnsi((error as Error).message);
      const waitingFor = /waiting for (.+)$/m.exec(log)?.[1]?.trim();
      if (waitingFor !== undefined || (step && typeof step.value === 'object')) {
        const what =
          step && typeof step.value === 'object'
            ? describeTarget(step.value as Parameters<typeof describeTarget>[0])
            : (waitingFor ?? 'element');
        const url = this.#page?.url() ?? '';
        if (!/locator resolved to/.test(log)) {
          return {
            reason: 'selector_missing',
            message: `step "${stepName}": no ${what} on ${url}`,
          };
        }
        return {
          reason: 'not_actionable',
          message: `step "${stepName}": ${what} is there but cannot be used${obstruction(error)}`,
        };
      }
      return { reason: 'timeout', message: `step "${stepName}": ${message}` };
    }
    if (/waiting for|locator|strict mode/i.test(message)) {
      return { reason: 'selector_missing', message: `step "${stepName}": ${message}` };
    }
    return { reason: 'assertion', message: `step "${stepName}": ${message}` };
  }

  /**
   * A page the browser refused for its certificate. The browser gives no response to look at,
   * so the chain is read with a handshake of our own: the failure says what is wrong with it
   * ("certificate expired on …") and carries its expiry, as an HTTP probe's would.
   */
  async #certificateFailure(
    stepName: string,
    message: string,
    net: string | undefined,
    refusal: CertificateRefusal | undefined,
    step: Step | undefined,
  ): Promise<Failure> {
    const code = refusal?.error.replace(/^net::/, '') ?? net ?? 'ERR_CERT_INVALID';
    const url =
      refusal?.url ??
      /\bat (https:\/\/\S+)/.exec(message)?.[1] ??
      (step?.action === 'goto' && typeof step.value === 'string' ? step.value : undefined);
    const tls =
      url === undefined
        ? undefined
        : await readPresentedCertificate(url, {
            signal: this.#ctx.signal,
            hosts: this.#ctx.hosts,
            ...(this.#ctx.proxy ? { proxy: this.#ctx.proxy } : {}),
            userAgent: this.#ctx.userAgent,
            now: this.#ctx.now,
          });
    if (!tls || url === undefined) {
      return { reason: 'cert_invalid', message: `step "${stepName}": ${code} (${message})` };
    }
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      reason: 'cert_invalid',
      tls,
      message: `step "${stepName}": ${certificateProblems(tls, host, code)} (${code} at ${url})`,
    };
  }

  /** The failing step and the one before it: a click often breaks only the next step. */
  #recentSteps(): Set<string> {
    return new Set(
      this.steps
        .filter((s) => s.status !== 'skipped')
        .slice(-2)
        .map((s) => s.name),
    );
  }

  /**
   * Media breaks on the pages the journey's `scan: [media-breaks]` steps read: the journey
   * is the path, so its pages are read as the application's steps (documents are left to
   * `media-breaks` probes). Findings, not a journey failure.
   */
  #mediaBreaks(): MediaBreakReport {
    const path: PathFollowed = {
      steps: this.mediaPages.length - 1,
      stoppedBecause: 'no-next-step',
    };
    return detectMediaBreaks(this.mediaPages, [], path, germanLexicon());
  }

  /** Builds the outcome; on failure keeps screenshot, HTML and trace as evidence. */
  async finish(failure: Failure | undefined, seconds: number): Promise<Outcome> {
    await within(Promise.allSettled(this.#downloads), DOWNLOAD_GRACE_MS);
    await Promise.all([...this.#running].map((cancel) => cancel()));
    await within(Promise.allSettled(this.#downloads), DOWNLOAD_GRACE_MS);
    if (this.#downloadsRefused > 0 || this.#pagesClosed > 0) {
      this.#ctx.logger.info(
        { downloadsRefused: this.#downloadsRefused, pagesClosed: this.#pagesClosed },
        'the page opened more downloads or windows than a run keeps',
      );
    }
    await this.#saveEvidence(failure !== undefined);
    const certificates = await this.#certificatesSeen(failure);
    const base = {
      assertions: this.steps.flatMap((s) => (s.assertion ? [s.assertion] : [])),
      steps: this.steps,
      blockedRequests: this.#guard?.blocked ?? [],
      ...(this.#guard?.unguarded.length
        ? { warnings: unguardedSocketWarnings(this.#guard.unguarded, inStep) }
        : {}),
      vitals: [...this.vitals.values()],
      artifacts: this.artifacts,
      ...(this.a11yPages.length > 0
        ? {
            a11y: {
              engine: { name: 'axe-core' as const, version: AXE_VERSION },
              ...browserVersion(this.#page),
              profile: this.#spec.a11y.profile,
              pages: this.a11yPages,
            },
          }
        : {}),
      ...(this.mediaPages.length > 0 ? { mediaBreaks: this.#mediaBreaks() } : {}),
      ...(certificates.length > 0 ? { tls: certificates[0], certificates } : {}),
    };
    // Cut short by shutdown or our browser's death: our run broke, not the service (no page,
    // no false alert).
    if (failure) {
      const { ours, tls: _refused, ...rest } = failure;
      return { status: ours || failure.reason === 'aborted' ? 'error' : 'fail', ...rest, ...base };
    }
    const degradedAfter = this.#spec.degradedAfter;
    if (degradedAfter !== undefined && seconds * 1000 > degradedAfter) {
      return {
        status: 'degraded',
        reason: 'slow',
        message: `slow: ${seconds.toFixed(3)}s > ${degradedAfter / 1000}s (degradedAfter)`,
        ...base,
      };
    }
    return {
      status: 'pass',
      message: `${this.steps.length} step(s) in ${seconds.toFixed(3)}s`,
      ...base,
    };
  }

  /**
   * The certificates of the sites the journey loaded, one per host, and the one it was
   * refused, earliest first: the first is what `probe_ssl_earliest_cert_expiry` reports, as
   * for an HTTP probe; all of them are what the runner remembers for the runs that fail before
   * reaching a site.
   */
  async #certificatesSeen(failure: Failure | undefined): Promise<TlsDetails[]> {
    const watch = this.#certificates;
    if (watch) await within(watch.settled(), CERTIFICATES_MS);
    const accepted = watch?.accepted(this.#ctx.now()) ?? [];
    const refused = failure?.tls;
    if (!refused) return accepted;
    // The refusal is the later reading of its host, should a page of it have loaded before.
    return [refused, ...accepted.filter((c) => c.host !== refused.host)].sort(
      (a, b) => a.earliestExpiry - b.earliestExpiry,
    );
  }

  /** A full-page screenshot (secret fields masked) and the page's HTML (secrets removed). */
  async #keepPage(page: Page, artifacts: NonNullable<CheckContext['artifacts']>): Promise<void> {
    const shot = await within(
      page.screenshot({ fullPage: true, timeout: EVIDENCE_MS, mask: this.secretFields }),
      EVIDENCE_MS,
    );
    if (shot)
      this.artifacts.push(await artifacts.write('failure.png', 'screenshot', 'image/png', shot));
    const html = await within(page.content(), EVIDENCE_MS);
    if (html !== undefined) {
      this.artifacts.push(
        await artifacts.write(
          'page.html',
          'html',
          'text/html; charset=utf-8',
          this.#secrets.redact(html),
        ),
      );
    }
  }

  async #saveEvidence(failed: boolean): Promise<void> {
    const artifacts = this.#ctx.artifacts;
    const page = this.#page;
    // A page that does not run a script cannot give a screenshot or its HTML either; asking
    // would hold the run until its deadline and lose the trace.
    const session = this.#lease.prepared.session;
    if (failed && artifacts && page && !this.#pageCrashed && (await responsive(page, session))) {
      // Named apart in the trace: these calls are ozgwatch's, not the probe's steps.
      if (this.#traced)
        await this.#context.tracing.group('ozgwatch: evidence').catch(() => undefined);
      try {
        await this.#keepPage(page, artifacts);
      } finally {
        if (this.#traced) await this.#context.tracing.groupEnd().catch(() => undefined);
      }
    }
    if (!this.#traced) return;
    if (!failed || !artifacts) {
      await this.#context.tracing.stopChunk().catch(() => undefined);
      return;
    }
    // Written to a scratch name first: the trace is kept only once secrets are out of it.
    const raw = await artifacts.path('trace.raw');
    const stopped = await this.#context.tracing
      .stopChunk({ path: raw })
      .then(() => true)
      .catch(() => false);
    if (!stopped) return;
    try {
      const zip = this.#secrets.redactZip(await readFile(raw));
      this.artifacts.push(await artifacts.write('trace.zip', 'trace', 'application/zip', zip));
    } finally {
      await rm(raw, { force: true });
    }
  }
}

function emptyStep(name: string, action: string, status: StepResult['status']): StepResult {
  return {
    name,
    action,
    status,
    duration: 0,
    consoleErrors: [],
    pageErrors: [],
    failedRequests: 0,
  };
}

/** What the guard held back, and what the probe can do about it. */
function blockedMessage(blocked: BlockedRequest): string {
  if (blocked.method === WEBSOCKET) {
    return `blocked WebSocket ${blocked.url} in step "${blocked.step}": the page talks to its server over it, and a message can change state (allow it as { method: WEBSOCKET, url } in allowRequests if it is safe)`;
  }
  return `blocked ${blocked.method} ${blocked.url} in step "${blocked.step}": it would change state (allow it in allowRequests if it is safe)`;
}

/** Playwright's call log names what covers an element ("<div …> intercepts pointer events"). */
function obstruction(error: unknown): string {
  const log = stripAnsi(String((error as Error).message));
  const line = /^\s*-?\s*(.*intercepts pointer events)\s*$/m.exec(log)?.[1];
  if (!line) return '';
  return ` (${line.length > 300 ? `${line.slice(0, 150)}…${line.slice(-120)}` : line})`;
}

// Built from a string: a control character in a regex literal reads as a mistake.

function extension(filename: string): string {
  const ext = /\.[a-z0-9]{1,8}$/i.exec(filename)?.[0];
  return ext ? ext.toLowerCase() : '';
}

/** The browser's version for the a11y report; nothing once the browser is gone. */
function browserVersion(page: Page | undefined): { browser?: string } {
  try {
    const version = page?.context().browser()?.version();
    return version ? { browser: version } : {};
  } catch {
    return {};
  }
}
