import { z } from 'zod';
import { durationMs } from '../../probes/duration.ts';

/**
 * Where the Schlichtungsstelle of each Land lives; a statement must link to it
 * (BGG § 12b(2) Nr 3). Baden-Württemberg (L-BGG § 10b): the Landes-Zentrum Barrierefreiheit
 * and the federal Schlichtungsstelle BGG. Check and extend for your Land in the probe.
 */
export const SCHLICHTUNGSSTELLE_HOSTS: Record<string, string[]> = {
  BW: [
    'lz-barr.de',
    'www.lz-barr.de',
    'schlichtungsstelle-bgg.de',
    'www.schlichtungsstelle-bgg.de',
  ],
  BUND: ['schlichtungsstelle-bgg.de', 'www.schlichtungsstelle-bgg.de'],
};

const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const bitvSpecSchema = z
  .strictObject({
    /** The site's start page: statement, Leichte Sprache and DGS links are looked for here. */
    url,
    /** Further pages that must link to the statement too (BITV § 7(1): every page). */
    pages: z.array(url).max(200).default([]),
    /** Land whose Schlichtungsstelle the statement must link. @default BW */
    land: z
      .string()
      .regex(/^[A-Z]{2,4}$/)
      .default('BW'),
    /** Host names of the Schlichtungsstelle, replacing the Land's defaults. */
    schlichtungsstelle: z.array(z.string().min(3)).optional(),
    /** A statement reviewed longer ago than this is a finding (reviewed at least yearly). @default 365 */
    maxStatementAgeDays: z.number().int().min(1).default(365),
    /** How long one page may take to load. @default 30s */
    pageTimeout: durationMs.default(30_000),
  })
  .superRefine((spec, ctx) => {
    // Without hosts the Schlichtungsstelle signal could only ever be 0: a finding against
    // every statement of the Land, when the probe lacks a setting.
    if (spec.schlichtungsstelle === undefined && !(spec.land in SCHLICHTUNGSSTELLE_HOSTS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['schlichtungsstelle'],
        message: `ozgwatch knows no Schlichtungsstelle for land ${spec.land} (only ${Object.keys(SCHLICHTUNGSSTELLE_HOSTS).join(', ')}): give its host names, e.g. schlichtungsstelle: [www.schlichtungsstelle-bgg.de]`,
      });
    }
  });

export type BitvSpec = z.output<typeof bitvSpecSchema>;
