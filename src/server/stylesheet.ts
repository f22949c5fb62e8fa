import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the daemon's pages, inlined in each page's head. The pages' CSP
 * allows this exact text by its hash instead of `'unsafe-inline'`: a `<style>` or `style=`
 * a watched site managed to slip into a page could not restyle it (hide a failure, lay
 * fake content over the real), even if escaping ever missed a place.
 */
export const STYLESHEET = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1a1a1a; background: #fff; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ccc; vertical-align: top; }
  .pass { color: #0a5c1e; } .fail, .error { color: #a4000f; } .degraded { color: #7a4a00; } .skipped { color: #555; }
  code { overflow-wrap: break-word; } .url { word-break: break-all; }
  caption { text-align: left; font-weight: 600; }
  .badge { display: inline-block; padding: 0 .4rem; border: 1px solid #595959; border-radius: .25rem; }
  .summary { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
  .summary dd { margin: 0; font-weight: 600; }
  img { max-width: 100%; border: 1px solid #999; }
  a { color: #0b4fa3; }
  a:focus, a:hover { outline: 2px solid #0b4fa3; outline-offset: 2px; }
`;

/** `'sha256-…'` of {@link STYLESHEET}, for `style-src`. */
export const STYLESHEET_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;
