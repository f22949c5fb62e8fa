import type { Page } from 'playwright';
import type { A11yConsent, A11yFinding, A11yPage } from '../../results/result.ts';
import { within } from '../browser/bounded.ts';

/** A consent layer (cookie banner) found on a page, and how it keeps the content from a scan. */
export interface ConsentLayer {
  /** A CSS selector of the layer in the top document. */
  selector: string;
  /** `overlay`: it covers most of the viewport; `inert` / `aria-hidden`: it set these on the content. */
  hides: ('overlay' | 'inert' | 'aria-hidden')[];
}

/**
 * Markup of common consent managers (Usercentrics, OneTrust, Cookiebot, consentmanager,
 * Borlabs, Klaro, CCM19, Complianz, CookieYes, Osano, cookieconsent) and the names sites
 * give their own banners.
 */
const CONSENT_MARKUP = [
  '#usercentrics-root',
  '#usercentrics-cmp-ui',
  '#onetrust-consent-sdk',
  '#CybotCookiebotDialog',
  '#cmpbox',
  '#cmpwrapper',
  '#BorlabsCookieBox',
  '#klaro',
  '.klaro',
  '#ccm-widget',
  '.cmplz-cookiebanner',
  '.cky-consent-container',
  '.osano-cm-window',
  '.cc-window',
  '[id*="cookie" i]',
  '[class*="cookie" i]',
  '[id*="consent" i]',
  '[class*="consent" i]',
].join(', ');
/** A dialog or a fixed layer is a consent layer when its words ask for consent. */
const CONSENT_WORDS =
  'cookie|einwilligung|zustimm|datenschutzeinstellung|datenschutz-einstellung|consent|tracking|drittanbieter';
/**
 * The choice that consents to nothing beyond what the site needs: "Nur notwendige (Cookies)",
 * "Nur essenzielle", "Ablehnen", "Alle ablehnen", "Reject all", "Necessary only".
 */
const DECLINE =
  /nur\s+(technisch\s+)?(notwendige|erforderliche|essenzielle|essentielle|funktionale)|ablehnen|verweigern|reject|decline|(necessary|essential)\s+only|only\s+(necessary|essential)/i;

/**
 * Finds a consent layer and whether it hides the content, in the page: the outermost element
 * of a consent manager's markup, or of a dialog or fixed layer that speaks of cookies and
 * consent, that holds a button; up to the element below `<body>` as long as that holds no
 * `main` or `h1` of the page. It covers the page when it is the topmost element at three of
 * five points of the viewport.
 */
const FIND_SCRIPT = `(() => {
  const words = new RegExp(${JSON.stringify(CONSENT_WORDS)}, 'i');
  const text = (el) => ((el.shadowRoot ? el.shadowRoot.textContent : '') + ' ' + (el.textContent || '')).slice(0, 20000);
  const shown = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  const actionable = (el) => (el.shadowRoot && el.shadowRoot.querySelector('button, a[href], [role="button"]')) ||
    el.querySelector('button, a[href], [role="button"], input[type="button"], input[type="submit"]');
  const CONTENT = 'main, [role="main"], h1';
  const fixed = [...document.body.querySelectorAll('body > *')].filter((el) =>
    /^(fixed|sticky)$/.test(getComputedStyle(el).position));
  const candidates = [
    ...document.querySelectorAll(${JSON.stringify(CONSENT_MARKUP)}),
    ...document.querySelectorAll('dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]'),
    ...fixed,
  ];
  const found = candidates.find((el) => el !== document.body && el !== document.documentElement &&
    !el.matches(CONTENT) && !el.querySelector(CONTENT) && shown(el) && words.test(text(el)) && actionable(el));
  if (!found) return null;
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
  const path = [];
  for (let el = layer; el && el !== document.documentElement; el = el.parentElement) {
    if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
      path.unshift('#' + CSS.escape(el.id));
      break;
    }
    const index = [...el.parentElement.children].indexOf(el) + 1;
    path.unshift(el.tagName.toLowerCase() + ':nth-child(' + index + ')');
  }
  return { selector: path.join(' > '), hides };
})()`;

/** The consent layer of the page now shown, if any; undefined when there is none or no answer. */
export async function findConsentLayer(page: Page, ms: number): Promise<ConsentLayer | undefined> {
  const layer = await within(page.evaluate<ConsentLayer | null>(FIND_SCRIPT), ms);
  return layer ?? undefined;
}

/**
 * Takes the accept-free choice of the layer ("Nur notwendige", "Ablehnen") like a visitor
 * who consents to nothing, and waits for the content to be free. Returns the button's name
 * when the content is no longer hidden; undefined when there is no such choice or it did
 * not free the content.
 */
export async function declineConsent(
  page: Page,
  layer: ConsentLayer,
  ms: number,
): Promise<string | undefined> {
  const started = performance.now();
  const left = (): number => Math.max(0, ms - (performance.now() - started));
  const choice = page
    .locator(layer.selector)
    .getByRole('button', { name: DECLINE })
    .or(page.locator(layer.selector).getByRole('link', { name: DECLINE }))
    .first();
  const name = await within(choice.innerText({ timeout: Math.min(500, left()) }), left());
  if (name === undefined) return undefined;
  const clicked = await choice
    .click({ timeout: Math.max(100, left()), noWaitAfter: true })
    .then(() => true)
    .catch(() => false);
  if (!clicked) return undefined;
  // The consent manager closes its layer on its own time: an animation, a request.
  while (left() > 0) {
    const now = await findConsentLayer(page, left());
    if (now === undefined || now.hides.length === 0) return name.replace(/\s+/g, ' ').trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/**
 * Sets the layer aside without consenting to anything: it is hidden (not removed, so that
 * the selectors of the content stay as they were), and the `inert` and `aria-hidden` it
 * put on the page's content are lifted.
 */
export async function hideConsentLayer(page: Page, layer: ConsentLayer, ms: number): Promise<void> {
  await within(
    page.evaluate(
      `((selector) => {
        const layer = document.querySelector(selector);
        if (!layer) return;
        layer.style.setProperty('display', 'none', 'important');
        const CONTENT = 'main, [role="main"], h1';
        const outside = (el) => !layer.contains(el) && !el.contains(layer);
        const holdsContent = (el) => el.matches(CONTENT) || el.querySelector(CONTENT) !== null;
        for (const el of document.querySelectorAll('[inert]')) if (outside(el)) el.removeAttribute('inert');
        for (const el of document.querySelectorAll('[aria-hidden="true"]')) {
          if (outside(el) && holdsContent(el)) el.removeAttribute('aria-hidden');
        }
        for (const el of [document.documentElement, document.body]) el.style.removeProperty('overflow');
      })(${JSON.stringify(layer.selector)})`,
    ),
    ms,
  );
}

/**
 * The findings' elements that lie in the layer, by occurrence: asked of the page while the
 * layer is still there (a frame or shadow root counts by its host element).
 */
export async function occurrencesInLayer(
  page: Page,
  layer: ConsentLayer,
  scanned: A11yPage,
  ms: number,
): Promise<Set<string>> {
  const nodes = [...scanned.violations, ...scanned.incomplete].flatMap((f) =>
    f.nodes.map((n) => [n.occurrence, (n.target[0] ?? '').split(' >>> ')[0] ?? ''] as const),
  );
  const inside = await within(
    page.evaluate<string[]>(
      `(([selector, nodes]) => {
        const layer = document.querySelector(selector);
        if (!layer) return [];
        return nodes.filter(([, target]) => {
          try {
            const el = target && document.querySelector(target);
            return el && (layer === el || layer.contains(el));
          } catch { return false; }
        }).map(([occurrence]) => occurrence);
      })(${JSON.stringify([layer.selector, nodes])})`,
    ),
    ms,
  );
  return new Set(inside ?? []);
}

/**
 * One page's findings from two scans: `shown`, with the consent layer as a visitor first
 * sees it, and `content`, with the layer declined or set aside. The content scan counts
 * whole; of the first come the layer's own findings, and violations the content scan did
 * not have (a barrier of the page while the layer is open). Needs-review items outside the
 * layer are the content scan's alone: under the layer, colours and overlaps cannot be
 * judged. No element is counted twice for a rule.
 */
export function joinScans(
  shown: A11yPage,
  content: A11yPage,
  inLayer: ReadonlySet<string>,
  consent: A11yConsent,
): A11yPage {
  const frames = [...(shown.framesNotScanned ?? []), ...(content.framesNotScanned ?? [])];
  return {
    ...content,
    seconds: shown.seconds + content.seconds,
    violations: join(content.violations, shown.violations, () => true),
    incomplete: join(content.incomplete, shown.incomplete, (o) => inLayer.has(o)),
    ...(frames.length > 0 ? { framesNotScanned: [...new Set(frames)] } : {}),
    consent,
  };
}

function join(
  base: readonly A11yFinding[],
  extra: readonly A11yFinding[],
  keep: (occurrence: string) => boolean,
): A11yFinding[] {
  const out = base.map((f) => ({ ...f, nodes: [...f.nodes] }));
  for (const finding of extra) {
    const nodes = finding.nodes.filter((n) => keep(n.occurrence));
    if (nodes.length === 0) continue;
    const same = out.find((f) => f.ruleId === finding.ruleId);
    if (!same) {
      out.push({ ...finding, nodes });
      continue;
    }
    const seen = new Set(same.nodes.map((n) => n.occurrence));
    same.nodes.push(...nodes.filter((n) => !seen.has(n.occurrence)));
  }
  return out;
}
