import type { Page } from 'playwright';
import type { PageLink } from '../bitv/signals.ts';

/** How many links of one page are read: enough for any portal's mega menu, bounded for hostile pages. */
const LINK_LIMIT = 5000;

/**
 * The links of the page now shown, absolute, each with the name a screen reader would
 * announce (visible text, else `aria-label`, `title` or the `alt` of an image inside): the
 * BITV signals match on names, the crawl and the document checks on addresses.
 */
export async function pageLinks(page: Page): Promise<PageLink[]> {
  return page.evaluate<PageLink[]>(`(() => {
    const name = (a) => (a.innerText || a.getAttribute('aria-label') || a.getAttribute('title') ||
      [...a.querySelectorAll('img[alt]')].map((i) => i.alt).join(' ') || '').trim().slice(0, 200);
    return [...document.querySelectorAll('a[href]')].slice(0, ${LINK_LIMIT})
      .map((a) => ({ text: name(a), href: a.href }));
  })()`);
}
