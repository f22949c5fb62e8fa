import type { Page, Response } from 'playwright';
import type { Assertion } from '../../results/result.ts';
import type { RunArtifacts } from '../../runner/artifacts.ts';
import type { Artifact } from '../../results/result.ts';
import { within } from './bounded.ts';
import { describeTarget, locate } from './locate.ts';
import type { Secrets } from './secrets.ts';
import { urlMatcher } from './guard.ts';
import type { BrowserSpec, Step } from './spec.ts';
import { scanPage } from '../a11y/axe.ts';
import { extractPage, type PageContent } from '../media-breaks/extract.ts';
import { settle } from '../media-breaks/follow.ts';
import { germanLexicon } from '../media-breaks/lexicon.ts';
import { findLink, STATEMENT_LINK } from '../bitv/signals.ts';
import { pageLinks } from './page-links.ts';
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
  constructor(url: string, status: number) {
    super(`status ${status} for ${url}`);
    this.name = 'HttpStatusFailure';
    this.status = status;
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
        const scanned = await scanPage(page, {
          ...settings,
          disabledRules: disableRules.map((r) => r.id),
        });
        // BITV § 7(1): every page of the process links the accessibility statement.
        const statement = findLink(await pageLinks(page).catch(() => []), STATEMENT_LINK);
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
 * Waits until the page (or the element) shows `value`, reading its text every 100 ms.
 * The page's own text is read without a Playwright call while it lacks the text; one
 * Playwright read confirms a match or takes the last look, so the trace shows the step
 * with the page around it once, not once per read: read with Playwright every 100 ms, a
 * text that never came left 30 reads with two DOM snapshots each in the trace of a 3 s step.
 */
async function expectText(
  page: Page,
  value: Extract<Step, { action: 'expectText' }>['value'],
  timeout: number,
  readPageText: StepEnv['readPageText'],
): Promise<void> {
  const text = typeof value === 'string' ? value : value.value;
  const scope = typeof value === 'string' ? page.locator('body') : locate(page, value);
  const quickRead = typeof value === 'string' ? readPageText : undefined;
  const deadline = performance.now() + timeout;
  const left = (): number => Math.max(1, deadline - performance.now());
  const shows = (seen: string): boolean => normalise(seen).includes(normalise(text));
  let seen = '';
  for (;;) {
    const quick = quickRead ? await within(quickRead(), left()) : undefined;
    if (quick !== undefined) seen = quick;
    // Unreadable without Playwright (navigating, no CDP): Playwright reads, as for an element.
    const confirm = quick === undefined || shows(quick) || performance.now() >= deadline;
    if (confirm) {
      const read = await scope.innerText({ timeout: left() }).catch(() => undefined);
      if (read !== undefined) seen = read;
      if (read !== undefined && shows(read)) return;
    }
    if (performance.now() >= deadline) break;
    // A timer of our own: Playwright's waitForTimeout is an action, and while a trace is
    // recorded every action on a page stuck in a script costs six seconds of snapshot tries.
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, left())));
  }
  const where = typeof value === 'string' ? 'page' : describeTarget(value);
  throw new AssertionFailure({
    name: 'text',
    ok: false,
    text: `${where} does not contain ${JSON.stringify(text)} on ${page.url()}`,
    expected: text,
    actual: {
      url: page.url(),
      title: (await within(page.title(), 1000)) ?? '',
      text: excerpt(seen),
    },
  });
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function excerpt(text: string): string {
  const flat = normalise(text).trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
