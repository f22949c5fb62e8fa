import type { Locator, Page, Response } from 'playwright';
import type { Assertion } from '../../results/result.ts';
import type { RunArtifacts } from '../../runner/artifacts.ts';
import type { Artifact } from '../../results/result.ts';
import { within } from './bounded.ts';
import { describeTarget, locate } from './locate.ts';
import type { Secrets } from '../secrets.ts';
import { urlMatcher } from './guard.ts';
import type { BrowserSpec, Step } from './spec.ts';
import { scanPage } from '../a11y/axe.ts';
import { extractPage, type PageContent } from '../media-breaks/extract.ts';
import { settle } from '../media-breaks/follow.ts';
import { germanLexicon } from '../media-breaks/lexicon.ts';
import { findLink, STATEMENT_LINK } from '../bitv/signals.ts';
import { readLinks } from '../bitv/links.ts';
import type { A11yPage } from '../../results/result.ts';

/** A step whose expectation did not hold; carries what was seen. */
export class AssertionFailure extends Error {
  readonly assertion: Assertion;
  constructor(assertion: Assertion) {
    super(assertion.text);
    this.name = 'AssertionFailure';
    this.assertion = assertion;
  }
}

/** A main-document answer that is an error (404, 500, …). */
export class HttpStatusFailure extends Error {
  readonly status: number;
  readonly url: string;
  constructor(url: string, status: number) {
    super(`status ${status} for ${url}`);
    this.name = 'HttpStatusFailure';
    this.status = status;
    this.url = url;
  }
}

export interface StepEnv {
  page: Page;
  timeout: number;
  secrets: Secrets;
  artifacts?: RunArtifacts;
  /** Locators of fields filled with a secret: masked in screenshots. */
  secretFields: ReturnType<typeof locate>[];
  onArtifact: (artifact: Artifact) => void;
  /** The page's text without an action of the trace (see page-text.ts); absent without CDP. */
  readPageText?: () => Promise<string | undefined>;
  /** Names of checks requested by `scan` steps, for the checkers of later kinds. */
  scans: { step: string; url: string; checks: string[] }[];
  /** Rule set for `scan` steps with `a11y`. */
  a11y?: BrowserSpec['a11y'];
  /** Pages scanned by axe during the journey. */
  a11yPages: A11yPage[];
  /** Pages read for media breaks during the journey. */
  mediaPages: PageContent[];
}

/** Runs one declarative step; returns the main-document status when it navigated. */
export async function runStep(step: Step, env: StepEnv): Promise<number | undefined> {
  const { page, timeout, secrets } = env;
  switch (step.action) {
    case 'goto': {
      const { url, waitUntil } =
        typeof step.value === 'string'
          ? { url: step.value, waitUntil: 'load' as const }
          : step.value;
      const response: Response | null = await page
        .goto(secrets.resolve(url), { waitUntil, timeout })
        .catch((error: unknown) => {
          // The address answered with a file (Content-Disposition: attachment): the step got
          // what it asked for, and the journey keeps the file as evidence.
          if (/Download is starting/.test((error as Error).message)) return null;
          throw error;
        });
      const status = response?.status();
      if (status !== undefined && status >= 400) throw new HttpStatusFailure(page.url(), status);
      return status;
    }
    case 'click':
      await locate(page, step.value).click({ timeout });
      return undefined;
    case 'fill': {
      const locator = locate(page, step.value);
      const value = secrets.resolve(step.value.value);
      if (value !== step.value.value) env.secretFields.push(locator);
      await locator.fill(value, { timeout });
      return undefined;
    }
    case 'select':
      await locate(page, step.value).selectOption(secrets.resolve(step.value.value), { timeout });
      return undefined;
    case 'check':
      await locate(page, step.value).setChecked(step.value.checked, { timeout });
      return undefined;
    case 'press': {
      const { key, ...target } = step.value;
      if (target.role ?? target.text ?? target.label ?? target.placeholder ?? target.css) {
        await locate(page, { ...target }).press(key, { timeout });
      } else {
        await page.keyboard.press(key);
      }
      return undefined;
    }
    case 'waitFor':
      await locate(page, step.value).waitFor({ state: step.value.state, timeout });
      return undefined;
    case 'expectText':
      await expectText(page, step.value, timeout, env.readPageText);
      return undefined;
    case 'expectVisible': {
      const locator = locate(page, step.value);
      const ok = await locator
        .waitFor({ state: 'visible', timeout })
        .then(() => true)
        .catch(() => false);
      if (!ok) {
        throw new AssertionFailure({
          name: 'visible',
          ok: false,
          text: `${describeTarget(step.value)} is not visible on ${page.url()}`,
          expected: describeTarget(step.value),
          actual: { url: page.url(), title: (await within(page.title(), 1000)) ?? '' },
        });
      }
      return undefined;
    }
    case 'expectUrl': {
      const matches = urlMatcher(step.value);
      const ok = await page
        .waitForURL((u) => matches(u.href), { timeout, waitUntil: 'commit' })
        .then(() => true)
        .catch(() => false);
      if (!ok) {
        throw new AssertionFailure({
          name: 'url',
          ok: false,
          text: `url ${page.url()} !~ ${step.value}`,
          expected: step.value,
          actual: page.url(),
        });
      }
      return undefined;
    }
    case 'screenshot': {
      if (!env.artifacts) return undefined;
      const name = `${step.value === true ? step.name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase() : step.value}.png`;
      const data = await page.screenshot({ fullPage: true, timeout, mask: env.secretFields });
      env.onArtifact(await env.artifacts.write(name, 'screenshot', 'image/png', data));
      return undefined;
    }
    case 'scan': {
      const value = step.value;
      const checks =
        value === true ? ['a11y', 'media-breaks'] : Array.isArray(value) ? value : value.checks;
      const pageState = value !== true && !Array.isArray(value) ? value.page : undefined;
      env.scans.push({ step: step.name, url: page.url(), checks });
      if (checks.includes('media-breaks')) {
        await settle(page, Math.min(timeout, 2000));
        env.mediaPages.push(await extractPage(page, germanLexicon().outOfScopeHeadings));
      }
      if (checks.includes('a11y') && env.a11y) {
        const { disableRules, ...settings } = env.a11y;
        // Bounded by the step's timeout like every other step: a page whose script holds the
        // renderer would otherwise keep the scan (axe's evaluate has no timeout) until the
        // run's deadline, and the run would end as a timeout instead of naming the page.
        const scanning = scanPage(page, {
          ...settings,
          disabledRules: disableRules.map((r) => r.id),
          deadline: performance.now() + timeout,
        }).then(
          (done) => ({ done }),
          (failed: unknown) => ({ failed }),
        );
        const outcome = await within(scanning, timeout);
        if (!outcome) {
          // Named as Playwright names its timeouts, so that the run tells a stuck page
          // (page_unresponsive) from a slow one as for any step. Playwright itself is loaded
          // only once a browser is needed, not by this module.
          const timedOut = new Error(
            `accessibility scan did not finish within ${timeout} ms (timeout of the step)`,
          );
          timedOut.name = 'TimeoutError';
          throw timedOut;
        }
        if ('failed' in outcome) throw outcome.failed;
        const scanned = outcome.done;
        // BITV § 7(1): every page of the process links the accessibility statement.
        const statement = findLink(await readLinks(page).catch(() => []), STATEMENT_LINK);
        scanned.statementLink = statement ? `"${statement.text}" → ${statement.href}` : null;
        scanned.step = step.name;
        if (pageState) scanned.state = pageState;
        env.a11yPages.push(scanned);
      }
      return undefined;
    }
  }
}

/**
 * Waits until the page (or the element) shows `value`, looking every 100 ms, so that step
 * timings keep that accuracy. Every Playwright read is an action in the trace with two DOM
 * snapshots: read with Playwright every 100 ms, a text that never came left 30 reads in the
 * trace of a 3 s step. So the page's own text is read over CDP while it lacks the text, and
 * one Playwright read confirms a match or takes the last look; an element is watched by one
 * call in the page, made again only when the element was replaced or the page navigated.
 */
async function expectText(
  page: Page,
  value: Extract<Step, { action: 'expectText' }>['value'],
  timeout: number,
  readPageText: StepEnv['readPageText'],
): Promise<void> {
  const text = typeof value === 'string' ? value : value.value;
  const deadline = performance.now() + timeout;
  const left = (): number => Math.max(1, deadline - performance.now());
  const seen =
    typeof value === 'string'
      ? await waitForPageText(page, text, left, readPageText)
      : await waitForElementText(locate(page, value), text, left);
  if (seen.shown) return;
  const where = typeof value === 'string' ? 'page' : describeTarget(value);
  throw new AssertionFailure({
    name: 'text',
    ok: false,
    text: `${where} does not contain ${JSON.stringify(text)} on ${page.url()}`,
    expected: text,
    actual: {
      url: page.url(),
      title: (await within(page.title(), 1000)) ?? '',
      text: excerpt(seen.text),
    },
  });
}

/** What a wait for a text ended with: whether it was shown, and the last text read. */
interface TextSeen {
  shown: boolean;
  text: string;
}

const shows = (seen: string, text: string): boolean => normalise(seen).includes(normalise(text));

/** A timer of our own: Playwright's waitForTimeout is an action in the trace. */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForPageText(
  page: Page,
  text: string,
  left: () => number,
  readPageText: StepEnv['readPageText'],
): Promise<TextSeen> {
  const body = page.locator('body');
  let seen = '';
  for (;;) {
    const quick = readPageText ? await within(readPageText(), left()) : undefined;
    if (quick !== undefined) seen = quick;
    const last = left() <= 1;
    // Unreadable without Playwright (navigating, no CDP): Playwright reads.
    if (quick === undefined || shows(quick, text) || last) {
      const read = await body.innerText({ timeout: left() }).catch(() => undefined);
      if (read !== undefined) seen = read;
      if (read !== undefined && shows(read, text)) return { shown: true, text: read };
    }
    if (left() <= 1) return { shown: false, text: seen };
    // While a trace is recorded, every action on a page stuck in a script costs six
    // seconds of snapshot tries: no Playwright call between the reads.
    await pause(Math.min(100, left()));
  }
}

async function waitForElementText(
  element: Locator,
  text: string,
  left: () => number,
): Promise<TextSeen> {
  let seen = '';
  for (;;) {
    // Waits for the element to be there, then watches it in the page until its deadline.
    const watch = { text: normalise(text), until: Date.now() + left() };
    const watching = element.evaluate(watchText, watch, { timeout: left() });
    // The page's timers may be held up by its own scripts: bounded from here too.
    const watched = await within(watching, left() + 250);
    if (watched) seen = watched.text;
    if (watched?.shown) return { shown: true, text: seen };
    if (left() <= 1) return { shown: false, text: seen };
    await pause(Math.min(100, left()));
  }
}

/** What `watchText` uses of a DOM element (this project compiles without the DOM types). */
interface PageElement {
  /** Missing on elements that are not HTML (SVG, MathML). */
  innerText?: string;
  textContent: string | null;
  isConnected: boolean;
}

/**
 * Runs in the page: reads the element's text every 100 ms until it shows `text` (already
 * normalised), the element leaves the document (a framework replaced it: looked up again),
 * or `until` (epoch ms) passes.
 */
function watchText(
  element: PageElement,
  { text, until }: { text: string; until: number },
): Promise<TextSeen> {
  return new Promise((resolve) => {
    const look = (): void => {
      const seen = element.innerText ?? element.textContent ?? '';
      if (seen.replace(/\s+/g, ' ').includes(text)) return resolve({ shown: true, text: seen });
      const rest = until - Date.now();
      if (!element.isConnected || rest <= 0) return resolve({ shown: false, text: seen });
      setTimeout(look, Math.min(100, rest));
    };
    look();
  });
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function excerpt(text: string): string {
  const flat = normalise(text).trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
