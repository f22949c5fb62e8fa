/**
 * The few building blocks every ozgwatch dashboard shares, on top of Grafana's Foundation
 * SDK: the Prometheus datasource as a variable, the county/service/probe variables, a
 * query, and a layout that places panels left to right in rows of 24 columns.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';

/** Every panel and variable queries the datasource chosen in `$datasource`. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** Label filter of the county and service variables, for every per-probe series. */
export const SCOPE = 'county=~"$county", service=~"$service"';

/** Prometheus query: a time series, or with `instant` the value now (tables, stats). */
export function query(
  expr: string,
  legend = '',
  options: { instant?: boolean; refId?: string } = {},
): DataqueryBuilder {
  const q = new DataqueryBuilder().expr(expr).datasource(DATASOURCE);
  if (legend) q.legendFormat(legend);
  if (options.instant) q.instant().format(PromQueryFormat.Table);
  if (options.refId) q.refId(options.refId);
  return q;
}

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus');
}

function labelVariable(
  name: string,
  label: string,
  expr: string,
  description: string,
): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(DATASOURCE)
    .query({ query: expr, refId: `${name}-values`, qryType: 1 })
    .definition(expr)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalCaseInsensitiveAsc)
    .includeAll(true)
    .allValue('.*')
    .multi(true);
}

/** County, then service within it: the two labels every probe carries. */
export function scopeVariables(): dashboard.QueryVariableBuilder[] {
  return [
    labelVariable(
      'county',
      'Landkreis',
      'label_values(ozgwatch_probe_info, county)',
      'County (Landkreis) label of the probes; "none" for probes without one.',
    ),
    labelVariable(
      'service',
      'Leistung',
      'label_values(ozgwatch_probe_info{county=~"$county"}, service)',
      'Service label of the probes in the chosen counties.',
    ),
  ];
}

/** One probe of the chosen county and service. */
export function probeVariable(): dashboard.QueryVariableBuilder {
  return labelVariable(
    'probe',
    'Prüfung',
    `label_values(ozgwatch_probe_info{${SCOPE}}, probe)`,
    'The probe (check) to show.',
  )
    .includeAll(false)
    .multi(false);
}

/** Where the run and probe pages of the daemon are, for links from tables. */
export function daemonUrlVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder('ozgwatch')
    .label('ozgwatch URL')
    .description('Base URL of the ozgwatch daemon, for links to its probe and run pages.')
    .defaultValue('http://127.0.0.1:9464');
}

/**
 * The location whose ozgwatch the link at the top of a one-probe dashboard opens, and whose runs
 * the panels that cannot mix locations show (stacked HTTP phases): the locations that export the
 * probe (none without `location` labels, which matches those series).
 */
export function locationVariable(): dashboard.QueryVariableBuilder {
  return labelVariable(
    'location',
    'Standort',
    'label_values(ozgwatch_probe_info{probe="$probe"}, location)',
    'Location (vantage point) whose ozgwatch the link "Läufe dieser Prüfung in ozgwatch" at the top opens, and whose HTTP phases are shown; each location has its own runs and evidence. Empty without location labels.',
  )
    .includeAll(false)
    .multi(false);
}

/**
 * Hidden: the address of the ozgwatch that ran `$probe` last at `$location` (`expr`, from
 * {@link probeUrls}), else the `ozgwatch` variable. `query_result` because `label_values` takes
 * no PromQL; `topk` over both, the found address doubled, so that the fallback only counts when
 * nothing was found.
 */
export function daemonForProbeVariable(expr: string): dashboard.QueryVariableBuilder {
  const q = `query_result(topk(1, 2 * ${expr} or label_replace(vector(1), "external_url", "$ozgwatch", "", "")))`;
  return new dashboard.QueryVariableBuilder('daemon')
    .label('ozgwatch dieses Standorts')
    .description('Address of the ozgwatch that ran the probe last at the chosen location.')
    .datasource(DATASOURCE)
    .query({ query: q, refId: 'daemon-values', qryType: 3 })
    .definition(q)
    .regex('/external_url="([^"]*)"/')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .hide(dashboard.VariableHide.HideVariable)
    .includeAll(false)
    .multi(false);
}

/**
 * The colours every dashboard gives a state, so that a wall screen reads the same everywhere:
 * red only where citizens are affected (the service fails), orange where it is slow or soon
 * will be, purple where ozgwatch cannot tell (status error, no current result), blue for an
 * announced maintenance window.
 */
export const COLOURS = {
  ok: 'green',
  warning: 'orange',
  down: 'red',
  unknown: 'purple',
  maintenance: 'blue',
} as const;

/**
 * A table panel's thresholds colour its number cells. Grafana shows table cells plain unless a
 * cell type says otherwise, whatever thresholds the panel has; the override is by field type so
 * that the label columns (county, service, probe) keep their plain background.
 */
export function colourNumberCells<T extends Table>(table: T): T {
  return table.overrideByFieldType('number', [
    { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorBackground } },
  ]);
}

/** Thresholds from red (worst) upwards, e.g. `steps('red', [0.95, 'orange'], [0.99, 'green'])`. */
export function thresholds(
  base: string,
  ...steps: [value: number, color: string][]
): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

interface Placeable extends cog.Builder<dashboard.Panel> {
  gridPos(pos: dashboard.GridPos): this;
}

/**
 * Places panels in rows: each entry is a row of [panel, width] pairs (widths sum to 24),
 * all of one height; a title row before each group.
 */
export function layout(
  board: dashboard.DashboardBuilder,
  sections: { title: string; height: number; panels: [Placeable, number][] }[],
): dashboard.DashboardBuilder {
  let y = 0;
  for (const section of sections) {
    board.withRow(new dashboard.RowBuilder(section.title).gridPos({ x: 0, y, w: 24, h: 1 }));
    y += 1;
    let x = 0;
    for (const [panel, w] of section.panels) {
      if (x + w > 24) {
        x = 0;
        y += section.height;
      }
      board.withPanel(panel.gridPos({ x, y, w, h: section.height }));
      x += w;
    }
    y += section.height;
  }
  return board;
}

/** The frame every ozgwatch dashboard shares: uid, tags, refresh, time range, variables. */
export function board(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['ozgwatch'])
    .editable()
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable())
    .link(
      new dashboard.DashboardLinkBuilder('ozgwatch dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['ozgwatch'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}
