/**
 * Runs dashboard expressions in Prometheus's own query engine: `promtool test rules` with
 * input series and expected samples, optionally with the shipped rules loaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { dashboardExpressions } from '../../src/dashboards/expressions.ts';

export const ROOT = path.join(import.meta.dirname, '..', '..');
export const RULES = path.join(ROOT, 'deploy', 'prometheus', 'rules');

/** Whether promtool is on PATH; in CI a missing promtool fails the tests instead. */
export const promtool = spawnSync('promtool', ['--version']).status === 0;
export const withPromtool = promtool || Boolean(process.env.CI);

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

export interface UnitTest {
  name: string;
  interval: string;
  input_series: InputSeries[];
  promql_expr_test: ExprTest[];
}

/** `name{a="1",b="2"}` from a metric name and its labels. */
export function selector(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * promtool's value notation from runs of one value: `values([1, 3], [null, 2])` is
 * `1 1 1 _ _` (null: no sample).
 */
export function values(...runs: [value: number | null, count: number][]): string {
  return runs.flatMap(([v, n]) => Array<string>(n).fill(v === null ? '_' : String(v))).join(' ');
}

/** What the dashboards' `ozgwatch` variable holds in the tests: the link of last resort. */
export const OZGWATCH_VARIABLE = 'http://ozgwatch.grafana-default.example:9464';

/**
 * The expression of a panel as Grafana sends it with "All" chosen for county and service
 * (`probe` for the probe variable, {@link OZGWATCH_VARIABLE} for `ozgwatch`).
 */
export function panelExpr(dashboard: string, panel: string, probe = ''): string {
  const found = dashboardExpressions().filter(
    (e) => e.dashboard === dashboard && e.panel === panel,
  );
  if (found.length !== 1) throw new Error(`${dashboard} / ${panel}: ${found.length} expressions`);
  return found[0]!.expr
    .replaceAll('$county', '.*')
    .replaceAll('$service', '.*')
    .replaceAll('$probe', probe)
    .replaceAll('$ozgwatch', OZGWATCH_VARIABLE);
}

/** Runs the unit tests with the given rule files; returns promtool's exit code and output. */
export async function runPromtool(
  tests: UnitTest[],
  options: { ruleFiles?: string[]; evaluationInterval?: string } = {},
): Promise<{ status: number | null; output: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-panels-'));
  try {
    const file = path.join(dir, 'panels.test.yaml');
    // JSON is YAML: promtool reads the unit test as written.
    await writeFile(
      file,
      JSON.stringify({
        rule_files: options.ruleFiles ?? [],
        evaluation_interval: options.evaluationInterval ?? '1m',
        tests,
      }),
    );
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The expression of a shipped alerting rule, from deploy/prometheus/rules/ozgwatch-alerts.yaml. */
export async function alertExpr(alert: string): Promise<string> {
  const text = await readFile(path.join(RULES, 'ozgwatch-alerts.yaml'), 'utf8');
  const file = parse(text) as { groups: { rules: { alert?: string; expr: string }[] }[] };
  const rule = file.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert} in ozgwatch-alerts.yaml`);
  return rule.expr.trim();
}
