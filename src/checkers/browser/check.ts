import type { Checker } from '../checker.ts';
import { checkBrowser } from './journey.ts';
import { browserSpecSchema, type BrowserSpec } from './spec.ts';

export const browserChecker: Checker<BrowserSpec> = {
  kind: 'browser',
  spec: browserSpecSchema,
  pool: 'browser',
  // A Chromium context costs ~100 MB and a core's share; two fit a small machine.
  concurrency: 2,
  check: checkBrowser,
};
