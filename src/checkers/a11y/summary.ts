import type { A11yReport, DocumentClass, DocumentInfo } from '../../results/result.ts';

export const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
export type Impact = (typeof IMPACTS)[number];

export interface A11ySummary {
  /** Violation occurrences (flagged elements) over all pages. */
  violations: number;
  byImpact: Record<Impact, number>;
  /** Distinct patterns (the same component on many pages counts once), by impact. */
  patternsByImpact: Record<Impact, number>;
  /** Elements that need a person's review. */
  incomplete: number;
  /** Violations covered by a live waiver: counted here, not in `violations`. */
  waived: number;
  /** Pages scanned without error. */
  pagesScanned: number;
  /** Scanned pages that link the accessibility statement. */
  pagesStatementLinked: number;
  /** Every page of the run was scanned. */
  complete: boolean;
  /** Rule ids with violations, most occurrences first. */
  rules: string[];
  /** Linked PDFs by class. */
  documents: Record<DocumentClass, number>;
  /** Linked Word and ODF documents by class. */
  officeDocuments: Record<DocumentClass, number>;
}

export const PDF_CLASSES: readonly DocumentClass[] = [
  'scanned',
  'untagged',
  'tagged',
  'pdfua',
  'broken',
];
export const OFFICE_CLASSES: readonly DocumentClass[] = [
  'scanned',
  'untagged',
  'tagged',
  'unchecked',
  'broken',
];

/** Counts of a report, for messages and metrics. */
export function summarise(report: A11yReport): A11ySummary {
  const zero = (): Record<Impact, number> => ({ critical: 0, serious: 0, moderate: 0, minor: 0 });
  const byImpact = zero();
  const patterns = new Map<string, Impact>();
  const perRule = new Map<string, number>();
  let incomplete = 0;
  let waived = 0;
  for (const page of report.pages) {
    for (const v of page.violations) {
      const impact = (IMPACTS as readonly string[]).includes(v.impact)
        ? (v.impact as Impact)
        : 'minor';
      const open = v.nodes.filter((n) => n.waived === undefined);
      waived += v.nodes.length - open.length;
      if (open.length === 0) continue;
      byImpact[impact] += open.length;
      perRule.set(v.ruleId, (perRule.get(v.ruleId) ?? 0) + open.length);
      for (const n of open) patterns.set(n.pattern, impact);
    }
    for (const i of page.incomplete) incomplete += i.nodes.length;
  }
  const pdfs = (report.documents ?? []).filter((d) => (d.format ?? 'pdf') === 'pdf');
  const office = (report.documents ?? []).filter((d) => (d.format ?? 'pdf') !== 'pdf');
  const patternsByImpact = zero();
  for (const impact of patterns.values()) patternsByImpact[impact]++;
  return {
    violations: Object.values(byImpact).reduce((a, b) => a + b, 0),
    byImpact,
    patternsByImpact,
    incomplete,
    waived,
    pagesScanned: report.pages.filter((p) => p.error === undefined).length,
    pagesStatementLinked: report.pages.filter((p) => p.error === undefined && p.statementLink)
      .length,
    complete: report.pages.every((p) => p.error === undefined),
    rules: [...perRule.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id),
    documents: countByClass(pdfs, PDF_CLASSES),
    officeDocuments: countByClass(office, OFFICE_CLASSES),
  };
}

function countByClass(
  documents: readonly DocumentInfo[],
  classes: readonly DocumentClass[],
): Record<DocumentClass, number> {
  const counts = Object.fromEntries(classes.map((c) => [c, 0])) as Record<DocumentClass, number>;
  for (const d of documents) counts[d.class] = (counts[d.class] ?? 0) + 1;
  return counts;
}
