import { createRequire } from 'node:module';
import pkg from '../package.json' with { type: 'json' };

/** The version of this ozgwatch build, from package.json. */
export const VERSION: string = pkg.version;

/** The installed Playwright's version (not the range in package.json). */
export const PLAYWRIGHT_VERSION: string = (
  createRequire(import.meta.url)('playwright/package.json') as { version: string }
).version;
