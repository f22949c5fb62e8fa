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
import { mediaBreaksAppeared, worstPerProbe } from './selections.ts';

/** A scan series of the chosen probes, one per probe (the worst any location saw). */
const most = (selector: string): string => worstPerProbe('max', selector);
const least = (selector: string): string => worstPerProbe('min', selector);

const levels = (): ReturnType<typeof thresholds> => thresholds('red', [2, 'orange'], [3, 'green']);

/** Digital maturity: media breaks by kind, maturity per service and county, Ende-zu-Ende share. */
export function maturityDashboard(): dashboard.DashboardBuilder {
  const b = board(
    'ozgwatch-maturity',
    'ozgwatch – Digitale Reife',
    'Media breaks (Medienbrüche) that force citizens out of the digital channel, the estimated OZG maturity level (0–4, citizen-side) per service and county, and the share of services that are Ende-zu-Ende digital.',
  );
  for (const v of scopeVariables()) b.withVariable(v);
  return layout(b, [
    {
      title: 'Ende-zu-Ende digital',
      height: 5,
      panels: [
        [
          new Stat()
            .title('Ende-zu-Ende digital')
            .description(
              'Share of checked services with no forced media break and an estimated maturity of at least 3. Each probe counts once; with several locations, only when every location found it Ende-zu-Ende digital.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .thresholds(thresholds('red', [0.5, 'orange'], [0.9, 'green']))
            .withTarget(query(`avg(${least(`ozgwatch_end_to_end_digital{${SCOPE}}`)})`)),
          6,
        ],
        [
          new Stat()
            .title('Mittlerer Reifegrad')
            .description(
              'Average estimated OZG maturity level (0 offline … 4 online transaction) of the checked services. Each probe counts once, with the lowest level any location estimated.',
            )
            .datasource(DATASOURCE)
            .unit('none')
            .decimals(1)
            .thresholds(levels())
            .withTarget(query(`avg(${least(`ozgwatch_maturity_level{${SCOPE}}`)})`)),
          6,
        ],
        [
          new Stat()
            .title('Medienbrüche')
            .description(
              'Forced media breaks over all checked services (each kind counts once per probe, however many locations found it).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1, 'orange']))
            .withTarget(query(`sum(${most(`ozgwatch_media_breaks{${SCOPE}}`)}) or vector(0)`)),
          6,
        ],
        [
          new Stat()
            .title('Davon gesetzlich vorgeschrieben')
            .description(
              'Of the media breaks, those the law requires: an appearance in person for the Personalausweis, Reisepass or eID card (fingerprints, signature) or the Eheschließung. No portal can remove them; the rest are what counties and their IT providers can. Each probe counts once.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(
                `sum(${most(`ozgwatch_media_breaks_legally_mandated{${SCOPE}}`)}) or vector(0)`,
              ),
            ),
          6,
        ],
      ],
    },
    {
      title: 'Medienbrüche und Reifegrad',
      height: 9,
      panels: [
        [
          new BarGauge()
            .title('Medienbrüche nach Art')
            .description(
              'Services with each kind of media break: paper form, handwritten signature, post, fax, e-mail, in person, originals, manual payment, paper decision, scanned form. A probe counts once, however many locations found the break.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(`sum by (kind) (${most(`ozgwatch_media_breaks{${SCOPE}}`)})`, '{{kind}}', {
                instant: true,
              }),
            ),
          8,
        ],
        [
          colourNumberCells(new Table())
            .title('Reifegrad je Leistung und Landkreis')
            .description(
              'Estimated maturity level per service (rows) and county (columns): the best of the service’s probes, each with the lowest level any location estimated. Red 0–1, orange 2, green 3–4.',
            )
            .datasource(DATASOURCE)
            .thresholds(levels())
            .withTransformation({
              id: 'groupingToMatrix',
              options: { columnField: 'county', rowField: 'service', valueField: 'Value' },
            })
            .withTarget(
              query(
                `max by (county, service) (${least(`ozgwatch_maturity_level{${SCOPE}}`)})`,
                '',
                {
                  instant: true,
                },
              ),
            ),
          16,
        ],
      ],
    },
    {
      title: 'Verlauf',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('Anteil Ende-zu-Ende digital')
            .description(
              'Trend of the share of services that are Ende-zu-Ende digital (each probe once, as in the stat above).',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .withTarget(
              query(
                `avg(${least(`ozgwatch_end_to_end_digital{${SCOPE}}`)})`,
                'Ende-zu-Ende digital',
              ),
            ),
          12,
        ],
        [
          new Table()
            .title('Neu aufgetretene Medienbrüche (24 h)')
            .description(
              'Media breaks present now that were absent at some time in the last 24 hours, as the alert OzgwatchMediaBreakAppeared finds them: a new probe’s first check is a baseline, and neither a run that could not read the page nor a move to another shard counts as a change. The evidence (sentence, page, selector) is in the run result and in /api/media-breaks/events of the daemon.',
            )
            .datasource(DATASOURCE)
            .withTarget(query(mediaBreaksAppeared(SCOPE), '', { instant: true })),
          12,
        ],
      ],
    },
  ]);
}
