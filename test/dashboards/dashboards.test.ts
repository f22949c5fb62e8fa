import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardExpressions, metricNames } from '../../src/dashboards/expressions.ts';
import { DASHBOARDS, renderDashboards } from '../../src/dashboards/index.ts';
import { AVAILABILITY_KINDS, DAEMON_URLS, NOT_AN_OUTAGE } from '../../src/dashboards/selections.ts';
import { METRICS } from '../../src/metrics/catalogue.ts';
import { panelExpr, ROOT, runPromtool, withPromtool } from './promtool.ts';

interface PanelJson {
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  fieldConfig?: { defaults?: { unit?: string } };
}

describe('dashboards', () => {
  it('the committed JSON is what the code generates (npm run dashboards)', async () => {
    for (const [file, json] of renderDashboards()) {
      const committed = await readFile(path.join(ROOT, 'dashboards', file), 'utf8').catch(() => '');
      expect(committed, `dashboards/${file} is out of date: run npm run dashboards`).toBe(json);
    }
  });

  it('every panel has a description, a unit where it shows numbers, and queries $datasource', () => {
    for (const [file, json] of renderDashboards()) {
      const board = JSON.parse(json) as {
        uid: string;
        panels: PanelJson[];
        templating: { list: { name: string }[] };
      };
      expect(board.templating.list.map((v) => v.name)).toContain('datasource');
      for (const panel of board.panels.filter((p) => p.type !== 'row')) {
        const where = `${file} / ${panel.title}`;
        expect(panel.description, where).toBeTruthy();
        expect(panel.datasource?.uid, where).toBe('${datasource}');
        expect(panel.targets?.length, where).toBeGreaterThan(0);
        for (const t of panel.targets ?? []) expect(t.datasource?.uid, where).toBe('${datasource}');
        if (panel.type === 'stat' || panel.type === 'timeseries') {
          expect(panel.fieldConfig?.defaults?.unit, where).toBeTruthy();
        }
      }
    }
    expect(Object.keys(DASHBOARDS)).toHaveLength(5);
  });

  it('has variables for county, service and probe where they apply', () => {
    const vars = (file: string): string[] =>
      (
        JSON.parse(renderDashboards().get(file)!) as { templating: { list: { name: string }[] } }
      ).templating.list.map((v) => v.name);
    expect(vars('overview.json')).toEqual(['datasource', 'county', 'service', 'ozgwatch']);
    expect(vars('service.json')).toEqual(['datasource', 'county', 'service', 'probe', 'ozgwatch']);
  });

  it('uses only catalogued metrics and the shipped recording rules', async () => {
    const rules = await readFile(
      path.join(ROOT, 'deploy', 'prometheus', 'rules', 'ozgwatch-recording.yaml'),
      'utf8',
    ).catch(() => '');
    const recorded = new Set([...rules.matchAll(/record:\s*(\S+)/g)].map((m) => m[1]!));
    const known = new Set([...METRICS.map((m) => m.name), ...recorded, 'up']);
    const unknown = dashboardExpressions().flatMap(({ dashboard, panel, expr }) =>
      metricNames(expr)
        .filter((n) => !known.has(n))
        .map((n) => `${dashboard} / ${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it('outage panels select as the alert rules do, and join one ozgwatch_probe_info per probe', () => {
    const problems: string[] = [];
    for (const { dashboard, panel, expr } of dashboardExpressions()) {
      const where = `${dashboard} / ${panel}: ${expr}`;
      // Every location and both shards of a move export the info series: `*` against all of
      // them fails with "found duplicate series for the match group".
      if (/group_(left|right)\s*\([^)]*\)\s*ozgwatch_probe_info/.test(expr))
        problems.push(`joins every ozgwatch_probe_info series: ${where}`);
      // Status 3 is ozgwatch's error, not the service's failure.
      if (/ozgwatch_probe_status(\{[^}]*\})?\s*(>=\s*2|>\s*1)\b/.test(expr))
        problems.push(`counts status error as failure: ${where}`);
      // Over many probes, probe_success needs the alerts' kinds and exclusions (or the
      // recording rules, which have them).
      const oneProbe = expr.includes('probe="$probe"');
      const selected = expr.includes(AVAILABILITY_KINDS) && expr.includes(NOT_AN_OUTAGE);
      if (/\bprobe_success\b/.test(expr) && !oneProbe && !selected)
        problems.push(`probe_success without the alerts' selection: ${where}`);
      // A series absent at that instant (a new probe, another shard) "was not there".
      if (/\bunless\b.*\boffset\b/.test(expr))
        problems.push(`compares with an offset through unless: ${where}`);
    }
    expect(problems).toEqual([]);
  });

  it('links from a row or series to ozgwatch pages go to the ozgwatch of its own location', () => {
    interface LinkedPanel {
      title?: string;
      targets?: { expr?: string }[];
      fieldConfig?: { defaults?: { links?: { url: string }[] } };
    }
    const links: string[] = [];
    for (const [file, json] of renderDashboards()) {
      const board = JSON.parse(json) as { panels: LinkedPanel[] };
      for (const panel of board.panels) {
        for (const { url } of panel.fieldConfig?.defaults?.links ?? []) {
          const where = `${file} / ${panel.title}: ${url}`;
          links.push(where);
          // Each location has its own store: the link takes the base URL from the series
          // (its location's ozgwatch_build_info), not from one dashboard-wide variable.
          expect(url, where).toMatch(
            /^\$\{__(data\.fields|field\.labels)\.external_url\}\/(probes|runs)\//,
          );
          for (const t of panel.targets ?? []) expect(t.expr, where).toContain(DAEMON_URLS);
        }
      }
    }
    expect(links).toHaveLength(2);
  });

  it('reads metric names out of PromQL, leaving functions, labels and keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le) (rate(ozgwatch_scheduler_lag_seconds_bucket{job="x"}[5m]))) or vector(0)',
      ),
    ).toEqual(['ozgwatch_scheduler_lag_seconds']);
    expect(
      metricNames(
        '(ozgwatch_probe_status{county=~"$county"} >= 2) * on (probe) group_left (name, kind) ozgwatch_probe_info',
      ),
    ).toEqual(['ozgwatch_probe_status', 'ozgwatch_probe_info']);
  });

  it.skipIf(!withPromtool)(
    'the buffer fill is each instance’s bytes over its limit; SQLite instances have no line (promtool)',
    async () => {
      const series = (name: string, instance: string, value: number) => ({
        series: `${name}{instance="${instance}",job="ozgwatch"}`,
        values: `${value}x5`,
      });
      const run = await runPromtool([
        {
          name: 'buffer fill',
          interval: '1m',
          input_series: [
            series('ozgwatch_store_buffer_bytes', 'pg-a:9464', 268_435_456),
            series('ozgwatch_store_buffer_limit_bytes', 'pg-a:9464', 1_073_741_824),
            series('ozgwatch_store_buffer_bytes', 'pg-b:9464', 0),
            series('ozgwatch_store_buffer_limit_bytes', 'pg-b:9464', 536_870_912),
            series('ozgwatch_store_buffer_bytes', 'sqlite-c:9464', 0),
            series('ozgwatch_store_buffer_limit_bytes', 'sqlite-c:9464', 0),
          ],
          promql_expr_test: [
            {
              expr: panelExpr('ozgwatch.json', 'Pufferfüllung (PostgreSQL)'),
              eval_time: '4m',
              exp_samples: [
                { labels: '{instance="pg-a:9464"}', value: 0.25 },
                { labels: '{instance="pg-b:9464"}', value: 0 },
              ],
            },
          ],
        },
      ]);
      expect(run.status, run.output).toBe(0);
    },
  );
});
