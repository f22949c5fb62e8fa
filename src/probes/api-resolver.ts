import { registerHooks } from 'node:module';

/** ozgwatch's public API for `*.probe.ts` files (`defineProbe` and its types). */
const API = new URL('../index.ts', import.meta.url).href;
/** ozgwatch's own sources: never imported afresh for a probe file. */
const OWN = new URL('../', import.meta.url).href;

/** The query parameter that carries the helpers' fingerprint (`helperStamp`) on module URLs. */
export const HELPERS_PARAM = 'ozgwatch-helpers';

let registered = false;

/**
 * Lets a probe file `import { defineProbe } from 'ozgwatch'` wherever it lies. Probe folders
 * live outside the installation (`/etc/ozgwatch/probes` in the image, a team's own
 * repository), where Node's package lookup would never find ozgwatch: the name is resolved
 * to this installation's API instead, the one the daemon itself uses.
 *
 * A module a probe file imports from its own files (not a package, not ozgwatch) gets the
 * probe file's helpers fingerprint in its URL, so that it is imported afresh once a helper
 * changed, as the probe file is.
 */
export function resolveApiForProbeFiles(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve: (specifier, context, next) => {
      if (specifier === 'ozgwatch') return { url: API, shortCircuit: true };
      const resolved = next(specifier, context);
      const stamp = stampOf(context.parentURL);
      if (stamp === undefined || !isOwnFile(resolved.url)) return resolved;
      const url = new URL(resolved.url);
      url.searchParams.set(HELPERS_PARAM, stamp);
      return { ...resolved, url: url.href };
    },
  });
}

function stampOf(parentURL: string | undefined): string | undefined {
  if (!parentURL?.startsWith('file:')) return undefined;
  return new URL(parentURL).searchParams.get(HELPERS_PARAM) ?? undefined;
}

function isOwnFile(url: string): boolean {
  return url.startsWith('file:') && !url.includes('/node_modules/') && !url.startsWith(OWN);
}
