import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { DashboardLinkBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  COLOURS,
  DATASOURCE,
  SCOPE,
  board,
  colourNumberCells,
  daemonUrlVariable,
  layout,
  query,
  scopeVariables,
  thresholds,
} from './kit.ts';
import {
  AVAILABILITY_KINDS,
  PROBE_INFO,
  failingNow,
  withDaemonUrl,
  withoutCurrentResult,
} from './selections.ts';

/** The availability objective the error budget is measured against. */
export const SLO = 0.995;

const availabilityThresholds = (): ReturnType<typeof thresholds> =>
  thresholds('red', [0.95, 'orange'], [SLO, 'green']);

/** Rows a list shows at most: the worst of 300 probes, not all of them. */
export const TOP = 20;

/** Overview: is everything up, what is failing now, what breaks soon. */
export function overviewDashboard(): dashboard.DashboardBuilder {
  const b = board(
    'ozgwatch-overview',
    'ozgwatch – Übersicht',
    'Availability of the watched online services now and over 30 days, the error budget against the SLO, probes failing now and certificates that expire soonest.',
  );
  for (const v of scopeVariables()) b.withVariable(v);
  b.withVariable(daemonUrlVariable());
  // The ozgwatch that ran the row's probe last at its location: it holds the evidence. `:raw`,
  // because Grafana percent-encodes a link's variables by default and the address is a URL
  // already: a `%` in it would come out as `%25`.
  const probeLink = new DashboardLinkBuilder('Prüfung in ozgwatch öffnen')
    .url('${__data.fields.external_url:raw}/probes/${__data.fields.probe}')
    .targetBlank(true);
  return layout(b, [
    {
      title: 'Jetzt',
      height: 5,
      panels: [
        [
          new Stat()
            .title('Verfügbar jetzt')
            .description(
              'Availability of the chosen http and browser probes over the last 5 minutes (recording rule probe:availability:ratio_5m): maintenance windows, status error (ozgwatch could not check) and probes without a current result (last run more than three intervals ago) left out, each probe counted once per location however many instances export it.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .decimals(1)
            .min(0)
            .max(1)
            .thresholds(availabilityThresholds())
            .withTarget(query(`avg(probe:availability:ratio_5m{${SCOPE}})`)),
          5,
        ],
        [
          new Stat()
            .title('Gestört jetzt')
            .description(
              'http and browser probes failing now, as the service-down alerts see them: not in maintenance, not in status error (ozgwatch could not check; listed on “ozgwatch – Betrieb des Monitors”). Each probe counts once, from however many locations it fails. 0 is the goal.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1, 'red']))
            .noValue('keine Daten')
            // 0 only where probes are watched: with every ozgwatch down (no probe_success at
            // all) a green 0 would say all is well; no value says nothing is known.
            .withTarget(
              query(
                `count(group by (probe) (${failingNow(SCOPE)})) or on () 0 * count(probe_success{${SCOPE}} and ${AVAILABILITY_KINDS})`,
              ),
            ),
          5,
        ],
        [
          new Stat()
            .title('Ohne aktuelles Ergebnis')
            .description(
              'Probes whose results are not current, so the panels next to this one cannot show them: the last run ended more than three intervals ago (runs stopped: OzgwatchStaleResults; for a cron probe, three of the longest gaps between its runs), or their ozgwatch is not scraped now (down, or a shard missing: OzgwatchDown, OzgwatchShardMissing), so their series are gone. A probe removed from the probe files or moved to another shard is not counted. Purple: ozgwatch cannot tell whether these services work. The probes are listed on “ozgwatch – Betrieb des Monitors”.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds(COLOURS.ok, [1, COLOURS.unknown]))
            .withTarget(query(`count(${withoutCurrentResult(SCOPE)}) or vector(0)`)),
          4,
        ],
        [
          new Stat()
            .title('Verfügbarkeit 30 Tage')
            .description(
              'Average availability over 30 days of the chosen probes (recording rule probe:availability:ratio_30d): maintenance windows, status error and time without a current result left out.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .decimals(2)
            .thresholds(availabilityThresholds())
            .withTarget(query(`avg(probe:availability:ratio_30d{${SCOPE}})`)),
          5,
        ],
        [
          new Stat()
            .title('Fehlerbudget übrig')
            .description(
              `Error budget left over 30 days against the SLO of ${SLO * 100} %: 100 % means no downtime yet, 0 % or less means the SLO is missed.`,
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .decimals(1)
            .thresholds(thresholds('red', [0.25, 'orange'], [0.5, 'green']))
            .withTarget(
              query(`1 - (1 - avg(probe:availability:ratio_30d{${SCOPE}})) / (1 - ${SLO})`),
            ),
          5,
        ],
      ],
    },
    {
      title: 'Verfügbarkeit',
      height: 9,
      panels: [
        [
          new TimeSeries()
            .title('Leistungen mit Ausfällen (1 h)')
            .description(
              `Availability over the past hour per county and service (recording rule probe:availability:ratio_1h), over the dashboard time range; only services below 100 % at each moment, the ${TOP} worst. A line that ends has recovered; an empty panel means no chosen service had an outage.`,
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .thresholds(availabilityThresholds())
            .noValue('keine Ausfälle')
            // With 300 probes a line per service is a legend nobody can read, and a failing
            // service is one line among hundreds at 100 %: only those below, the worst first.
            .withTarget(
              query(
                `bottomk(${TOP}, avg by (county, service) (probe:availability:ratio_1h{${SCOPE}}) < 1)`,
                '{{county}} / {{service}}',
              ),
            ),
          12,
        ],
        [
          colourNumberCells(new Table())
            .title('Verfügbarkeit 30 Tage je Landkreis und Leistung')
            .description(
              'Availability over 30 days per county and service, worst first; cells below the SLO are coloured (orange below it, red below 95 %).',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .decimals(2)
            .thresholds(availabilityThresholds())
            .sortBy([new TableSortByFieldStateBuilder().displayName('Value')])
            .withTarget(
              query(`sort(avg by (county, service) (probe:availability:ratio_30d{${SCOPE}}))`, '', {
                instant: true,
              }),
            ),
          12,
        ],
      ],
    },
    {
      title: 'Störungen und Zertifikate',
      height: 9,
      panels: [
        [
          new Table()
            .title('Gestörte Prüfungen')
            .description(
              'http and browser probes failing now, one row per probe and location that sees it fail (the shards of a location are one): what the service-down alerts see, without maintenance and status error. The link opens the probe page of the ozgwatch that ran the probe last at that location (external_url: its server.externalUrl, else the ozgwatch variable), which holds its newest runs, screenshots and traces.',
            )
            .datasource(DATASOURCE)
            .dataLinks([probeLink])
            .sortBy([new TableSortByFieldStateBuilder().displayName('county')])
            // Every row is 1 and its time is now: only the labels say anything.
            .withTransformation({
              id: 'organize',
              options: { excludeByName: { Time: true, Value: true } },
            })
            .withTarget(
              query(
                withDaemonUrl(
                  `group without (instance) (${failingNow(SCOPE)}) * on (probe) group_left (name, kind) ${PROBE_INFO}`,
                  SCOPE,
                ),
                '',
                { instant: true },
              ),
            ),
          12,
        ],
        [
          colourNumberCells(new Table())
            .title('Zertifikate, bald ablaufend zuerst')
            .description(
              `Days until the earliest certificate of each HTTPS probe expires, the ${TOP} soonest first; one row per probe, with the earliest certificate any location was served (a load balancer node with an old one). Orange below 14 days, red below 3 and once expired (negative).`,
            )
            .datasource(DATASOURCE)
            .unit('d')
            .decimals(1)
            .thresholds(thresholds('red', [3, 'orange'], [14, 'green']))
            .sortBy([new TableSortByFieldStateBuilder().displayName('Value')])
            .withTarget(
              query(
                `sort(bottomk(${TOP}, (min by (county, service, probe) (probe_ssl_earliest_cert_expiry{${SCOPE}}) - time()) / 86400))`,
                '',
                { instant: true },
              ),
            ),
          12,
        ],
      ],
    },
  ]);
}
