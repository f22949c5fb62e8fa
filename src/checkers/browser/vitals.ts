import type { CDPSession } from 'playwright';
import type { PageVitals } from '../../results/result.ts';
import { evaluateUntraced } from './page-text.ts';

/**
 * Runs in every page before its own scripts: observes paint, largest contentful
 * paint and layout shifts as the browser reports them (the web-vitals definitions,
 * without the library's session windowing for CLS).
 */
export const VITALS_INIT_SCRIPT = `(() => {
  const v = { cls: 0 };
  Object.defineProperty(window, '__ozgwatchVitals', { value: v });
  const observe = (type, fn) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true }); } catch {}
  };
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') v.fcp = e.startTime; });
  observe('largest-contentful-paint', (e) => { v.lcp = e.startTime; });
  observe('layout-shift', (e) => { if (!e.hadRecentInput) v.cls += e.value; });
})();`;

interface RawVitals {
  fcp?: number;
  lcp?: number;
  cls: number;
  ttfb?: number;
}

/** What the page's observers gathered, with the time to first byte of its document. */
const READ_VITALS = `(() => {
  const v = window.__ozgwatchVitals;
  if (!v) return undefined;
  const nav = performance.getEntriesByType('navigation')[0];
  return { ...v, ...(nav ? { ttfb: nav.responseStart } : {}) };
})()`;

/**
 * The vitals of the page now shown at `url`; undefined when the page cannot tell
 * (about:blank, crashed, no CDP). Read over the page's own CDP session rather than with
 * `page.evaluate`: a Playwright call is an action of the run's trace, with a DOM snapshot
 * before and after it, which made each read cost several milliseconds and put evaluations
 * the probe never wrote into the trace its author reads.
 */
export async function readVitals(
  session: CDPSession | undefined,
  url: string,
): Promise<PageVitals | undefined> {
  if (!/^https?:/.test(url)) return undefined;
  const raw = await evaluateUntraced<RawVitals>(session, READ_VITALS);
  if (!raw) return undefined;
  const s = (ms: number | undefined): number | undefined =>
    ms === undefined ? undefined : Math.round(ms) / 1000;
  return {
    url,
    ...(raw.ttfb !== undefined ? { ttfb: s(raw.ttfb) } : {}),
    ...(raw.fcp !== undefined ? { fcp: s(raw.fcp) } : {}),
    ...(raw.lcp !== undefined ? { lcp: s(raw.lcp) } : {}),
    cls: Math.round(raw.cls * 1000) / 1000,
  };
}
