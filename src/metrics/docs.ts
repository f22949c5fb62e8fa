import { DEFAULT_METRIC_GROUPS, METRICS, type MetricSpec } from './catalogue.ts';

/** Start and end markers of the generated part of `docs/metrics.md`. */
export const DOC_START = '<!-- catalogue:start (generated from src/metrics/catalogue.ts) -->';
export const DOC_END = '<!-- catalogue:end -->';

/** The header row of each catalogue table in the docs. */
export const DOC_COLUMNS = ['Metric', 'Type', 'Labels', 'Meaning'] as const;

/**
 * The catalogue as Markdown tables (per-probe series, the daemon's own, default process
 * metrics), for `docs/metrics.md`. The doc test compares them cell by cell, so a
 * formatter may realign the columns.
 */
export function renderCatalogueTables(): string {
  const table = (rows: string[][]) =>
    [
      row([...DOC_COLUMNS]),
      row(DOC_COLUMNS.map(() => '---')),
      ...rows.map((cells) => row(cells)),
    ].join('\n');
  const metricRows = (scope: MetricSpec['scope']) =>
    METRICS.filter((m) => m.scope === scope).map(metricRow);
  return [
    '### Per probe',
    '',
    table(metricRows('probe')),
    '',
    '### The daemon itself',
    '',
    table(metricRows('self')),
    '',
    '### Process (prom-client defaults)',
    '',
    table(
      DEFAULT_METRIC_GROUPS.map((g) => [`\`${g.prefix}*\``, 'various', '—', escapeCell(g.help)]),
    ),
  ].join('\n');
}

/** The cells of one metric's row, as {@link renderCatalogueTables} writes them. */
export function metricRow(m: MetricSpec): string[] {
  const labels = m.labels.length === 0 ? '—' : m.labels.map((l) => `\`${l}\``).join(', ');
  const meaning = m.doc ? `${m.help} ${m.doc}` : m.help;
  return [`\`${m.name}\``, m.type, labels, escapeCell(meaning)];
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
