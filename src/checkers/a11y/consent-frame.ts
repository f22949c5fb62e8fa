import type { Page } from 'playwright';
import { within } from '../browser/bounded.ts';
import { CONSENT_WORDS, FRAME_LAYERS_SCRIPT, type FrameLayer } from './consent-script.ts';

/*
 * Consent layers that render in a frame over the page (some consent managers load their
 * banner as an iframe, often from their own host). The page sees only the frame element;
 * what it asks is read in the frame, through Playwright, which reaches frames of any origin.
 */

/**
 * The first frame over the page whose layer hides the content and whose document speaks of
 * cookies and consent and holds a button or link, within `ms`. Undefined when there is none.
 */
export async function findFrameLayer(page: Page, ms: number): Promise<FrameLayer | undefined> {
  const started = performance.now();
  const left = (): number => Math.max(0, ms - (performance.now() - started));
  const layers = (await within(page.evaluate<FrameLayer[]>(FRAME_LAYERS_SCRIPT), left())) ?? [];
  for (const layer of layers) {
    const inside = page.locator(layer.frame).contentFrame();
    const text = await within(inside.locator('body').innerText({ timeout: left() }), left());
    if (text === undefined || !CONSENT_WORDS.test(text.slice(0, 20_000))) continue;
    const controls = await within(
      inside
        .locator('button, a[href], [role="button"], input[type="button"], input[type="submit"]')
        .count(),
      left(),
    );
    if (controls !== undefined && controls > 0) return layer;
  }
  return undefined;
}
