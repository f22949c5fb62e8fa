import type { Page } from 'playwright';
import type { A11yConsent, A11yFinding, A11yPage } from '../../results/result.ts';
import { within } from '../browser/bounded.ts';
import { findFrameLayer } from './consent-frame.ts';
import { DECLINE, FIND_SCRIPT } from './consent-script.ts';
import { clickShadowNode, findShadowLayer } from './consent-shadow.ts';

/** A consent layer (cookie banner) found on a page, and how it keeps the content from a scan. */
export interface ConsentLayer {
  /** A CSS selector of the layer in the top document. */
  selector: string;
  /** `overlay`: it covers most of the viewport; `inert` / `aria-hidden`: it set these on the content. */
  hides: ('overlay' | 'inert' | 'aria-hidden')[];
  /**
   * Where its controls are: absent for the page's own DOM (open shadow roots included);
   * `closed-shadow-root` (reached over CDP) or `frame` (a frame over the page).
   */
  in?: 'closed-shadow-root' | 'frame';
  /** A frame's layer: the selector of the frame element. */
  frame?: string;
  /** A closed shadow root's layer: its accept-free choice (name, backend node id). */
  choice?: { name: string; node: number };
}

/**
 * The consent layer of the page now shown, if any, looked for where consent managers put
 * them: the page's DOM (open shadow roots included), closed shadow roots, frames over the
 * page. Undefined when there is none or no answer within `ms`.
 */
export async function findConsentLayer(page: Page, ms: number): Promise<ConsentLayer | undefined> {
  const started = performance.now();
  const left = (): number => Math.max(0, ms - (performance.now() - started));
  const own = await within(page.evaluate<ConsentLayer | null>(FIND_SCRIPT), left());
  if (own) return own;
  // A page that did not answer for its own DOM will not answer the slower looks either.
  if (own === undefined) return undefined;
  const shadow = await findShadowLayer(page, left());
  if (shadow) return { ...shadow, in: 'closed-shadow-root' };
  const framed = await findFrameLayer(page, left());
  return framed ? { ...framed, in: 'frame' } : undefined;
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
  const name =
    layer.in === 'closed-shadow-root'
      ? await declineInShadow(page, layer, left)
      : await declineWithLocator(page, layer, left);
  if (name === undefined) return undefined;
  // The consent manager closes its layer on its own time: an animation, a request.
  while (left() > 0) {
    // Each look gets time to answer: one cut to the last milliseconds finds nothing, which
    // read as a closed layer (seen when the guard blocked the choice's POST and it stayed).
    const now = await findConsentLayer(page, Math.max(left(), LOOK_MS));
    if (now === undefined || now.hides.length === 0) return name.replace(/\s+/g, ' ').trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** The least time a look for the layer gets after the choice was taken. */
const LOOK_MS = 500;

/** Clicks the choice Playwright finds in the layer (or its frame); its name, once clicked. */
async function declineWithLocator(
  page: Page,
  layer: ConsentLayer,
  left: () => number,
): Promise<string | undefined> {
  const scope = layer.frame
    ? page.locator(layer.frame).contentFrame()
    : page.locator(layer.selector);
  const choice = scope
    .getByRole('button', { name: DECLINE })
    .or(scope.getByRole('link', { name: DECLINE }))
    .first();
  const name = await within(choice.innerText({ timeout: Math.min(500, left()) }), left());
  if (name === undefined) return undefined;
  const clicked = await choice
    .click({ timeout: Math.max(100, left()), noWaitAfter: true })
    .then(() => true)
    .catch(() => false);
  return clicked ? name : undefined;
}

/** Clicks the choice found over CDP in a closed shadow root; its name, once clicked. */
async function declineInShadow(
  page: Page,
  layer: ConsentLayer,
  left: () => number,
): Promise<string | undefined> {
  if (!layer.choice) return undefined;
  return (await clickShadowNode(page, layer.choice.node, left())) ? layer.choice.name : undefined;
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
