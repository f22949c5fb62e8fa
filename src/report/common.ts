/** Small pieces the report's collectors share. */
import type { A11yReport, Result } from '../results/result.ts';
import type { ProbeRecord } from '../store/store.ts';
import {
  IMPACT_ORDER,
  type ByImpact,
  type DocumentRow,
  type Impact,
  type ServiceKey,
} from './model.ts';

export const DAY = 86_400_000;

/** A probe with the service it belongs to. */
export interface ScopedProbe extends ProbeRecord {
  key: string;
}

export const keyOf = (s: ServiceKey): string => `${s.county}/${s.service}`;
export const emptyImpacts = (): ByImpact => ({ critical: 0, serious: 0, moderate: 0, minor: 0 });
export const asImpact = (text: string): Impact =>
  (IMPACT_ORDER as readonly string[]).includes(text) ? (text as Impact) : 'minor';
export const severe = (impact: Impact): boolean => impact === 'critical' || impact === 'serious';

export function* a11yReports(results: Iterable<Result>): Generator<[Result, A11yReport]> {
  for (const r of results) if (r.a11y) yield [r, r.a11y];
}

/** A document the tiers count: one that could be fetched and read. */
export const countableDocument = (d: DocumentRow): boolean =>
  d.class !== 'broken' && d.class !== 'unchecked';

/**
 * The "pass" tier of DOMAIN B1, the report's accessible documents (key figure, services
 * table, documents chart): a PDF/UA claim whose machine checks all passed.
 */
export const accessibleDocument = (d: DocumentRow): boolean =>
  d.class === 'pdfua' && d.pdfuaFailed !== null && d.pdfuaFailed.length === 0;

/** The "partial" tier: tagged, but no PDF/UA claim that passed the machine checks. */
export const partialDocument = (d: DocumentRow): boolean =>
  !accessibleDocument(d) && (d.class === 'tagged' || d.class === 'pdfua');
