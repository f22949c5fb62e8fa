import type { Page } from 'playwright';
import type { PageLink } from './signals.ts';

/** How many links of one page are read: enough for any portal's mega menu, bounded for hostile pages. */
const LINK_LIMIT = 5000;

/**
 * The links of the page now shown, for the BITV signals: absolute, each with the name a
 * screen reader announces (`aria-labelledby`, `aria-label`, visible text, the `alt` of an
 * image inside, `title` — in that order, as the accessible name is computed), and whether it
 * sits in the page's content rather than its header, navigation or footer. Links inside
 * open shadow roots count too: a footer built as a web component links the statement just
 * as well. A link's `type` and `download` attributes are kept: they mark a document whose
 * address does not end in `.pdf`.
 */
export async function readLinks(page: Page): Promise<PageLink[]> {
  return page.evaluate<PageLink[]>(`(() => {
    const out = [];
    const text = (el) => (el ? (el.innerText || el.textContent || '') : '').replace(/\\s+/g, ' ').trim();
    const name = (a) => {
      const root = a.getRootNode();
      const labelledby = (a.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
        .map((id) => text(root.getElementById ? root.getElementById(id) : document.getElementById(id)))
        .join(' ').trim();
      return (labelledby || (a.getAttribute('aria-label') || '').trim() || text(a) ||
        [...a.querySelectorAll('img[alt], [role="img"][aria-label]')]
          .map((i) => i.getAttribute('alt') || i.getAttribute('aria-label')).join(' ').trim() ||
        (a.getAttribute('title') || '').trim()).slice(0, 200);
    };
    const AROUND = 'header, nav, footer, aside, [role="banner"], [role="navigation"], [role="contentinfo"], [role="complementary"]';
    const inContent = (a) => {
      for (let el = a; el; el = el.parentElement || (el.getRootNode() && el.getRootNode().host) || null) {
        if (el.matches && el.matches(AROUND)) {
          // A header or footer inside main or an article belongs to the content.
          const tag = el.tagName.toLowerCase();
          if ((tag === 'header' || tag === 'footer') && el.parentElement && el.parentElement.closest('main, article, [role="main"]')) continue;
          return false;
        }
      }
      return true;
    };
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (out.length >= ${LINK_LIMIT}) return;
        if (el.matches('a[href], area[href]')) {
          const link = { text: name(el), href: el.href, inContent: inContent(el) };
          // What the link says of its target, for documents whose address does not.
          if (el.getAttribute('type')) link.type = el.getAttribute('type').slice(0, 100);
          if (el.hasAttribute('download')) link.download = true;
          out.push(link);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return out;
  })()`);
}
