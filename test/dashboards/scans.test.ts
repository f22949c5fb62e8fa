/**
 * What the accessibility and maturity panels show when two locations scan the same probes and
 * one of them moves a probe to another shard: every probe counts once, with the worst value
 * any location saw, evaluated by Prometheus's engine (promtool).
 */
import { describe, expect, it } from 'vitest';
import {
  panelExpr,
  runPromtool,
  selector,
  values,
  withPromtool,
  type ExprTest,
  type InputSeries,
} from './promtool.ts';

const JOB = 'ozgwatch';
const MINUTES = 16;
const AT = '10m';

interface Where {
  location: string;
  instance: string;
  /** Minutes the instance exports the probe: [first, last]. */
  during?: [number, number];
}

// Stuttgart moves its probes from shard 0 to shard 1: both export them from minute 8 to 10,
// the panels are read at minute 10. Karlsruhe scans them from one instance.
const STUTTGART_OLD: Where = {
  location: 'stuttgart',
  instance: 'ozgwatch-0:9464',
  during: [0, 10],
};
const STUTTGART_NEW: Where = {
  location: 'stuttgart',
  instance: 'ozgwatch-1:9464',
  during: [8, MINUTES - 1],
};
const KARLSRUHE: Where = { location: 'karlsruhe', instance: 'ozgwatch-0:9464' };

interface Probe {
  id: string;
  service: string;
  county: string;
}

const LB_A11Y: Probe = { id: 'portal-lb-a11y', service: 'kreisportal', county: 'ludwigsburg' };
const TUE_A11Y: Probe = { id: 'portal-tue-a11y', service: 'kreisportal', county: 'tuebingen' };
const LB_BITV: Probe = { id: 'portal-lb-bitv', service: 'kreisportal', county: 'ludwigsburg' };
const LB_LH: Probe = { id: 'portal-lb-lighthouse', service: 'kreisportal', county: 'ludwigsburg' };
const SPERRMUELL: Probe = { id: 'sperrmuell-bb', service: 'sperrmuell', county: 'boeblingen' };
const WOHNGELD: Probe = { id: 'wohngeld-lb', service: 'wohngeld', county: 'ludwigsburg' };

/** One series of a probe as one instance exports it, steady while it exports it. */
function scan(
  name: string,
  p: Probe,
  where: Where,
  value: number,
  extra: Record<string, string> = {},
): InputSeries {
  const [first, last] = where.during ?? [0, MINUTES - 1];
  return {
    series: selector(name, {
      job: JOB,
      location: where.location,
      instance: where.instance,
      probe: p.id,
      service: p.service,
      county: p.county,
      ...extra,
    }),
    values: values([null, first], [value, last - first + 1], [null, MINUTES - 1 - last]),
  };
}

/** The same series from the three exporters: old and new Stuttgart shard, Karlsruhe. */
function everywhere(
  name: string,
  p: Probe,
  [old, now, karlsruhe]: [number, number, number],
  extra: Record<string, string> = {},
): InputSeries[] {
  return [
    scan(name, p, STUTTGART_OLD, old, extra),
    scan(name, p, STUTTGART_NEW, now, extra),
    scan(name, p, KARLSRUHE, karlsruhe, extra),
  ];
}

/** Series of a probe Stuttgart runs on shard 0 only (no move), and Karlsruhe. */
function twoLocations(
  name: string,
  p: Probe,
  [stuttgart, karlsruhe]: [number, number],
  extra: Record<string, string> = {},
): InputSeries[] {
  const shard0 = { ...STUTTGART_OLD, during: undefined };
  return [scan(name, p, shard0, stuttgart, extra), scan(name, p, KARLSRUHE, karlsruhe, extra)];
}

const critical = { impact: 'critical' };
const serious = { impact: 'serious' };

/**
 * Ludwigsburg's portal: the old shard's last scan found 2 critical patterns, the new shard's
 * and Karlsruhe's 3. Tübingen's: Karlsruhe finds 4 critical patterns where Stuttgart finds 1
 * (a cookie banner shown only to some visitors, say).
 */
const A11Y_SERIES: InputSeries[] = [
  ...everywhere('ozgwatch_a11y_violation_patterns', LB_A11Y, [2, 3, 3], critical),
  ...everywhere('ozgwatch_a11y_violation_patterns', LB_A11Y, [5, 5, 5], serious),
  ...twoLocations('ozgwatch_a11y_violation_patterns', TUE_A11Y, [1, 4], critical),
  ...twoLocations('ozgwatch_a11y_violation_patterns', TUE_A11Y, [0, 0], serious),
  ...everywhere('ozgwatch_a11y_violations', LB_A11Y, [10, 12, 12], critical),
  ...twoLocations('ozgwatch_a11y_violations', TUE_A11Y, [2, 6], critical),
  ...everywhere('ozgwatch_a11y_incomplete', LB_A11Y, [7, 7, 7]),
  ...twoLocations('ozgwatch_a11y_incomplete', TUE_A11Y, [0, 0]),
  ...everywhere('ozgwatch_a11y_waived', LB_A11Y, [1, 1, 1]),
  ...everywhere('ozgwatch_a11y_pages_scanned', LB_A11Y, [10, 10, 10]),
  ...everywhere('ozgwatch_a11y_pages_statement_linked', LB_A11Y, [10, 10, 10]),
  ...twoLocations('ozgwatch_a11y_pages_scanned', TUE_A11Y, [4, 6]),
  ...twoLocations('ozgwatch_a11y_pages_statement_linked', TUE_A11Y, [2, 4]),
  ...everywhere('ozgwatch_pdf_documents', LB_A11Y, [1, 1, 1], { class: 'scanned' }),
  ...everywhere('ozgwatch_pdf_documents', LB_A11Y, [3, 3, 3], { class: 'tagged' }),
  ...twoLocations('ozgwatch_pdf_documents', TUE_A11Y, [2, 2], { class: 'untagged' }),
  ...everywhere('ozgwatch_office_documents', LB_A11Y, [2, 2, 2], { class: 'untagged' }),
  // Karlsruhe does not find the statement link.
  ...everywhere('ozgwatch_bitv_signal', LB_BITV, [1, 1, 0], { signal: 'statement_link' }),
  ...everywhere('ozgwatch_bitv_signal', LB_BITV, [1, 1, 1], { signal: 'feedback' }),
  ...twoLocations('ozgwatch_lighthouse_score', LB_LH, [0.9, 0.8], { category: 'accessibility' }),
  ...twoLocations('ozgwatch_lighthouse_score', LB_LH, [0.7, 0.9], { category: 'performance' }),
];

/**
 * Sperrmüll Böblingen: a paper form seen everywhere, an appointment in person seen only from
 * Karlsruhe; level 0. Wohngeld Ludwigsburg: no media break, level 4 from Stuttgart and 3 from
 * Karlsruhe; Ende-zu-Ende digital from both.
 */
const MATURITY_SERIES: InputSeries[] = [
  ...everywhere('ozgwatch_media_breaks', SPERRMUELL, [1, 1, 1], { kind: 'paper-form' }),
  ...everywhere('ozgwatch_media_breaks', SPERRMUELL, [0, 0, 1], { kind: 'in-person' }),
  // Karlsruhe reads the appearance as required by law (say, the page names fingerprints).
  ...everywhere('ozgwatch_media_breaks_legally_mandated', SPERRMUELL, [0, 0, 1]),
  ...everywhere('ozgwatch_media_breaks', SPERRMUELL, [0, 0, 0], { kind: 'fax-submission' }),
  ...everywhere('ozgwatch_maturity_level', SPERRMUELL, [0, 0, 0]),
  ...everywhere('ozgwatch_end_to_end_digital', SPERRMUELL, [0, 0, 0]),
  ...twoLocations('ozgwatch_media_breaks', WOHNGELD, [0, 0], { kind: 'paper-form' }),
  ...twoLocations('ozgwatch_media_breaks', WOHNGELD, [0, 0], { kind: 'in-person' }),
  ...twoLocations('ozgwatch_media_breaks', WOHNGELD, [0, 0], { kind: 'fax-submission' }),
  ...twoLocations('ozgwatch_media_breaks_legally_mandated', WOHNGELD, [0, 0]),
  ...twoLocations('ozgwatch_maturity_level', WOHNGELD, [4, 3]),
  ...twoLocations('ozgwatch_end_to_end_digital', WOHNGELD, [1, 1]),
];

/** An instant expectation for one panel of a dashboard. */
function panel(
  dashboard: string,
  title: string,
  samples: [labels: Record<string, string>, value: number][],
): ExprTest {
  return {
    expr: panelExpr(dashboard, title),
    eval_time: AT,
    exp_samples: samples.map(([labels, value]) => ({ labels: selector('', labels), value })),
  };
}

const probeLabels = (p: Probe): Record<string, string> => ({
  job: JOB,
  probe: p.id,
  service: p.service,
  county: p.county,
});

describe.skipIf(!withPromtool)('scan panels over two locations and a shard move (promtool)', () => {
  it('accessibility: every probe counts once, with the most problems any location found', async () => {
    const a11y = (title: string, samples: [Record<string, string>, number][]): ExprTest =>
      panel('accessibility.json', title, samples);
    const run = await runPromtool([
      {
        name: 'accessibility panels',
        interval: '1m',
        input_series: A11Y_SERIES,
        promql_expr_test: [
          // Ludwigsburg 3 (not 2 + 3 + 3), Tübingen 4 (not 1 + 4).
          a11y('Kritische Muster', [[{}, 7]]),
          a11y('Zu prüfen', [[{}, 7]]),
          a11y('Ausnahmen (Waiver)', [[{}, 1]]),
          // Ludwigsburg 10 of 10 pages; Tübingen 3 of 5 (the locations' average scan).
          a11y('Seiten mit Link zur Erklärung', [[{}, 13 / 15]]),
          a11y('Verstöße nach Schwere', [[{ impact: 'critical' }, 12 + 6]]),
          a11y('Muster nach Schwere', [
            [{ impact: 'critical' }, 7],
            [{ impact: 'serious' }, 5],
          ]),
          a11y('Leistungen mit den meisten schweren Mustern', [
            [{ county: 'ludwigsburg', service: 'kreisportal' }, 3 + 5],
            [{ county: 'tuebingen', service: 'kreisportal' }, 4],
          ]),
          // One row per probe and signal (no duplicates for the table's matrix); missing when
          // any location missed it.
          a11y('BITV-Signale', [
            [{ ...probeLabels(LB_BITV), signal: 'statement_link' }, 0],
            [{ ...probeLabels(LB_BITV), signal: 'feedback' }, 1],
          ]),
          a11y('PDF-Dokumente nach Klasse', [
            [{ class: 'scanned' }, 1],
            [{ class: 'tagged' }, 3],
            [{ class: 'untagged' }, 2],
          ]),
          a11y('Word/ODF-Dokumente nach Klasse', [[{ class: 'untagged' }, 2]]),
          a11y('Lighthouse', [
            [{ category: 'accessibility' }, 0.8],
            [{ category: 'performance' }, 0.7],
          ]),
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('maturity: every probe counts once, with the most media breaks and the lowest level any location found', async () => {
    const maturity = (title: string, samples: [Record<string, string>, number][]): ExprTest =>
      panel('maturity.json', title, samples);
    const run = await runPromtool([
      {
        name: 'maturity panels',
        interval: '1m',
        input_series: MATURITY_SERIES,
        promql_expr_test: [
          // Sperrmüll no, Wohngeld yes: one of two (not 2 of 5 series).
          maturity('Ende-zu-Ende digital', [[{}, 0.5]]),
          maturity('Anteil Ende-zu-Ende digital', [[{}, 0.5]]),
          // (0 + 3) / 2, not (0 + 0 + 0 + 4 + 3) / 5.
          maturity('Mittlerer Reifegrad', [[{}, 1.5]]),
          // Sperrmüll's paper form and in-person appointment, each once.
          maturity('Medienbrüche', [[{}, 2]]),
          maturity('Davon gesetzlich vorgeschrieben', [[{}, 1]]),
          maturity('Medienbrüche nach Art', [
            [{ kind: 'paper-form' }, 1],
            [{ kind: 'in-person' }, 1],
            [{ kind: 'fax-submission' }, 0],
          ]),
          maturity('Reifegrad je Leistung und Landkreis', [
            [{ county: 'boeblingen', service: 'sperrmuell' }, 0],
            [{ county: 'ludwigsburg', service: 'wohngeld' }, 3],
          ]),
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });
});
