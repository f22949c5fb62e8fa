import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardExpressions, metricNames } from '../../src/dashboards/expressions.ts';
import { DASHBOARDS, renderDashboards } from '../../src/dashboards/index.ts';
import { AVAILABILITY_KINDS, NOT_AN_OUTAGE } from '../../src/dashboards/selections.ts';
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
    expect(vars('service.json')).toEqual([
      'datasource',
      'county',
      'service',
      'probe',
      'ozgwatch',
      'location',
      'daemon',
    ]);
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

  it('links from a row or series to ozgwatch pages go to the ozgwatch that ran the probe at its location', () => {
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
          // Each location has its own store, and each instance its own evidence: the link takes
          // the base URL from the series (the build info of the instance that ran the probe
          // last there), not from one dashboard-wide variable.
          expect(url, where).toMatch(
            /^\$\{__(data\.fields|field\.labels)\.external_url:raw\}\/(probes|runs)\//,
          );
          for (const t of panel.targets ?? []) {
            expect(t.expr, where).toContain(
              '* on (instance, location) group_left (external_url) topk by (instance, location) (1, ozgwatch_build_info{external_url!=""})',
            );
            expect(t.expr, where).toContain('ozgwatch_probe_last_run_timestamp_seconds{');
          }
        }
      }
    }
    expect(links).toHaveLength(2);
  });

  it('every link opens the address it was given: Grafana percent-encodes a link variable unless it is :raw', () => {
    // Grafana interpolates the variables of dashboard links and data links in the `uriencode`
    // format unless the link names another (`${var:raw}`): encodeURI, and !'()* escaped too. An
    // address is a URL already, and one with a `%` in it (a proxy path, an encoded name) would
    // come out with `%25` instead.
    const interpolate = (url: string, values: Record<string, string>): string =>
      url.replace(/\$\{([\w.]+)(?::(\w+))?\}/g, (_, name: string, format?: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`${url}: no value for ${name}`);
        return format === 'raw'
          ? value
          : encodeURI(value).replace(
              /[!'()*]/g,
              (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
            );
      });
    const address = 'https://gw.landkreis.example/ozgwatch%2Dstuttgart';
    const probe = 'kfz-zulassung-ludwigsburg';
    const values: Record<string, string> = {
      '__data.fields.external_url': address,
      '__field.labels.external_url': address,
      '__data.fields.probe': probe,
      probe,
      daemon: address,
      ozgwatch: address,
    };
    const urls: string[] = [];
    for (const [file, json] of renderDashboards()) {
      const board = JSON.parse(json) as {
        links?: { url?: string; type: string }[];
        panels: { fieldConfig?: { defaults?: { links?: { url: string }[] } } }[];
      };
      for (const link of board.links ?? []) if (link.type === 'link') urls.push(link.url!);
      for (const panel of board.panels)
        for (const { url } of panel.fieldConfig?.defaults?.links ?? []) urls.push(url);
      expect(file).toMatch(/\.json$/);
    }
    expect(urls.length).toBe(3);
    for (const url of urls)
      expect(interpolate(url, values), url).toBe(`${address}/probes/${probe}`);
  });

  it("the service dashboard's top link opens the ozgwatch of the chosen location, not one for all", () => {
    const board = JSON.parse(renderDashboards().get('service.json')!) as {
      links: { type: string; url?: string; title: string }[];
      templating: {
        list: { name: string; type: string; hide?: number; query?: { query?: string } | string }[];
      };
    };
    const top = board.links.filter((l) => l.type === 'link');
    expect(top).toHaveLength(1);
    const base = /^\$\{(\w+)(?::raw)?\}\/probes\/\$\{probe\}$/.exec(top[0]!.url!)?.[1];
    // A variable per location and probe: the dashboard-wide `ozgwatch` is one address for all.
    expect(base).not.toBe('ozgwatch');
    const variable = board.templating.list.find((v) => v.name === base);
    expect(variable?.type).toBe('query');
    const q = typeof variable?.query === 'string' ? variable.query : variable?.query?.query;
    expect(q).toContain('location="$location"');
    expect(q).toContain('probe="$probe"');
    // The chosen location is a variable people see, and the title says which one opens.
    const location = board.templating.list.find((v) => v.name === 'location');
    expect(location?.type).toBe('query');
    expect(location?.hide ?? 0).toBe(0);
    expect(top[0]!.title).toContain('${location}');
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
