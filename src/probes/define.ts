import type { BrowserSpecInput, JourneyFunction } from '../checkers/browser/spec.ts';
import type { HttpSpecInput } from '../checkers/http/spec.ts';
import type { ProbeInput } from './schema.ts';

type Common = Omit<ProbeInput, 'kind'>;

/** An HTTP availability probe, as written in a `*.probe.ts` file. */
export type HttpProbeInput = Common & { kind: 'http'; http: HttpSpecInput };

/**
 * A browser journey. In TypeScript the journey is a function (`journey`, at the top
 * level or under `browser`); `browser` holds the other settings.
 */
export type BrowserProbeInput = Common & {
  kind: 'browser';
  journey?: JourneyFunction;
  browser?: Omit<BrowserSpecInput, 'journey'> & { journey?: JourneyFunction };
};

/** Every kind of probe a user can write. */
export type AnyProbeInput = HttpProbeInput | BrowserProbeInput;

/**
 * Declares a probe in TypeScript, with types and editor help for every field.
 * It returns its argument: validation happens when the daemon loads the file,
 * with the same schema and the same diagnostics as YAML probes.
 *
 * @example
 * ```ts
 * import { defineProbe } from 'ozgwatch';
 * export default defineProbe({
 *   id: 'service-bw-start', name: 'service-bw Startseite', kind: 'http', every: '5m',
 *   labels: { service: 'service-bw', county: 'land-bw' },
 *   http: { url: 'https://www.service-bw.de/', expect: { status: [200] } },
 * });
 * ```
 */
export function defineProbe<P extends AnyProbeInput>(probe: P): P {
  return probe;
}
