import type { Page } from 'playwright';
import { consentMarkupPattern } from '../consent-managers.ts';

/** A paragraph-like piece of the procedure text, with where it is and what it is under. */
export interface TextBlock {
  /** Its text; a table cell or a definition has its row header or term in front ("Zustellung: per Post"). */
  text: string;
  selector: string;
  /** The nearest heading before it (accordion summaries count). */
  heading: string;
  /** A heading itself: names a topic, prescribes nothing. */
  isHeading: boolean;
  /** The label of a form field ("IBAN", "Papierausfertigung per Post (optional)"): asks for data, prescribes nothing. */
  isFieldLabel: boolean;
}

export interface PageLinkInfo {
  text: string;
  href: string;
  selector: string;
  heading: string;
  /** The text of the paragraph or list item the link is in. */
  context: string;
  /** Inside the procedure content (not header, navigation, footer, contact blocks). */
  inScope: boolean;
}

export interface FormInfo {
  method: string;
  action: string;
  selector: string;
  /** Labels of its submit buttons. */
  submits: string[];
  fileInputs: number;
  requiredFields: number;
}

/** What the detector reads from one rendered page. */
export interface PageContent {
  url: string;
  title: string;
  h1: string;
  blocks: TextBlock[];
  links: PageLinkInfo[];
  /** Buttons in scope that are not in a form (JavaScript navigation to an online service). */
  buttons: { text: string; selector: string }[];
  forms: FormInfo[];
}

/**
 * Reads the procedure content of the page now shown (R2 of the media-break rules): the main
 * content (`main`, `[role=main]`, `article`, `#content` …) without header, navigation,
 * footer, asides, cookie and consent dialogs, addresses, and sections headed Kontakt,
 * Öffnungszeiten, Impressum and the like. Text of closed accordions counts (it is part of
 * the procedure), so text nodes are read rather than `innerText`. A dialog that is not about
 * consent is procedure ("Ablauf", "Antrag stellen" in a modal), also when it sits outside the
 * main content and a control inside the content opens it. Bounded in size.
 */
export async function extractPage(page: Page, outOfScopeHeadings: RegExp): Promise<PageContent> {
  return page.evaluate<PageContent>(`(${EXTRACT})(${JSON.stringify(outOfScopeHeadings.source)})`);
}

// Runs in the page: plain JavaScript, no closures over Node values.
const EXTRACT = `(outOfScopeSource) => {
  const outOfScope = new RegExp(outOfScopeSource);
  const norm = (s) => s.replace(/\\u00ad/g, '').replace(/[\\s\\u00a0]+/g, ' ').trim();
  const fold = (s) => norm(s).toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
  const root =
    document.querySelector('main, [role=main]') ||
    document.querySelector('article') ||
    document.querySelector('#content, #inhalt, #main, #main-content, .content, .main-content, .inhalt') ||
    document.body;
  const EXCLUDED = 'header, nav, footer, aside, address, [role=contentinfo], [role=navigation], [role=banner], [role=complementary], script, style, noscript, template';
  const DIALOG = 'dialog, [role=dialog], [role=alertdialog], [aria-modal=true]';
  // Other services' teasers ("related", "teaser-list") describe their procedures, not this one's.
  const TRAP = /(cookie|consent|cmp-|privacy-banner|kontakt|contact|sidebar|breadcrumb|oeffnungszeit|opening|footer|header|navigation|megamenu|servicebox|teaser-kontakt|ansprechpartner|zustaendig|related|verwandt|similar|recommend|teaser-?list|teaserlist)/i;
  // Consent managers by their markup (ids, classes, data attributes), from the table the
  // accessibility checker uses too (src/checkers/consent-managers.ts) …
  const CONSENT_MARKUP = new RegExp(${JSON.stringify(consentMarkupPattern().source)}, 'i');
  // … and by their wording: what the dialog asks is consent to cookies or tracking, not a step
  // of the procedure (a procedure dialog may well mention the Datenschutzerklärung).
  const CONSENT_WORDS = /\\b(cookies?|cookie-\\w+|tracking|datenschutzeinstellung\\w*|privatsphaere-?einstellung\\w*|einwilligungseinstellung\\w*|cookie-?einstellung\\w*|webanalyse|drittanbieter\\w*)\\b|\\b(alle|auswahl) (akzeptieren|ablehnen|zulassen|erlauben|speichern|bestaetigen)\\b|\\bnur (technisch )?(notwendige|essenzielle|essentielle|erforderliche)( cookies| dienste)?\\b/;
  const consentCache = new Map();
  const consentDialog = (d) => {
    if (consentCache.has(d)) return consentCache.get(d);
    const markup = [...d.attributes].map((a) => a.name + '=' + a.value).join(' ');
    const verdict = CONSENT_MARKUP.test(markup) || CONSENT_WORDS.test(fold((d.textContent || '').slice(0, 4000)));
    consentCache.set(d, verdict);
    return verdict;
  };
  // A dialog outside the main content counts when a control inside the content opens it
  // (aria-controls, a #fragment, Bootstrap's data targets, invoker commands, popovers).
  const openedFromContent = (d) => {
    if (!d.id) return false;
    const id = CSS.escape(d.id);
    const openers = root.querySelectorAll('[aria-controls~="' + id + '"], [href="#' + id + '"], [data-target="#' + id + '"], [data-bs-target="#' + id + '"], [data-modal="' + id + '"], [data-micromodal-trigger="' + id + '"], [commandfor="' + id + '"], [popovertarget="' + id + '"]');
    return [...openers].some((o) => !excludedElement(o));
  };
  // The places the procedure is read from: the content root and the dialogs it opens.
  const scopes = [root];
  const excludedElement = (el) => {
    const scope = scopes.find((s) => s === el || s.contains(el));
    if (!scope) return true;
    // Only up to the content root: what wraps the whole content says nothing about a part.
    // A dialog outside it is its own scope and is judged itself too.
    for (let e = el; e && (e !== scope || scope !== root); e = e.parentElement) {
      if (e.matches(EXCLUDED)) return true;
      if (e.matches(DIALOG) && consentDialog(e)) return true;
      // A passage in another language (an English summary box): the lexicon reads German.
      const lang = e.getAttribute('lang');
      if (lang && !/^de\b/i.test(lang)) return true;
      const marker = (e.id || '') + ' ' + (typeof e.className === 'string' ? e.className : '');
      if (TRAP.test(marker) || CONSENT_MARKUP.test(marker)) return true;
      if (e === scope) break;
    }
    return scope === root && root.matches(EXCLUDED);
  };
  for (const d of document.querySelectorAll(DIALOG)) {
    if (d.contains(root) || scopes.some((s) => s.contains(d)) || !openedFromContent(d)) continue;
    scopes.push(d);
    if (excludedElement(d)) scopes.pop();
  }
  const inScopes = (selector) => scopes.flatMap((s) => [...s.querySelectorAll(selector)]);
  const selectorOf = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement && parts.length < 6; e = e.parentElement) {
      if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
      const tag = e.tagName.toLowerCase();
      const siblings = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
      parts.unshift(siblings.length > 1 ? tag + ':nth-of-type(' + (siblings.indexOf(e) + 1) + ')' : tag);
    }
    return parts.join(' > ');
  };
  const HEADING = 'h1, h2, h3, h4, h5, h6, summary, dt, [role=heading], caption, legend';
  const BLOCK = 'p, li, dd, dt, td, th, h1, h2, h3, h4, h5, h6, summary, blockquote, figcaption, legend, label, pre, caption, div, section, article, main, form, fieldset, details, dialog, body';
  // Headings in document order, to find the one a block is under.
  const headings = inScopes(HEADING)
    .filter((h) => !excludedElement(h))
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const headingLevel = (h) => /^H[1-6]$/.test(h.tagName) ? Number(h.tagName[1]) : 7;
  // A summary, term, caption or legend heads only its own details, list, table or fieldset.
  const headsOnlyItsContainer = (h) => !/^H[1-6]$/.test(h.tagName) && h.getAttribute('role') !== 'heading';
  // A dialog is a page of its own: only its own headings head its content, and none of its
  // headings heads what follows it. Without a heading, the element that names it does.
  const dialogOf = (el) => (el.parentElement ? el.parentElement.closest(DIALOG) : null);
  const nameOfDialog = (d) => {
    const id = (d.getAttribute('aria-labelledby') || '').split(/\\s+/)[0];
    return id ? document.getElementById(id) : null;
  };
  const headingOf = (el) => {
    const box = el.matches(DIALOG) ? el : dialogOf(el);
    let found = null;
    for (const h of headings) {
      if (h === el || h.contains(el) || dialogOf(h) !== box) continue;
      if (headsOnlyItsContainer(h) && h.parentElement && !h.parentElement.contains(el)) {
        if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) continue; else break;
      }
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = h; else break;
    }
    return found || (box ? nameOfDialog(box) : null);
  };
  // A block is out of scope when it is under a contact/opening-hours/imprint heading, until
  // a heading of the same or a higher level comes.
  const outOfScopeHeading = (h) => {
    // The element that names a dialog: its own words decide.
    if (!headings.includes(h)) return outOfScope.test(fold(h.textContent || ''));
    const box = dialogOf(h);
    for (let i = headings.indexOf(h); i >= 0; i--) {
      const candidate = headings[i];
      // Out of its dialog the walk ends; a dialog's headings say nothing about the page around it.
      if (dialogOf(candidate) !== box) {
        if (box) return false;
        continue;
      }
      if (headingLevel(candidate) > headingLevel(h) && candidate !== h) continue;
      if (outOfScope.test(fold(candidate.textContent || ''))) return true;
      if (headingLevel(candidate) <= 2) return false;
      h = candidate;
    }
    return false;
  };
  const blocks = new Map();
  let total = 0;
  for (const scope of scopes) {
    // Text nodes, and the line breaks between them: "<b>Gebühren</b><br>Die Gebühr …" is two
    // words, not "GebührenDie".
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode: (n) => (n.nodeType === 3 || n.nodeName === 'BR' ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
    });
    for (let node = walker.nextNode(); node && total < 400000; node = walker.nextNode()) {
      if (node.nodeName === 'BR') {
        const entry = node.parentElement && blocks.get(node.parentElement.closest(BLOCK) || scope);
        if (entry) entry.broken = true;
        continue;
      }
      const text = node.nodeValue;
      const parent = node.parentElement;
      if (!text || !parent) continue;
      if (!text.trim()) {
        // White space between inline elements ("<b>Bescheid</b> <span>per Post</span>")
        // keeps their words apart, as the page shows them.
        const entry = blocks.get(parent.closest(BLOCK) || scope);
        if (entry && entry.last) entry.spaced = true;
        continue;
      }
      if (excludedElement(parent)) continue;
      const block = parent.closest(BLOCK) || scope;
      const entry = blocks.get(block) || { parts: [], last: null };
      // Text of different elements (a heading and its paragraph in one div) is separated,
      // unless only inline elements lie between them ("<b>Drucken</b> Sie … <em>aus</em>,",
      // "<span>Unter</span>schrift"): then they are one run of text.
      if (entry.last && entry.broken) {
        entry.parts.push(' ');
      } else if (entry.last && entry.last !== parent) {
        const inline = (el) => getComputedStyle(el).display.startsWith('inline');
        const chain = (from, to) => {
          const out = [];
          for (let e = from; e && e !== to && !e.contains(to); e = e.parentElement) out.push(e);
          return out;
        };
        const between = [...chain(entry.last, parent), ...chain(parent, entry.last)];
        entry.parts.push(between.every(inline) && !entry.spaced ? '' : ' ');
      }
      entry.parts.push(text);
      entry.last = parent;
      entry.broken = false;
      entry.spaced = false;
      blocks.set(block, entry);
      total += text.length;
    }
  }
  // A label built from a div, span or paragraph beside its value ("<div class=label>Zustellung:</div>
  // <div>per Post</div>", role=term/definition): short, no blocks inside, and marked as a
  // label by a colon, its class or its role.
  const LABEL_CLASS = /(^|[-_\\s])(label|key|term|dt|name|title|titel|bezeichnung|field-label)([-_\\s]|$)/i;
  const labelOf = (block) => {
    if (block.matches('[role=definition]')) {
      for (let e = block.previousElementSibling; e; e = e.previousElementSibling) {
        if (e.matches('[role=term]')) return e;
      }
      return null;
    }
    if (!block.matches('div, span, p')) return null;
    const e = block.previousElementSibling;
    if (!e || !e.matches('div, span, p') || e.querySelector(BLOCK)) return null;
    const text = norm(e.textContent || '');
    if (!text || text.length > 60) return null;
    const marked = /:$/.test(text) || LABEL_CLASS.test(typeof e.className === 'string' ? e.className : '');
    return marked ? e : null;
  };
  // A table cell or a definition is the value of a key (its row header or, in a row without
  // one, the cells before it; its term; its label): "Zustellung des Bescheids | per Post" says
  // what goes by post only with the key in front.
  const keyOf = (block) => {
    let keys = [];
    if (block.matches('td')) {
      const cells = block.parentElement ? [...block.parentElement.children] : [];
      const before = cells.slice(0, cells.indexOf(block));
      // A row without a header cell ("Bescheid | Sie erhalten ihn per Post", "4 | Bescheid |
      // Versand per Post"): the cells before it name it.
      const header = before.find((c) => c.matches('th'));
      keys = header ? [header] : before;
    } else if (block.matches('dd')) {
      for (let e = block.previousElementSibling; e; e = e.previousElementSibling) {
        if (e.matches('dt')) { keys = [e]; break; }
      }
    } else {
      const label = labelOf(block);
      if (label) keys = [label];
    }
    const named = keys.filter((k) => !excludedElement(k)).map((k) => norm(k.textContent || '').replace(/[:\\s]+$/, ''));
    // Many cells before it: the first names the row, as it always did.
    const text = named.join(' ').length <= 80 ? named.join(' ') : named[0] || '';
    return text && text.length <= 80 ? text : '';
  };
  const out = [];
  for (const [block, entry] of blocks) {
    const own = norm(entry.parts.join(''));
    if (!own) continue;
    const key = keyOf(block);
    // A question stays a question ("Wie erhalte ich den Bescheid? Per Post."): its answer follows it.
    const text = key ? key + (/\\?$/.test(key) ? ' ' : ': ') + own : own;
    const heading = block.matches(HEADING) ? block : headingOf(block);
    if (heading && heading !== block && outOfScopeHeading(heading)) continue;
    if (block.matches(HEADING) && outOfScope.test(fold(text))) continue;
    out.push({ text, selector: selectorOf(block), heading: heading ? norm(heading.textContent || '') : '', isHeading: block.matches(HEADING), isFieldLabel: Boolean(block.closest('label, option, select, textarea, button') || (block.closest('form') && block.matches('legend'))) });
  }
  const nameOf = (a) => norm(a.innerText || a.textContent || '') || a.getAttribute('aria-label') || a.getAttribute('title') || '';
  const links = [...document.querySelectorAll('a[href]')].slice(0, 3000).map((a) => {
    const heading = headingOf(a);
    const inScope = !excludedElement(a) && !(heading && outOfScopeHeading(heading));
    const block = a.parentElement ? a.parentElement.closest('p, li, dd, td, div') : null;
    return {
      text: norm(nameOf(a)),
      href: a.href,
      selector: selectorOf(a),
      heading: heading ? norm(heading.textContent || '') : '',
      context: block ? norm(block.textContent || '').slice(0, 500) : '',
      inScope,
    };
  });
  // A button that opens something on the page (a dialog, an accordion panel) goes nowhere:
  // what it opens is read as it stands.
  const opensOnPage = (b) => ['aria-controls', 'aria-expanded', 'aria-haspopup', 'data-toggle', 'data-bs-toggle', 'data-target', 'data-bs-target', 'commandfor', 'popovertarget'].some((a) => b.hasAttribute(a));
  const buttons = inScopes('button, [role=button], input[type=button]')
    .filter((b) => !b.closest('form') && !opensOnPage(b) && !excludedElement(b))
    .map((b) => ({ text: norm(b.innerText || b.value || b.getAttribute('aria-label') || ''), selector: selectorOf(b) }));
  const forms = inScopes('form').filter((f) => !excludedElement(f) && f.getAttribute('role') !== 'search').map((f) => ({
    method: (f.getAttribute('method') || 'get').toLowerCase(),
    action: f.action,
    selector: selectorOf(f),
    submits: [...f.querySelectorAll('button:not([type=button]):not([type=reset]), input[type=submit]')].map((b) => norm(b.innerText || b.value || '')),
    fileInputs: f.querySelectorAll('input[type=file]').length,
    requiredFields: f.querySelectorAll('[required]').length,
  }));
  const h1 = document.querySelector('h1');
  return { url: location.href, title: document.title, h1: h1 ? norm(h1.textContent || '') : '', blocks: out, links, buttons, forms };
}`;
