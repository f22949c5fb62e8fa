import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkBuilder, MappingType } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { StackingConfigBuilder, StackingMode } from '@grafana/grafana-foundation-sdk/common';
import {
  COLOURS,
  DATASOURCE,
  board,
  colourNumberCells,
  daemonForProbeVariable,
  daemonUrlVariable,
  layout,
  locationVariable,
  probeVariable,
  query,
  scopeVariables,
  thresholds,
} from './kit.ts';
import { probeUrls, staleResults, withDaemonUrl } from './selections.ts';

const P = 'probe="$probe"';

/** The colour of each `result` of ozgwatch_probe_runs_total. */
const RESULT_COLOURS: Record<string, string> = {
  pass: COLOURS.ok,
  degraded: COLOURS.warning,
  fail: COLOURS.down,
  error: COLOURS.unknown,
  maintenance: COLOURS.maintenance,
};

/** What the Status panel shows for each value of {@link stateNow}. */
const STATUS_TEXTS: Record<string, { text: string; color: string; index: number }> = {
  '0': { text: 'bestanden', color: COLOURS.ok, index: 0 },
  '1': { text: 'langsam', color: COLOURS.warning, index: 1 },
  '2': { text: 'gestört', color: COLOURS.down, index: 2 },
  '3': { text: 'nicht prüfbar', color: COLOURS.unknown, index: 3 },
  '4': { text: 'Wartung', color: COLOURS.maintenance, index: 4 },
  '5': { text: 'veraltet', color: COLOURS.unknown, index: 5 },
};

/**
 * The probe's state per exposition: stale results (5) first, since every other gauge is then
 * history; then a maintenance window (4), since `ozgwatch_probe_status` keeps its value from
 * before the window and would show a frozen failure or pass; else the status itself (0–3).
 */
function stateNow(scope: string): string {
  const match = 'on (probe, instance, location)';
  return [
    `((0 * ozgwatch_probe_status{${scope}} + 5) and ${match} (${staleResults(scope)}))`,
    `((ozgwatch_probe_maintenance{${scope}} == 1) + 3)`,
    `ozgwatch_probe_status{${scope}}`,
  ].join(` or ${match} `);
}

/** One probe in detail: status, HTTP phases, journey steps, web vitals, failures. */
export function serviceDashboard(): dashboard.DashboardBuilder {
  const b = board(
    'ozgwatch-service',
    'ozgwatch – Leistung im Detail',
    'One probe in detail: its status, the HTTP phases of each run, the steps of its browser journey, web vitals, and its failed runs with a link to the run pages (screenshot, trace).',
  );
  for (const v of scopeVariables()) b.withVariable(v);
  b.withVariable(probeVariable())
    .withVariable(daemonUrlVariable())
    .withVariable(locationVariable())
    .withVariable(daemonForProbeVariable(probeUrls(`${P}, location="$location"`)));
  // A dashboard link has no series to take an address from: it opens the ozgwatch that ran the
  // probe last at the location chosen in `location` (hidden `daemon`), each location having its
  // own runs and evidence. `:raw`: Grafana percent-encodes a link's variables by default, and
  // the address is a URL already, so a `%` in it would come out as `%25`.
  b.link(
    new DashboardLinkBuilder('Läufe dieser Prüfung in ozgwatch ${location}')
      .url('${daemon:raw}/probes/${probe}')
      .targetBlank(true),
  );
  return layout(b, [
    {
      title: 'Zustand',
      height: 5,
      panels: [
        [
          new Stat()
            .title('Status')
            .description(
              'State of the probe now, per location: bestanden (pass), langsam (degraded), gestört (fail: citizens cannot use the service), nicht prüfbar (error: ozgwatch could not check, the service may work), Wartung (the last run was in an announced maintenance window; the status before it is frozen), veraltet (the third run after the last one is due and none ended: the last status is history). Red only for gestört.',
            )
            .datasource(DATASOURCE)
            .unit('none')
            .thresholds(thresholds(COLOURS.ok, [1, COLOURS.warning], [2, COLOURS.down]))
            .mappings([{ type: MappingType.ValueToText, options: STATUS_TEXTS }])
            .withTarget(query(stateNow(P), '{{location}}')),
          6,
        ],
        [
          new Stat()
            .title('Verfügbarkeit 24 h')
            .description(
              'Share of the last 24 hours in which the probe succeeded: maintenance windows, status error and time without a current result (runs stopped) left out.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .decimals(2)
            .thresholds(thresholds('red', [0.95, 'orange'], [0.995, 'green']))
            .withTarget(query(`probe:availability:ratio_1d{${P}}`, '{{location}}')),
          6,
        ],
        [
          new Stat()
            .title('Dauer des letzten Laufs')
            .description('Duration of the last run, all attempts.')
            .datasource(DATASOURCE)
            .unit('s')
            .decimals(2)
            .withTarget(query(`probe_duration_seconds{${P}}`, '{{location}} {{instance}}')),
          6,
        ],
        [
          new Stat()
            .title('Fehlgeschlagene Läufe 24 h')
            .description(
              'Runs that failed in the last 24 hours (before flap damping), maintenance windows left out. Runs in status error (ozgwatch could not check) are not the service’s failures and are not counted: they are in "Läufe nach Ergebnis".',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1, 'orange']))
            .withTarget(
              query(
                `sum(increase(ozgwatch_probe_runs_total{${P}, result="fail"}[24h])) or vector(0)`,
              ),
            ),
          6,
        ],
      ],
    },
    {
      title: 'Zeiten',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('HTTP-Phasen')
            .description(
              'Duration of each HTTP phase of the last run at the location chosen in “Standort”: DNS, connect, TLS, time to first byte (processing), transfer. Stacked: the top is the whole request.',
            )
            .datasource(DATASOURCE)
            .unit('s')
            .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
            .fillOpacity(30)
            // Stacked, the series of two locations (or of two shards during a move) would add up
            // to a request twice as long as any citizen waited: one location, one series a phase.
            .withTarget(
              query(
                `max without (instance) (probe_http_duration_seconds{${P}, location="$location"})`,
                '{{phase}}',
              ),
            ),
          12,
        ],
        [
          new TimeSeries()
            .title('Schritte der Journey')
            .description(
              'Duration of each step of the browser journey (as named in the probe file).',
            )
            .datasource(DATASOURCE)
            .unit('s')
            .withTarget(
              query(`ozgwatch_journey_step_duration_seconds{${P}}`, '{{step}} {{location}}'),
            ),
          12,
        ],
        [
          new TimeSeries()
            .title('Web Vitals')
            .description(
              'Time to first byte, first and largest contentful paint of the journey (worst page). LCP above 2.5 s is "needs improvement".',
            )
            .datasource(DATASOURCE)
            .unit('s')
            .thresholds(thresholds('green', [2.5, 'orange'], [4, 'red']))
            .withTarget(query(`ozgwatch_web_vital_seconds{${P}}`, '{{vital}} {{location}}')),
          12,
        ],
        [
          colourNumberCells(new Table())
            .title('Schritte jetzt')
            .description(
              'Whether each journey step passed in the last run (1) or failed (0); the failed step is the one to look at first.',
            )
            .datasource(DATASOURCE)
            .thresholds(thresholds('red', [1, 'green']))
            .withTarget(query(`ozgwatch_journey_step_success{${P}}`, '', { instant: true })),
          12,
        ],
      ],
    },
    {
      title: 'Fehlschläge',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('Läufe nach Ergebnis')
            .description(
              'Runs per hour by result (pass, degraded, fail, error, maintenance), per location: fail red, degraded orange, error (ozgwatch could not check) purple, maintenance blue, pass green. The link opens the probe page of the ozgwatch that ran the probe last at that location (its server.externalUrl, else the ozgwatch variable), with each failed run, its screenshot and trace.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            // Grafana's palette gives colours by series order: pass could come out red and fail
            // green. Each result its fixed colour, matched on the legend's first word.
            .overrides(
              Object.entries(RESULT_COLOURS).map(([result, colour]) => ({
                matcher: { id: 'byRegexp', options: `^${result}( |$)` },
                properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }],
              })),
            )
            .dataLinks([
              new DashboardLinkBuilder('Läufe in ozgwatch öffnen')
                .url('${__field.labels.external_url:raw}/probes/${probe}')
                .targetBlank(true),
            ])
            .withTarget(
              query(
                withDaemonUrl(
                  `sum by (probe, location, result) (increase(ozgwatch_probe_runs_total{${P}}[1h]))`,
                  P,
                ),
                '{{result}} {{location}}',
              ),
            ),
          24,
        ],
      ],
    },
  ]);
}
