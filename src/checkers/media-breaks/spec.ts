import { z } from 'zod';
import { durationMs } from '../../probes/duration.ts';

/** `kind: media-breaks`: one service page, its online application and its documents. */
export const mediaBreaksSpecSchema = z.strictObject({
  /** The service page (a Leistungsbeschreibung, or a county's page of the service). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /**
   * Follow the online-application link and the steps of its form on the same site, with
   * test data, up to this many pages; 0 reads the service page alone. Never sends a form
   * that would POST. @default 6
   */
  followSteps: z.number().int().min(0).max(20).default(6),
  /** Documents linked from the procedure text: how many to fetch and classify, up to what size. */
  documents: z
    .strictObject({
      /** @default 10 */
      max: z.number().int().min(0).max(50).default(10),
      /** @default 20 MiB */
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(200 * 2 ** 20)
        .default(20 * 2 ** 20),
    })
    .default({ max: 10, maxBytes: 20 * 2 ** 20 }),
  /** How long one page may take to load. @default 30s */
  pageTimeout: durationMs.default(30_000),
});

export type MediaBreaksSpec = z.output<typeof mediaBreaksSpecSchema>;
