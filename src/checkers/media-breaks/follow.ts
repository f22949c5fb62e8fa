import type { Page } from 'playwright';
import type { PathFollowed } from '../../results/result.ts';
import { extractPage, type PageContent } from './extract.ts';
import type { Lexicon } from './lexicon.ts';
import { normalise } from './text.ts';

/**
 * Size of the main content, and whether the page still says it is loading: a busy region,
 * a visible spinner, "wird geladen …", or a main content that is still empty.
 */
const CONTENT_SCRIPT = `(() => {
  const root = document.querySelector('main, [role=main]') || document.querySelector('article') ||
    document.querySelector('#content, #inhalt, #main, #main-content, .content, .main-content, .inhalt') || document.body;
  if (!root) return { size: 0, loading: true };
  const text = root.textContent.replace(/\\s+/g, ' ').trim();
  const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
  const busy = [...document.querySelectorAll('[aria-busy=true], .spinner, .loading, .loader, [class*=spinner]')].some(visible);
  const saysLoading = text.length < 600 && /(wird|werden) geladen|\\blade\\b|\\bloading\\b|bitte warten/i.test(text);
  return { size: text.length, loading: busy || saysLoading || text.length < 40 };
})()`;

/**
 * Waits until the page's content stops changing: unchanged over two checks 150 ms apart,
 * and — for portals that render the procedure with JavaScript after `load` — no longer
 * saying it is loading, at most `settleMs`.
 */
export async function settle(page: Page, settleMs = 4000): Promise<void> {
  const deadline = performance.now() + settleMs;
  let last = -1;
  let stable = 0;
  for (;;) {
    const now = await page
      .evaluate<{ size: number; loading: boolean }>(CONTENT_SCRIPT)
      .catch(() => ({ size: -2, loading: true }));
    stable = now.size === last ? stable + 1 : 0;
    last = now.size;
    if ((stable >= 2 && !now.loading) || performance.now() >= deadline) return;
    await page.waitForTimeout(150);
  }
}

/**
 * Follows the service's online application from its page: takes the online-application
 * link or button on the same site, then the steps of its form, filling required fields
 * with test data, up to `maxSteps` pages. Stops before a form that would POST (a real
 * submission: the request guard would block it anyway) and records why it stopped.
 * `onPage` is told the address of each page before anything is done on it, so that what
 * the request guard holds back names the page it came from.
 */
export async function followApplication(
  page: Page,
  service: PageContent,
  lexicon: Lexicon,
  maxSteps: number,
  timeout: number,
  onPage: (url: string) => void = () => undefined,
): Promise<{ pages: PageContent[]; path: PathFollowed }> {
  const pages: PageContent[] = [];
  const isEntry = (text: string): boolean =>
    lexicon.signals.onlineApplicationLink.test(normalise(text));
  const link = service.links.find((l) => l.inScope && /^https?:/.test(l.href) && isEntry(l.text));
  const button = link ? undefined : service.buttons.find((b) => isEntry(b.text));
  if (!link && !button)
    return { pages, path: { steps: 0, stoppedBecause: 'no-online-application' } };
  const entry = link?.text ?? button?.text ?? '';
  if (maxSteps === 0) return { pages, path: { entry, steps: 0, stoppedBecause: 'step-limit' } };
  if (link && new URL(link.href).origin !== new URL(service.url).origin) {
    return { pages, path: { entry, steps: 0, stoppedBecause: 'offsite' } };
  }
  try {
    if (link) {
      onPage(link.href);
      await page.goto(link.href, { timeout });
    } else if (button)
      await navigating(page, () => page.click(button.selector, { timeout }), timeout);
    if (new URL(page.url()).origin !== new URL(service.url).origin) {
      return { pages, path: { entry, steps: 0, stoppedBecause: 'offsite' } };
    }
    for (let steps = 1; ; steps++) {
      onPage(page.url());
      await settle(page);
      const content = await extractPage(page, lexicon.outOfScopeHeadings);
      pages.push(content);
      const form = content.forms.find((f) => f.submits.length > 0) ?? content.forms[0];
      if (!form) return { pages, path: { entry, steps, stoppedBecause: 'no-next-step' } };
      if (form.method !== 'get') {
        return {
          pages,
          path: {
            entry,
            steps,
            stoppedBecause: 'would-post',
            stoppedAt: `${form.method.toUpperCase()} ${form.action}`,
          },
        };
      }
      if (steps >= maxSteps) return { pages, path: { entry, steps, stoppedBecause: 'step-limit' } };
      await page.evaluate(`(${FILL_AND_SUBMIT})(${JSON.stringify(form.selector)}, true)`);
      const moved = await navigating(
        page,
        () => page.evaluate(`(${FILL_AND_SUBMIT})(${JSON.stringify(form.selector)}, false)`),
        timeout,
      );
      if (!moved) return { pages, path: { entry, steps, stoppedBecause: 'no-next-step' } };
    }
  } catch {
    return { pages, path: { entry, steps: pages.length, stoppedBecause: 'error' } };
  }
}

/** Runs an action that should navigate the main frame; whether it did, within the timeout. */
async function navigating(
  page: Page,
  action: () => Promise<unknown>,
  timeout: number,
): Promise<boolean> {
  const navigated = page
    .waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout })
    .then(() => true)
    .catch(() => false);
  await action();
  const moved = await navigated;
  if (moved) await page.waitForLoadState('load', { timeout }).catch(() => undefined);
  return moved;
}

// Runs in the page. Plausible test data by field type and name; `fillOnly` fills without
// submitting (so that the submit can be awaited as a navigation).
const FILL_AND_SUBMIT = `(selector, fillOnly) => {
  const form = document.querySelector(selector);
  if (!form) return false;
  if (fillOnly) {
    const byName = (el) => ((el.name || '') + ' ' + (el.id || '') + ' ' + (el.labels && el.labels[0] ? el.labels[0].textContent : '')).toLowerCase();
    const text = (el) => {
      const n = byName(el);
      if (el.type === 'email' || /mail/.test(n)) return 'erika.mustermann@example.invalid';
      if (el.type === 'tel' || /telefon|phone|tel/.test(n)) return '0711 0000000';
      if (el.type === 'date') return '1980-01-01';
      if (el.type === 'number') return el.min || '1';
      if (el.type === 'url') return 'https://example.invalid/';
      if (/plz|postleitzahl|zip/.test(n)) return '70173';
      if (/iban/.test(n)) return 'DE02120300000000202051';
      if (/ort|stadt|wohnort|city/.test(n)) return 'Stuttgart';
      if (/strasse|straße|street|anschrift/.test(n)) return 'Musterstraße 1';
      if (/vorname|first/.test(n)) return 'Erika';
      if (/name/.test(n)) return 'Mustermann';
      if (/geburt|birth/.test(n)) return '01.01.1980';
      return 'Test';
    };
    const radios = new Set();
    for (const el of form.elements) {
      if (el.disabled || el.type === 'hidden' || el.type === 'file') continue;
      if (el.type === 'radio') {
        if (!radios.has(el.name)) {
          radios.add(el.name);
          if (![...form.querySelectorAll('input[type=radio]')].some((r) => r.name === el.name && r.checked)) el.checked = true;
        }
        continue;
      }
      if (el.type === 'checkbox') { if (el.required) el.checked = true; continue; }
      if (el.tagName === 'SELECT') {
        if (!el.value) { const option = [...el.options].find((o) => o.value); if (option) el.value = option.value; }
        continue;
      }
      if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && !el.value && el.required) {
        el.value = text(el);
        // A pattern the plausible value does not meet (a 15-digit chip number): digits of
        // the length the pattern asks for, else a few common shapes.
        if (!el.checkValidity()) {
          const length = /\\{(\\d+)(,\\d*)?\\}/.exec(el.pattern || '');
          const tries = [length ? '1'.repeat(Number(length[1])) : '', '12345', '70173', 'A1', 'Test'];
          for (const value of tries) { if (!value) continue; el.value = value; if (el.checkValidity()) break; }
        }
      }
    }
    // What still fails validation would stop the browser from sending a GET step at all;
    // the step is read-only, so it is sent as it is.
    if (!form.checkValidity()) form.noValidate = true;
    return true;
  }
  const submit = form.querySelector('button:not([type=button]):not([type=reset]), input[type=submit]');
  if (form.requestSubmit) form.requestSubmit(submit || undefined); else form.submit();
  return true;
}`;
