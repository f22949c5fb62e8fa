import type { FrameLocator, Locator, Page } from 'playwright';
import type { Target } from './spec.ts';

type AriaRole = Parameters<Page['getByRole']>[0];

/** The Playwright locator of a step's target; the first match when several fit. */
export function locate(page: Page, target: Target): Locator {
  const root: Page | FrameLocator = target.frame ? page.frameLocator(target.frame) : page;
  const exact = target.exact;
  let locator: Locator;
  if (target.role !== undefined) {
    locator = root.getByRole(target.role as AriaRole, {
      ...(target.name !== undefined ? { name: target.name } : {}),
      exact,
    });
  } else if (target.text !== undefined) locator = root.getByText(target.text, { exact });
  else if (target.label !== undefined) locator = root.getByLabel(target.label, { exact });
  else if (target.placeholder !== undefined)
    locator = root.getByPlaceholder(target.placeholder, { exact });
  else locator = root.locator(target.css ?? 'body');
  return locator.first();
}

/** How a person would call the target, for step results: `link "Online beantragen"`. */
export function describeTarget(target: Target): string {
  const where = target.frame ? ` in frame ${target.frame}` : '';
  if (target.role !== undefined)
    return `${target.role}${target.name !== undefined ? ` ${JSON.stringify(target.name)}` : ''}${where}`;
  if (target.text !== undefined) return `text ${JSON.stringify(target.text)}${where}`;
  if (target.label !== undefined) return `field ${JSON.stringify(target.label)}${where}`;
  if (target.placeholder !== undefined)
    return `placeholder ${JSON.stringify(target.placeholder)}${where}`;
  return `css ${target.css ?? ''}${where}`;
}
