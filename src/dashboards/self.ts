import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE, board, layout, query, thresholds } from './kit.ts';
import { PROBE_INFO, staleResults, vanishedProbes } from './selections.ts';

/**
 * One row per probe and instance without a current result, `reason` saying why, with the
 * probe's name from the last day's info series: a vanished probe has no current one.
 */
function notCurrentRows(): string {
  const row = (expr: string, reason: string): string =>
    `label_replace(group by (probe, job, instance, location) (${expr}), "reason", "${reason}", "", "")`;
  return `(${row(staleResults(''), 'stale')} or ${row(vanishedProbes(''), 'not scraped')}) * on (probe) group_left (name, kind, service, county) topk by (probe) (1, last_over_time(ozgwatch_probe_info[1d]))`;
}

/**
 * Legend of a per-instance line. Pod names repeat across locations (the same StatefulSet in each
 * location's cluster), so an instance is its name and its location: grouped by `instance` alone,
 * ozgwatch-0 of Stuttgart and of Karlsruhe would be added into one line, and a buffer's fill
 * divided by the sum of two limits.
 */
const PER_INSTANCE = '{{location}} {{instance}}';

/** ozgwatch itself: is the monitor healthy, on time and configured. */
export function selfDashboard(): dashboard.DashboardBuilder {
  const b = board(
    'ozgwatch-self',
    'ozgwatch – Betrieb des Monitors',
    'Health of the ozgwatch daemons: scheduler lag, runs in flight and skipped, browser restarts, store backlog, configuration reloads, probes it cannot check (status error) and versions.',
  );
  return layout(b, [
    {
      title: 'Zustand',
      height: 5,
      panels: [
        [
          new Stat()
            .title('Konfiguration geladen')
            .description(
              'Whether the last (re)load of the probe files succeeded (1). On 0 the daemon keeps running on its last good configuration; ozgwatch validate names file, line and field.',
            )
            .datasource(DATASOURCE)
            .unit('bool_yes_no')
            .thresholds(thresholds('red', [1, 'green']))
            .withTarget(query('min(ozgwatch_config_last_reload_successful)')),
          6,
        ],
        [
          new Stat()
            .title('Verzug p99')
            .description(
              '99th percentile of how late runs start against their schedule, over 5 minutes.',
            )
            .datasource(DATASOURCE)
            .unit('s')
            .decimals(3)
            .thresholds(thresholds('green', [1, 'orange'], [10, 'red']))
            .withTarget(
              query(
                'histogram_quantile(0.99, sum by (le) (rate(ozgwatch_scheduler_lag_seconds_bucket[5m])))',
              ),
            ),
          6,
        ],
        [
          new Stat()
            .title('Ungespeicherte Ergebnisse')
            .description(
              'Results queued for the store and not yet committed; growing means the disk or database is too slow or unavailable.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [1000, 'orange']))
            .withTarget(query('sum(ozgwatch_store_pending_writes)')),
          6,
        ],
        [
          new Stat()
            .title('Browser-Neustarts 1 h')
            .description('Times Chromium was replaced in the last hour (crash, run count, memory).')
            .datasource(DATASOURCE)
            .unit('short')
            .thresholds(thresholds('green', [3, 'orange'], [10, 'red']))
            .withTarget(query('sum(increase(ozgwatch_browser_restarts_total[1h])) or vector(0)')),
          6,
        ],
      ],
    },
    {
      title: 'Läufe',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('Läufe in Arbeit')
            .description('Runs executing now, by kind of probe.')
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(query('sum by (kind) (ozgwatch_runs_in_flight)', '{{kind}}')),
          8,
        ],
        [
          new TimeSeries()
            .title('Ausgelassene Läufe')
            .description(
              'Runs that were due but not made, per minute, by reason (overlap: the previous run of the probe was still going).',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query('sum by (reason) (rate(ozgwatch_runs_skipped_total[5m])) * 60', '{{reason}}'),
            ),
          8,
        ],
        [
          new TimeSeries()
            .title('Browser-Neustarts')
            .description('Browser replacements per hour by reason.')
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query(
                'sum by (reason) (increase(ozgwatch_browser_restarts_total[1h]))',
                '{{reason}}',
              ),
            ),
          8,
        ],
      ],
    },
    {
      title: 'Instanzen',
      height: 8,
      panels: [
        [
          new TimeSeries()
            .title('Proben je Instanz')
            .description(
              'Probes each instance runs: all loaded probes, or its shard of them (shard, shards). Instances of one location add up to the loaded probes; uneven shares mean a wrong shard count.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query('sum by (instance, location) (ozgwatch_probes_assigned)', PER_INSTANCE),
            ),
          6,
        ],
        [
          new TimeSeries()
            .title('Verzug p99 je Instanz')
            .description(
              '99th percentile of scheduler lag per instance over 5 minutes. Above 1 s the instance has more probes than it can run on time: add an instance (docs/scaling.md).',
            )
            .datasource(DATASOURCE)
            .unit('s')
            .withTarget(
              query(
                'histogram_quantile(0.99, sum by (instance, location, le) (rate(ozgwatch_scheduler_lag_seconds_bucket[5m])))',
                PER_INSTANCE,
              ),
            ),
          6,
        ],
        [
          new TimeSeries()
            .title('Gepufferte Ergebnisse (PostgreSQL)')
            .description(
              'Results waiting in each instance’s disk buffer because PostgreSQL could not be reached. They are written when it is back; past store.bufferLimitMb the oldest are dropped.',
            )
            .datasource(DATASOURCE)
            .unit('short')
            .withTarget(
              query('sum by (instance, location) (ozgwatch_store_buffered_results)', PER_INSTANCE),
            ),
          6,
        ],
        [
          new TimeSeries()
            .title('Pufferfüllung (PostgreSQL)')
            .description(
              'How full each instance’s disk buffer is, against store.bufferLimitMb (ozgwatch_store_buffer_limit_bytes). At 100 % the oldest buffered results are dropped; the runbook of OzgwatchStoreBuffering estimates the time left. Instances on SQLite have no buffer and no line here.',
            )
            .datasource(DATASOURCE)
            .unit('percentunit')
            .min(0)
            .max(1)
            .thresholds(thresholds('green', [0.5, 'orange'], [0.8, 'red']))
            .withTarget(
              query(
                'sum by (instance, location) (ozgwatch_store_buffer_bytes) / sum by (instance, location) (ozgwatch_store_buffer_limit_bytes > 0)',
                PER_INSTANCE,
              ),
            ),
          6,
        ],
      ],
    },
    {
      title: 'Nicht prüfbar',
      height: 6,
      panels: [
        [
          new Table()
            .title('Prüfungen im Status error')
            .description(
              'Probes whose last run ended in status error: ozgwatch could not make the check (no browser, a bug of ours), so nobody knows whether the service works. The overview does not count them as outages; OzgwatchProbeError tickets them after 15 minutes. Maintenance windows left out. One row per instance, whose probe page has the reason code.',
            )
            .datasource(DATASOURCE)
            // Every row is 3 and its time is now: only the labels say anything.
            .withTransformation({
              id: 'organize',
              options: { excludeByName: { Time: true, Value: true } },
            })
            .withTarget(
              query(
                `((ozgwatch_probe_status == 3) unless on (probe, instance, location) (ozgwatch_probe_maintenance == 1)) * on (probe) group_left (name, kind) ${PROBE_INFO}`,
                '',
                { instant: true },
              ),
            ),
          12,
        ],
        [
          new Table()
            .title('Prüfungen ohne aktuelles Ergebnis')
            .description(
              'Probes whose results are not current (counted on the overview as “Ohne aktuelles Ergebnis”): reason "stale", the third run after the last one is due and none ended although the instance is scraped (runs stopped; OzgwatchStaleResults); reason "not scraped", their instance is down or gone and no other instance exports them (OzgwatchDown, OzgwatchShardMissing). Every dashboard shows their last result, or nothing, so nobody knows whether these services work. One row per probe and instance.',
            )
            .datasource(DATASOURCE)
            .withTransformation({
              id: 'organize',
              options: { excludeByName: { Time: true, Value: true } },
            })
            .withTarget(query(notCurrentRows(), '', { instant: true })),
          12,
        ],
      ],
    },
    {
      title: 'Versionen',
      height: 6,
      panels: [
        [
          new Table()
            .title('Versionen')
            .description(
              'Version of ozgwatch, Node.js, Playwright and Chromium of each daemon instance.',
            )
            .datasource(DATASOURCE)
            .withTarget(query('ozgwatch_build_info', '', { instant: true })),
          24,
        ],
      ],
    },
  ]);
}
