/**
 * What the shipped dashboards query: every PromQL expression of every panel and variable,
 * and the metric names in them, so that tests can run them against a real Prometheus and
 * hold them to the metric catalogue.
 */
import { renderDashboards } from './index.ts';

export interface PanelExpression {
  dashboard: string;
  panel: string;
  expr: string;
}

interface PanelJson {
  type: string;
  title?: string;
  targets?: { expr?: string }[];
  panels?: PanelJson[];
}

/** Every panel expression of every dashboard, variables not substituted. */
export function dashboardExpressions(): PanelExpression[] {
  const out: PanelExpression[] = [];
  for (const [file, json] of renderDashboards()) {
    const board = JSON.parse(json) as { panels: PanelJson[] };
    const visit = (panels: readonly PanelJson[]): void => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if (target.expr)
            out.push({ dashboard: file, panel: panel.title ?? '', expr: target.expr });
        }
        visit(panel.panels ?? []);
      }
    };
    visit(board.panels);
  }
  return out;
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  // Aggregation operators: their grouping clause may come between the name and `(`.
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'le',
]);

/**
 * Metric names an expression reads: identifiers that are not functions (followed by
 * `(`), keywords, label names inside braces or grouping clauses, or string contents.
 * Histogram series (`_bucket`, `_sum`, `_count`) are named by their family.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1 ()')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\boffset\s+-?[0-9a-z]+/g, 'offset')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, '0');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const after = stripped.slice(m.index + name.length).trimStart();
    if (after.startsWith('(') || FUNCTIONS_AND_KEYWORDS.has(name)) continue;
    if (/^\d/.test(name)) continue;
    names.add(name.replace(/_(bucket|sum|count)$/, ''));
  }
  return [...names];
}
