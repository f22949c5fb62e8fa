import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  DATASOURCE,
  SCOPE,
  board,
  colourNumberCells,
  layout,
  query,
  scopeVariables,
  thresholds,
} from './kit.ts';
import { worstPerProbe } from './selections.ts';

/** A scan series of the chosen probes, one per probe (the worst any location saw). */
const most = (selector: string): string => worstPerProbe('max', selector);
const least = (selector: string): string => worstPerProbe('min', selector);

/** Accessibility: violations and patterns over time, worst services, BITV signals, documents. */
export function accessibilityDashboard(): dashboard.DashboardBuilder {
  const b = board(
    'ozgwatch-accessibility',
    'ozgwatch – Barrierefreiheit',
    'Automated accessibility findings (axe-core, profile EN 301 549) of the scanned pages and journeys, the formal BITV 2.0 signals per site, the accessibility of linked documents, and Lighthouse scores. Automated checks cover only part of WCAG 2.1 AA.',
  );
  for (const v of scopeVariables()) b.withVariable(v);
  return layout(b, [
    {
      title: 'Befunde',
      height: 5,
      panels: [
        [
          new Stat()
            .title('Kritische Muster')
            .description(
              'Distinct critical violation patterns (one broken component counts once, however many pages show it). Each probe counts once: with several locations, the most any of them found.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1, 'red']))
            .withTarget(
              query(
                `sum(${most(`ozgwatch_a11y_violation_patterns{${SCOPE}, impact="critical"}`)}) or vector(0)`,
              ),
            ),
          6,
        ],
        [
          new Stat()
            .title('Zu prüfen')
            .description(
              'Elements axe-core could not decide ("needs review"): a person has to look at them. Never counted as pass or violation. Each probe counts once (the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(query(`sum(${most(`ozgwatch_a11y_incomplete{${SCOPE}}`)}) or vector(0)`)),
          6,
        ],
        [
          new Stat()
            .title('Seiten mit Link zur Erklärung')
            .description(
              'Share of scanned pages that link the accessibility statement (BITV 2.0 § 7(1) asks for every page). With several locations, each probe counts with the average of their scans.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .thresholds(thresholds('red', [0.9, 'orange'], [1, 'green']))
            .withTarget(
              // A share, not a count of problems: both sides averaged over the locations, so that
              // numerator and denominator come from the same scans and each probe weighs once.
              query(
                `sum(avg without (instance, location) (ozgwatch_a11y_pages_statement_linked{${SCOPE}})) / sum(avg without (instance, location) (ozgwatch_a11y_pages_scanned{${SCOPE}}))`,
              ),
            ),
          6,
        ],
        [
          new Stat()
            .title('Ausnahmen (Waiver)')
            .description(
              'Violations covered by a live waiver (reason, owner, expiry in the probe files); they count again once the waiver expires. Each probe counts once (the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(query(`sum(${most(`ozgwatch_a11y_waived{${SCOPE}}`)}) or vector(0)`)),
          6,
        ],
      ],
    },
    {
      title: 'Verlauf',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('Verstöße nach Schwere')
            .description(
              'Violation occurrences (flagged elements) at the last scan, summed over the chosen probes, by impact; each probe counts once (the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(
                `sum by (impact) (${most(`ozgwatch_a11y_violations{${SCOPE}}`)})`,
                '{{impact}}',
              ),
            ),
          12,
        ],
        [
          new TimeSeries()
            .title('Muster nach Schwere')
            .description(
              'Distinct violation patterns by impact: fixing one pattern (a shared component) clears all its occurrences. Each probe counts once (the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(
                `sum by (impact) (${most(`ozgwatch_a11y_violation_patterns{${SCOPE}}`)})`,
                '{{impact}}',
              ),
            ),
          12,
        ],
      ],
    },
    {
      title: 'Leistungen, BITV und Dokumente',
      height: 9,
      panels: [
        [
          new BarGauge()
            .title('Leistungen mit den meisten schweren Mustern')
            .description(
              'Top 10 services by critical and serious violation patterns; each probe counts once (the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1, 'orange'], [5, 'red']))
            .withTarget(
              query(
                `topk(10, sum by (county, service) (${most(`ozgwatch_a11y_violation_patterns{${SCOPE}, impact=~"critical|serious"}`)}))`,
                '{{county}} / {{service}}',
                { instant: true },
              ),
            ),
          8,
        ],
        [
          colourNumberCells(new Table())
            .title('BITV-Signale')
            .description(
              'Formal BITV 2.0 signals per site: 1 present, 0 missing (statement link, reachable, contents, current, feedback, Schlichtungsstelle, Leichte Sprache, DGS, language); with several locations, 0 when any of them missed it. The evidence is in the run result.',
            )
            .datasource(DATASOURCE)
            .thresholds(thresholds('red', [1, 'green']))
            .withTransformation({
              id: 'groupingToMatrix',
              options: { columnField: 'signal', rowField: 'probe', valueField: 'Value' },
            })
            .withTarget(query(least(`ozgwatch_bitv_signal{${SCOPE}}`), '', { instant: true })),
          16,
        ],
        [
          new BarGauge()
            .title('PDF-Dokumente nach Klasse')
            .description(
              'Linked PDFs by class: scanned (image only), untagged, tagged, PDF/UA (claimed), broken. Scanned and untagged documents are barriers. Each probe counts once (per class, the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(`sum by (class) (${most(`ozgwatch_pdf_documents{${SCOPE}}`)})`, '{{class}}', {
                instant: true,
              }),
            ),
          8,
        ],
        [
          new BarGauge()
            .title('Word/ODF-Dokumente nach Klasse')
            .description(
              'Linked Word and OpenDocument files by class: scanned, untagged, tagged (headings and alt text), unchecked (binary Word 97–2003), broken. Each probe counts once (per class, the most any location found).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(
                `sum by (class) (${most(`ozgwatch_office_documents{${SCOPE}}`)})`,
                '{{class}}',
                {
                  instant: true,
                },
              ),
            ),
          8,
        ],
        [
          new BarGauge()
            .title('Lighthouse')
            .description(
              'Lighthouse category scores of the last daily audit, averaged over the chosen probes (0–1); each probe counts once (the lowest score any location got).',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .thresholds(thresholds('red', [0.5, 'orange'], [0.9, 'green']))
            .withTarget(
              query(
                `avg by (category) (${least(`ozgwatch_lighthouse_score{${SCOPE}}`)})`,
                '{{category}}',
                {
                  instant: true,
                },
              ),
            ),
          8,
        ],
      ],
    },
  ]);
}
