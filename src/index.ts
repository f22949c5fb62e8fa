/** The public API for `*.probe.ts` files. */
export { defineProbe, type AnyProbeInput, type HttpProbeInput } from './probes/define.ts';
