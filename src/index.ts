/** The public API for `*.probe.ts` files. */
export {
  defineProbe,
  type AnyProbeInput,
  type BrowserProbeInput,
  type HttpProbeInput,
} from './probes/define.ts';
export type { JourneyContext, JourneyFunction } from './checkers/browser/spec.ts';
