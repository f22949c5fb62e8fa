import { registerHooks } from 'node:module';

/** ozgwatch's public API for `*.probe.ts` files (`defineProbe` and its types). */
const API = new URL('../index.ts', import.meta.url).href;

let registered = false;

/**
 * Lets a probe file `import { defineProbe } from 'ozgwatch'` wherever it lies. Probe folders
 * live outside the installation (`/etc/ozgwatch/probes` in the image, a team's own
 * repository), where Node's package lookup would never find ozgwatch: the name is resolved
 * to this installation's API instead, the one the daemon itself uses.
 */
export function resolveApiForProbeFiles(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve: (specifier, context, next) =>
      specifier === 'ozgwatch' ? { url: API, shortCircuit: true } : next(specifier, context),
  });
}
