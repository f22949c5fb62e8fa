import type { Page } from 'playwright';
import type { PageVitals } from '../../results/result.ts';

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

/** The vitals of the page now shown; undefined when the page cannot tell (about:blank, crashed). */
export async function readVitals(page: Page): Promise<PageVitals | undefined> {
  const url = page.url();
  if (!/^https?:/.test(url)) return undefined;
  // A string, not a function: the page's globals are not in this program's types.
  const raw = await page
    .evaluate<RawVitals | undefined>(
      `(() => {
        const v = window.__ozgwatchVitals;
        if (!v) return undefined;
        const nav = performance.getEntriesByType('navigation')[0];
        return { ...v, ...(nav ? { ttfb: nav.responseStart } : {}) };
      })()`,
    )
    .catch(() => undefined);
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
