import type { CDPSession, Page } from 'playwright';
import { within } from '../browser/bounded.ts';
import {
  BESIDE_FN,
  CONSENT_WORDS,
  DECLINE,
  LAYER_FN,
  SHADOW_HOSTS_SCRIPT,
} from './consent-script.ts';

/*
 * Consent layers in closed shadow roots (Usercentrics' newer UI can render in one). Neither
 * the page's scripts nor Playwright's locators see into a closed root; the DevTools
 * protocol does: `DOM.describeNode` with `pierce` returns the nodes inside it, and a node
 * found there is clicked where it is drawn, as a visitor's mouse would.
 */

/** A consent layer whose controls are in a closed shadow root. */
export interface ShadowLayer {
  /** The layer in the top document: the host element or its outermost wrapper. */
  selector: string;
  hides: ('overlay' | 'inert' | 'aria-hidden')[];
  /** Its accept-free choice: the button's name and its backend node id (for CDP). */
  choice?: { name: string; node: number };
}

/** The part of a CDP `DOM.Node` read here. */
interface DomNode {
  backendNodeId: number;
  nodeType: number;
  localName?: string;
  nodeValue?: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  shadowRootType?: string;
}

/** What a closed shadow root holds: its text, and its controls with their names. */
interface RootContent {
  host: DomNode;
  text: string;
  controls: { name: string; node: number }[];
}

const GROUP = 'ozgwatch-consent';

/**
 * The first consent layer in a closed shadow root of the page, within `ms`: a root that
 * speaks of cookies and consent and holds a control. Undefined when there is none, when
 * CDP is not at hand, or when the page did not answer in time.
 */
export async function findShadowLayer(page: Page, ms: number): Promise<ShadowLayer | undefined> {
  return withSession(page, ms, async (session) => {
    const list = await session.send('Runtime.evaluate', {
      expression: SHADOW_HOSTS_SCRIPT,
      objectGroup: GROUP,
    });
    if (!list.result.objectId) return undefined;
    const props = await session.send('Runtime.getProperties', {
      objectId: list.result.objectId,
      ownProperties: true,
    });
    const seen = new Set<number>();
    for (const prop of props.result) {
      if (!/^\d+$/.test(prop.name) || !prop.value?.objectId) continue;
      const { node } = (await session.send('DOM.describeNode', {
        objectId: prop.value.objectId,
        depth: -1,
        pierce: true,
      })) as { node: DomNode };
      for (const root of closedRoots(node)) {
        if (seen.has(root.host.backendNodeId)) continue;
        seen.add(root.host.backendNodeId);
        if (!CONSENT_WORDS.test(root.text) || root.controls.length === 0) continue;
        const layer = await describeLayer(session, root.host.backendNodeId);
        if (!layer) continue;
        const choice = root.controls.find((c) => DECLINE.test(c.name));
        return { ...layer, ...(choice ? { choice } : {}) };
      }
    }
    return undefined;
  });
}

/**
 * Clicks a node of a closed shadow root in the middle of its box, after scrolling it into
 * view. False when it has no box (gone, hidden) or the page did not answer within `ms`.
 */
export async function clickShadowNode(page: Page, node: number, ms: number): Promise<boolean> {
  const point = await withSession(page, ms, async (session) => {
    await session.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: node }).catch(() => {});
    const { quads } = await session.send('DOM.getContentQuads', { backendNodeId: node });
    const quad = quads[0];
    if (!quad || quad.length < 8) return undefined;
    const xs = [quad[0], quad[2], quad[4], quad[6]] as number[];
    const ys = [quad[1], quad[3], quad[5], quad[7]] as number[];
    return { x: xs.reduce((a, b) => a + b) / 4, y: ys.reduce((a, b) => a + b) / 4 };
  });
  if (!point) return false;
  const clicked = await within(
    page.mouse.click(point.x, point.y).then(() => true),
    ms,
  );
  return clicked === true;
}

/** Runs `work` over a CDP session of the page that is detached afterwards; undefined on failure. */
async function withSession<T>(
  page: Page,
  ms: number,
  work: (session: CDPSession) => Promise<T | undefined>,
): Promise<T | undefined> {
  const session = await within(page.context().newCDPSession(page), ms);
  if (!session) return undefined;
  try {
    return await within(work(session), ms);
  } finally {
    await session.send('Runtime.releaseObjectGroup', { objectGroup: GROUP }).catch(() => {});
    await session.detach().catch(() => {});
  }
}

/**
 * The layer of a closed root's host, as the page's own layer rule describes it; undefined
 * when the page shows nothing beside it (then it is the page, not a layer over it).
 */
async function describeLayer(
  session: CDPSession,
  backendNodeId: number,
): Promise<Omit<ShadowLayer, 'choice'> | undefined> {
  const { object } = await session.send('DOM.resolveNode', { backendNodeId, objectGroup: GROUP });
  if (!object.objectId) return undefined;
  const described = await session.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration: `function () {
      const layer = (${LAYER_FN})(this);
      return (${BESIDE_FN})(document.querySelector(layer.selector)) ? layer : undefined;
    }`,
    returnByValue: true,
  });
  return described.result.value as Omit<ShadowLayer, 'choice'> | undefined;
}

/** Every closed shadow root in a node's tree, with what it holds. Frames are not entered. */
function closedRoots(node: DomNode): RootContent[] {
  const out: RootContent[] = [];
  const visit = (n: DomNode): void => {
    for (const root of n.shadowRoots ?? []) {
      if (root.shadowRootType === 'closed') out.push(content(n, root));
      visit(root);
    }
    for (const child of n.children ?? []) visit(child);
  };
  visit(node);
  return out;
}

/** The text of a root (without styles and scripts) and its buttons and links. */
function content(host: DomNode, root: DomNode): RootContent {
  const controls: RootContent['controls'] = [];
  const text = textOf(root, (n) => {
    if (isControl(n)) controls.push({ name: nameOf(n), node: n.backendNodeId });
  });
  return { host, text: text.slice(0, 20_000), controls };
}

function textOf(node: DomNode, each?: (n: DomNode) => void): string {
  const parts: string[] = [];
  const visit = (n: DomNode): void => {
    each?.(n);
    if (n.nodeType === 3) parts.push(n.nodeValue ?? '');
    if (n.localName === 'style' || n.localName === 'script' || n.localName === 'template') return;
    for (const root of n.shadowRoots ?? []) visit(root);
    for (const child of n.children ?? []) visit(child);
  };
  visit(node);
  return parts.join(' ');
}

function attribute(node: DomNode, name: string): string | undefined {
  const a = node.attributes ?? [];
  for (let i = 0; i + 1 < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

function isControl(n: DomNode): boolean {
  if (n.nodeType !== 1) return false;
  if (n.localName === 'button' || attribute(n, 'role') === 'button') return true;
  if (n.localName === 'a') return attribute(n, 'href') !== undefined;
  return n.localName === 'input' && /^(button|submit)$/i.test(attribute(n, 'type') ?? '');
}

/** The control's name as a visitor reads it: its text, else its label or value. */
function nameOf(n: DomNode): string {
  const text = textOf(n).replace(/\s+/g, ' ').trim();
  return text || attribute(n, 'aria-label') || attribute(n, 'value') || '';
}
