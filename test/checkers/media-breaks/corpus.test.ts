import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { BREAK_KINDS } from '../../../src/checkers/media-breaks/lexicon.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import type { MediaBreakReport } from '../../../src/results/result.ts';
import {
  CORPORA,
  corpusLabels,
  type CorpusCase,
  type CorpusName,
} from '../../fixtures/county-portal/media-breaks-site.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

/**
 * The labelled corpora (test/fixtures/media-breaks, media-breaks-holdout and media-breaks-holdout-2): every page
 * through the real checker in Chromium, scored against its labels. The first two fail below
 * precision 0.9 or recall 0.85 in any category, or below 0.8 exact-set accuracy; the blind
 * one (media-breaks-holdout-2) below the figures it was first measured at.
 */
let world: BrowserWorld;
/**
 * `OZGWATCH_CORPORA=media-breaks,media-breaks-holdout` runs only those: whoever works on the
 * detector must not have the blind corpus's pages even run (a `-t` filter would still load
 * and check them all in beforeAll). Unset: all of them, as CI runs it.
 */
const chosen = process.env.OZGWATCH_CORPORA?.split(',').map((c) => c.trim());
const RUN = CORPORA.filter((name) => !chosen || chosen.includes(name));
const corpora = Object.fromEntries(RUN.map((name) => [name, corpusLabels(name)])) as Record<
  CorpusName,
  Record<string, CorpusCase>
>;
const reports = new Map<string, MediaBreakReport | undefined>();

beforeAll(async () => {
  world = await startBrowserWorld();
  const ids = RUN.flatMap((name) => Object.keys(corpora[name]).map((id) => `${name}/${id}`));
  // Two at a time, as the daemon's browser pool runs them.
  const queue = [...ids];
  await Promise.all(
    [0, 1].map(async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const out = await checkMediaBreaks(
          { ...world.context(), signal: AbortSignal.timeout(60_000) },
          mediaBreaksSpecSchema.parse({ url: `${world.portal.http}/${id}/` }),
        );
        reports.set(id, out.mediaBreaks);
      }
    }),
  );
}, 600_000);

afterAll(async () => {
  await world.close();
});

interface Score {
  kind: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

function score(
  name: CorpusName,
  labels: Record<string, CorpusCase>,
): {
  rows: Score[];
  exact: number;
  maturity: number;
  e2e: number;
  misses: string[];
} {
  const rows: Score[] = [];
  const misses: string[] = [];
  let exact = 0;
  let maturity = 0;
  let e2e = 0;
  const predicted = (id: string): Set<string> =>
    new Set(reports.get(`${name}/${id}`)?.breaks.map((b) => b.kind) ?? ['<no report>']);
  for (const [id, label] of Object.entries(labels)) {
    const got = predicted(id);
    const want = new Set(label.breaks);
    const same = got.size === want.size && [...got].every((k) => want.has(k));
    if (same) exact++;
    const report = reports.get(`${name}/${id}`);
    if (report?.maturity.level === label.maturity) maturity++;
    if (report?.endToEndDigital === label.endToEndDigital) e2e++;
    if (!same || report?.maturity.level !== label.maturity) {
      misses.push(
        `${id}: want [${[...want].join(', ')}] L${label.maturity}, got [${[...got].join(', ')}] L${report?.maturity.level}`,
      );
    }
  }
  for (const kind of BREAK_KINDS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [id, label] of Object.entries(labels)) {
      const got = predicted(id).has(kind);
      const want = label.breaks.includes(kind);
      if (got && want) tp++;
      else if (got) fp++;
      else if (want) fn++;
    }
    rows.push({
      kind,
      tp,
      fp,
      fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    });
  }
  const n = Object.keys(labels).length;
  return { rows, exact: exact / n, maturity: maturity / n, e2e: e2e / n, misses };
}

/** The corpus written by someone who never saw the detector: measured, not a bar to tune for. */
const BLIND: CorpusName = 'media-breaks-holdout-2';

/**
 * Labels may say whether a case's in-person break is required by law (DOMAIN.md §5): as a
 * flag, or (media-breaks-holdout-2) as the list of break kinds the law requires.
 */
type LegalLabel = CorpusCase & { legallyMandated?: boolean | string[] };

function mandated(label: LegalLabel): boolean | undefined {
  const said = label.legallyMandated;
  if (!Array.isArray(said)) return said;
  return label.breaks.includes('in-person') ? said.includes('in-person') : undefined;
}

describe.each(RUN)('media-break corpus %s', (name) => {
  const labels = corpora[name];

  it('has enough labelled pages covering every category twice', () => {
    expect(Object.keys(labels).length).toBeGreaterThanOrEqual(name === 'media-breaks' ? 30 : 20);
    for (const kind of BREAK_KINDS) {
      expect(
        Object.values(labels).filter((l) => l.breaks.includes(kind)).length,
        kind,
      ).toBeGreaterThanOrEqual(2);
    }
  });

  it(
    name === BLIND
      ? 'stays at or above its first measured figures'
      : 'scores precision ≥ 0.9 and recall ≥ 0.85 per category, exact sets ≥ 0.8',
    () => {
      const { rows, exact, maturity, e2e, misses } = score(name, labels);
      const pct = (x: number): string => x.toFixed(2);
      const table = [
        '| category | TP | FP | FN | precision | recall |',
        '|---|---:|---:|---:|---:|---:|',
        ...rows.map(
          (r) =>
            `| ${r.kind} | ${r.tp} | ${r.fp} | ${r.fn} | ${pct(r.precision)} | ${pct(r.recall)} |`,
        ),
        `exact-set accuracy ${pct(exact)}, maturity accuracy ${pct(maturity)}, Ende-zu-Ende accuracy ${pct(e2e)} over ${Object.keys(labels).length} pages`,
        ...misses.map((m) => `  miss: ${m}`),
      ].join('\n');
      const sum = (k: 'tp' | 'fp' | 'fn'): number => rows.reduce((n, r) => n + r[k], 0);
      const micro = {
        precision: sum('tp') / (sum('tp') + sum('fp')),
        recall: sum('tp') / (sum('tp') + sum('fn')),
      };
      console.log(
        `\nMedia-break corpus ${name}\n${table}\nover all categories: precision ${pct(micro.precision)}, recall ${pct(micro.recall)}`,
      );
      if (name === BLIND) {
        // A floor a little below the figures measured (2026-11-24, after the second development
        // round: precision 0.93, recall 0.85, exact sets 0.71, maturity 0.79): it catches a
        // regression. It is no target to tune the detector against, or the corpus stops
        // measuring anything.
        expect(micro.precision).toBeGreaterThanOrEqual(0.9);
        expect(micro.recall).toBeGreaterThanOrEqual(0.82);
        expect(exact).toBeGreaterThanOrEqual(0.66);
        expect(maturity).toBeGreaterThanOrEqual(0.75);
        return;
      }
      for (const r of rows) {
        expect(r.precision, `${r.kind} precision`).toBeGreaterThanOrEqual(0.9);
        expect(r.recall, `${r.kind} recall`).toBeGreaterThanOrEqual(0.85);
      }
      expect(exact).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('flags an in-person break legallyMandated exactly where the label says so', () => {
    const got = (id: string): boolean | undefined =>
      reports.get(`${name}/${id}`)?.breaks.find((b) => b.kind === 'in-person')?.legallyMandated;
    const labelled = Object.entries(labels as Record<string, LegalLabel>)
      .map(([id, l]): [string, boolean | undefined] => [id, mandated(l)])
      .filter((e): e is [string, boolean] => e[1] !== undefined);
    if (name === 'media-breaks') {
      // Every in-person case of the first corpus says which it is.
      for (const [id, l] of Object.entries(labels)) {
        if (l.breaks.includes('in-person'))
          expect(
            labelled.map(([i]) => i),
            id,
          ).toContain(id);
      }
    }
    const wrong = labelled
      .filter(([id, want]) => got(id) !== want)
      .map(([id, want]) => `${id}: want ${want}, got ${got(id)}`);
    const flagged = Object.keys(labels).filter((id) => got(id) === true).length;
    console.log(
      `\nMedia-break corpus ${name}: legallyMandated on ${flagged} page(s), ${labelled.length - wrong.length}/${labelled.length} labelled right`,
    );
    expect(wrong).toEqual([]);
  });
});
