import { consentSelector } from '../consent-managers.ts';

/*
 * The scripts that look for a consent layer inside the page. Plain JavaScript in strings:
 * they run in the page (through Playwright or CDP), never in Node.
 */

/** Markup of the known consent managers and the names sites give their own banners. */
const CONSENT_MARKUP = consentSelector();

/** A dialog or a fixed layer is a consent layer when its words ask for consent. */
export const CONSENT_WORDS =
  /cookie|einwilligung|zustimm|datenschutzeinstellung|datenschutz-einstellung|consent|tracking|drittanbieter/i;

/**
 * The choice that consents to nothing beyond what the site needs: "Nur notwendige (Cookies)",
 * "Nur essenzielle", "Ablehnen", "Alle ablehnen", "Reject all", "Necessary only".
 */
export const DECLINE =
  /nur\s+(technisch\s+)?(notwendige|erforderliche|essenzielle|essentielle|funktionale)|ablehnen|verweigern|reject|decline|(necessary|essential)\s+only|only\s+(necessary|essential)/i;

/** What the page's main content is made of: a consent layer holds none of it. */
const CONTENT = 'main, [role="main"], h1';

/** `(el) => selector`: a CSS path of an element of the top document, by a unique id where there is one. */
const PATH_FN = `(el) => {
  const path = [];
  for (; el && el !== document.documentElement; el = el.parentElement) {
    if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
      path.unshift('#' + CSS.escape(el.id));
      break;
    }
    const index = [...el.parentElement.children].indexOf(el) + 1;
    path.unshift(el.tagName.toLowerCase() + ':nth-child(' + index + ')');
  }
  return path.join(' > ');
}`;

/**
 * `(found) => { selector, hides }`: the layer an element of a consent manager belongs to,
 * and whether it hides the content. The layer is the found element's outermost ancestor
 * below `<body>` that holds no `main` or `h1` of the page. It covers the page when it is
 * the topmost element at three of five points of the viewport (a closed shadow root or a
 * frame counts by its host element: that is what the page sees there).
 */
export const LAYER_FN = `(found) => {
  const CONTENT = ${JSON.stringify(CONTENT)};
  let layer = found;
  while (layer.parentElement && layer.parentElement !== document.body &&
    !layer.parentElement.querySelector(CONTENT)) layer = layer.parentElement;
  const hides = [];
  const points = [[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]];
  const covered = points.filter(([x, y]) => {
    const hit = document.elementFromPoint(innerWidth * x, innerHeight * y);
    return hit !== null && (layer === hit || layer.contains(hit));
  }).length;
  if (covered >= 3) hides.push('overlay');
  const outside = (el) => !layer.contains(el) && !el.contains(layer);
  const holdsContent = (el) => el.matches(CONTENT) || el.querySelector(CONTENT) !== null;
  if ([...document.querySelectorAll('[inert]')].some((el) => outside(el) && holdsContent(el))) hides.push('inert');
  if ([...document.querySelectorAll('[aria-hidden="true"]')].some((el) => outside(el) && holdsContent(el))) hides.push('aria-hidden');
  return { selector: (${PATH_FN})(layer), hides };
}`;

/**
 * `(layer) => boolean`: whether the page shows text beside the layer. A layer found only by
 * what its frame or closed shadow root says must hide something: a frame or a web component
 * that fills a page with nothing else is the page (a specialist procedure embedded full
 * screen), however often it mentions cookies.
 */
export const BESIDE_FN = `(layer) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || layer.contains(p) || !n.nodeValue.trim() || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(p.tagName)) continue;
    if (!p.checkVisibility || p.checkVisibility()) return true;
  }
  return false;
}`;

/** Whether an element is rendered at all (not `display: none`, not hidden). */
const RENDERED_FN = `(el) => {
  const s = getComputedStyle(el);
  return s.display !== 'none' && s.visibility !== 'hidden';
}`;

/**
 * Finds a consent layer in the page's own DOM (open shadow roots included): the first
 * element of a consent manager's markup, or a dialog or fixed layer, that is shown, speaks
 * of cookies and consent, and holds a button. Null when there is none.
 */
export const FIND_SCRIPT = `(() => {
  const words = new RegExp(${JSON.stringify(CONSENT_WORDS.source)}, 'i');
  const text = (el) => ((el.shadowRoot ? el.shadowRoot.textContent : '') + ' ' + (el.textContent || '')).slice(0, 20000);
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return (${RENDERED_FN})(el) && r.width > 0 && r.height > 0;
  };
  const actionable = (el) => (el.shadowRoot && el.shadowRoot.querySelector('button, a[href], [role="button"]')) ||
    el.querySelector('button, a[href], [role="button"], input[type="button"], input[type="submit"]');
  const CONTENT = ${JSON.stringify(CONTENT)};
  const fixed = [...document.body.querySelectorAll('body > *')].filter((el) =>
    /^(fixed|sticky)$/.test(getComputedStyle(el).position));
  const candidates = [
    ...document.querySelectorAll(${JSON.stringify(CONSENT_MARKUP)}),
    ...document.querySelectorAll('dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]'),
    ...fixed,
  ];
  const found = candidates.find((el) => el !== document.body && el !== document.documentElement &&
    !el.matches(CONTENT) && !el.querySelector(CONTENT) && shown(el) && words.test(text(el)) && actionable(el));
  return found ? (${LAYER_FN})(found) : null;
})()`;

/**
 * The elements that may hold a consent layer in a closed shadow root, which no script of
 * the page can look into: those of a consent manager's markup, and custom elements and
 * fixed layers right below `<body>`, as long as they are rendered and hold none of the
 * page's content. At most 20. For CDP, which can (`DOM.describeNode` with `pierce`).
 */
export const SHADOW_HOSTS_SCRIPT = `(() => {
  const CONTENT = ${JSON.stringify(CONTENT)};
  const picked = new Set(document.querySelectorAll(${JSON.stringify(CONSENT_MARKUP)}));
  for (const el of document.body ? document.body.children : []) {
    if (el.localName.includes('-') || /^(fixed|sticky)$/.test(getComputedStyle(el).position)) picked.add(el);
  }
  return [...picked].filter((el) => el !== document.body && !el.matches(CONTENT) &&
    !el.querySelector(CONTENT) && (${RENDERED_FN})(el)).slice(0, 20);
})()`;

/** A frame that hides the content, as {@link FRAME_LAYERS_SCRIPT} finds it. */
export interface FrameLayer {
  selector: string;
  hides: ('overlay' | 'inert' | 'aria-hidden')[];
  /** The frame element itself, in the top document. */
  frame: string;
}

/**
 * The frames of the top document whose layer hides the content (a consent manager that
 * renders its banner in a frame over the page) and leaves text beside it: at most 5, with
 * the frame's own selector.
 */
export const FRAME_LAYERS_SCRIPT = `(() => {
  const out = [];
  for (const f of document.querySelectorAll('iframe, frame')) {
    const r = f.getBoundingClientRect();
    if (!(${RENDERED_FN})(f) || r.width <= 1 || r.height <= 1) continue;
    const layer = (${LAYER_FN})(f);
    if (layer.hides.length === 0 || !(${BESIDE_FN})(document.querySelector(layer.selector))) continue;
    out.push({ ...layer, frame: (${PATH_FN})(f) });
    if (out.length >= 5) break;
  }
  return out;
})()`;
