/**
 * What the "now" panels show when results are not current (runs stopped, an ozgwatch down or
 * gone), when a probe is in maintenance or in status error, and how long their lists get with
 * many probes: evaluated by Prometheus's engine (promtool), as a wall screen with ~300 probes
 * and an on-call engineer opening one probe would read them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDashboards } from '../../src/dashboards/index.ts';
import {
  panelExpr,
  RULES,
  runPromtool,
  selector,
  values,
  withPromtool,
  type ExprTest,
  type InputSeries,
} from './promtool.ts';

const JOB = 'ozgwatch';
const MINUTES = 31; // samples at 0m … 30m
const AT = '20m';

interface Exported {
  id: string;
  instance: string;
  location?: string;
  /** Minutes the instance exports the probe: [first, last]. */
  during?: [number, number];
  /** Minute of its last run; by default it runs every minute. */
  lastRunAt?: number;
  status?: number;
  maintenance?: number;
}

/** A minute-by-minute series that exists during `[first, last]`. */
function during([first, last]: [number, number], value: (minute: number) => number): string {
  return Array.from({ length: MINUTES }, (_, m) =>
    m >= first && m <= last ? String(value(m)) : '_',
  ).join(' ');
}

/** The per-probe series one instance exports for an http probe run every minute. */
function probeSeries(e: Exported): InputSeries[] {
  const labels = {
    job: JOB,
    instance: e.instance,
    ...(e.location ? { location: e.location } : {}),
    probe: e.id,
    service: 'kfz-zulassung',
    county: 'ludwigsburg',
  };
  const span = e.during ?? [0, MINUTES - 1];
  const steady = (v: number): string => during(span, () => v);
  const failing = (e.status ?? 0) >= 2;
  return [
    {
      series: selector('ozgwatch_probe_info', {
        ...labels,
        name: e.id,
        kind: 'http',
        ags: '',
        leika: '',
      }),
      values: steady(1),
    },
    { series: selector('probe_success', labels), values: steady(failing ? 0 : 1) },
    { series: selector('ozgwatch_probe_status', labels), values: steady(e.status ?? 0) },
    { series: selector('ozgwatch_probe_maintenance', labels), values: steady(e.maintenance ?? 0) },
    { series: selector('ozgwatch_probe_interval_seconds', labels), values: steady(60) },
    {
      series: selector('ozgwatch_probe_last_run_timestamp_seconds', labels),
      values: during(span, (m) => 60 * Math.min(m, e.lastRunAt ?? m)),
    },
    // Every 60 s: the daemon puts it three intervals after the last run.
    {
      series: selector('ozgwatch_probe_stale_after_timestamp_seconds', labels),
      values: during(span, (m) => 60 * Math.min(m, e.lastRunAt ?? m) + 180),
    },
  ];
}

/** Prometheus's `up` of one ozgwatch target, present during `[first, last]`. */
function up(instance: string, value: (minute: number) => number, span?: [number, number]) {
  return {
    series: selector('up', { job: JOB, instance }),
    values: during(span ?? [0, MINUTES - 1], value),
  };
}

describe.skipIf(!withPromtool)('panels when results are not current (promtool)', () => {
  it('overview: probes whose runs stopped or whose ozgwatch is gone count as without a current result; moved and removed probes do not', async () => {
    const input: InputSeries[] = [
      up('a:9464', () => 1),
      // Down from minute 10: its series went stale then.
      up('b:9464', (m) => (m < 10 ? 1 : 0)),
      up('c:9464', () => 1),
      // Scaled away at minute 10 (3 → 2 shards): its target is gone from service discovery.
      up('d:9464', () => 1, [0, 9]),
      // A shard pod that cannot be scheduled since minute 10: no target, no `up`.
      up('e:9464', () => 1, [0, 9]),
      // Its location is the daemon's setting only: `up` has none.
      up('k:9464', () => 1),
      ...probeSeries({ id: 'fresh', instance: 'a:9464' }),
      // Runs stopped at minute 5 (a stuck scheduler); the scrape works and shows a pass.
      ...probeSeries({ id: 'stuck', instance: 'a:9464', lastRunAt: 5 }),
      ...probeSeries({ id: 'ozgwatch-down', instance: 'b:9464', during: [0, 9] }),
      ...probeSeries({ id: 'removed', instance: 'a:9464', during: [0, 9] }),
      ...probeSeries({ id: 'moved', instance: 'd:9464', during: [0, 9] }),
      ...probeSeries({ id: 'moved', instance: 'c:9464', during: [9, MINUTES - 1] }),
      ...probeSeries({ id: 'shard-missing', instance: 'e:9464', during: [0, 9] }),
      ...probeSeries({
        id: 'removed-k',
        instance: 'k:9464',
        location: 'karlsruhe',
        during: [0, 9],
      }),
    ];
    const notCurrent = ['stuck', 'ozgwatch-down', 'shard-missing'];
    const run = await runPromtool([
      {
        name: 'not current',
        interval: '1m',
        input_series: input,
        promql_expr_test: [
          {
            expr: panelExpr('overview.json', 'Ohne aktuelles Ergebnis'),
            eval_time: AT,
            exp_samples: [{ labels: '{}', value: notCurrent.length }],
          },
          // The monitor's dashboard lists them, with the reason.
          {
            expr: `group by (probe, reason) (${panelExpr('ozgwatch.json', 'Prüfungen ohne aktuelles Ergebnis')})`,
            eval_time: AT,
            exp_samples: [
              { labels: '{probe="stuck",reason="stale"}', value: 1 },
              { labels: '{probe="ozgwatch-down",reason="not scraped"}', value: 1 },
              { labels: '{probe="shard-missing",reason="not scraped"}', value: 1 },
            ],
          },
          // All current before the runs stopped and the instances went.
          {
            expr: panelExpr('overview.json', 'Ohne aktuelles Ergebnis'),
            eval_time: '7m',
            exp_samples: [{ labels: '{}', value: 0 }],
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('overview: a probe whose runs stopped is neither up nor down in "Verfügbar jetzt", but counted without a current result', async () => {
    const run = await runPromtool(
      [
        {
          name: 'availability without stale results',
          interval: '1m',
          input_series: [
            up('a:9464', () => 1),
            ...probeSeries({ id: 'down', instance: 'a:9464', status: 2 }),
            // Passed at its last run, 15 minutes ago: its probe_success still says 1.
            ...probeSeries({ id: 'stuck', instance: 'a:9464', lastRunAt: 5 }),
          ],
          promql_expr_test: [
            // Before the runs stopped: one up, one down.
            {
              expr: panelExpr('overview.json', 'Verfügbar jetzt'),
              eval_time: '5m',
              exp_samples: [{ labels: '{}', value: 0.5 }],
            },
            // The only probe watched is down: 0 %, not 50 %.
            {
              expr: panelExpr('overview.json', 'Verfügbar jetzt'),
              eval_time: AT,
              exp_samples: [{ labels: '{}', value: 0 }],
            },
            {
              expr: panelExpr('overview.json', 'Ohne aktuelles Ergebnis'),
              eval_time: AT,
              exp_samples: [{ labels: '{}', value: 1 }],
            },
          ],
        },
      ],
      { ruleFiles: [path.join(RULES, 'ozgwatch-recording.yaml')] },
    );
    expect(run.status, run.output).toBe(0);
  });

  it('overview: "Gestört jetzt" is 0 only while probes are watched, not when every ozgwatch is gone', async () => {
    const panel = panelExpr('overview.json', 'Gestört jetzt');
    const run = await runPromtool([
      {
        name: 'nothing watched',
        interval: '1m',
        input_series: [
          up('a:9464', (m) => (m < 10 ? 1 : 0)),
          ...probeSeries({ id: 'kfz', instance: 'a:9464', during: [0, 9] }),
        ],
        promql_expr_test: [
          { expr: panel, eval_time: '5m', exp_samples: [{ labels: '{}', value: 0 }] },
          // No probe_success at all: no value ("keine Daten"), not a green 0.
          { expr: panel, eval_time: AT, exp_samples: [] },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('service: the status says gestört only for a failure, and shows maintenance, error and stale results as such', async () => {
    const panel = (id: string): string => panelExpr('service.json', 'Status', id);
    const state = (id: string, value: number): ExprTest => ({
      expr: panel(id),
      eval_time: AT,
      exp_samples: [
        {
          // The status itself keeps its metric name; the derived states have none.
          labels: selector(value < 4 ? 'ozgwatch_probe_status' : '', {
            job: JOB,
            instance: 'a:9464',
            probe: id,
            service: 'kfz-zulassung',
            county: 'ludwigsburg',
          }),
          value,
        },
      ],
    });
    const run = await runPromtool([
      {
        name: 'status',
        interval: '1m',
        input_series: [
          ...probeSeries({ id: 'ok', instance: 'a:9464' }),
          ...probeSeries({ id: 'down', instance: 'a:9464', status: 2 }),
          ...probeSeries({ id: 'error', instance: 'a:9464', status: 3 }),
          // In an announced window; the failure before it is frozen in the status.
          ...probeSeries({ id: 'window', instance: 'a:9464', status: 2, maintenance: 1 }),
          // Failed at its last run, 15 minutes ago.
          ...probeSeries({ id: 'stuck', instance: 'a:9464', status: 2, lastRunAt: 5 }),
        ],
        promql_expr_test: [
          state('ok', 0),
          state('down', 2),
          state('error', 3),
          state('window', 4),
          state('stuck', 5),
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('overview: with many probes the certificate list is the 20 soonest, one row per probe whatever the locations', async () => {
    const DAY = 86400;
    const input: InputSeries[] = [];
    // 30 probes from two locations; probe i's certificate expires in i + 1 days, except that
    // Karlsruhe is served an older one by probe 29 (expires in half a day).
    for (let i = 0; i < 30; i++) {
      for (const location of ['stuttgart', 'karlsruhe']) {
        const days = location === 'karlsruhe' && i === 29 ? 0.5 : i + 1;
        input.push({
          series: selector('probe_ssl_earliest_cert_expiry', {
            job: JOB,
            instance: 'ozgwatch-0:9464',
            location,
            probe: `p${String(i).padStart(2, '0')}`,
            service: 'kfz-zulassung',
            county: 'ludwigsburg',
          }),
          values: values([days * DAY, 2]),
        });
      }
    }
    const row = (id: string, days: number) => ({
      labels: selector('', { probe: id, service: 'kfz-zulassung', county: 'ludwigsburg' }),
      value: days,
    });
    const expected = [
      row('p29', 0.5),
      ...Array.from({ length: 19 }, (_, i) => row(`p${String(i).padStart(2, '0')}`, i + 1)),
    ];
    const run = await runPromtool([
      {
        name: 'certificates',
        interval: '1m',
        input_series: input,
        promql_expr_test: [
          {
            expr: panelExpr('overview.json', 'Zertifikate, bald ablaufend zuerst'),
            eval_time: '0m',
            exp_samples: expected,
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('service: the stacked HTTP phases are those of one location, whatever other locations and shards export', async () => {
    const phase = (name: string, instance: string, location: string, seconds: number) => ({
      series: selector('probe_http_duration_seconds', {
        job: JOB,
        instance,
        location,
        probe: 'kfz',
        service: 'kfz-zulassung',
        county: 'ludwigsburg',
        phase: name,
      }),
      values: values([seconds, 5]),
    });
    const panel = (location: string): string =>
      panelExpr('service.json', 'HTTP-Phasen', 'kfz').replaceAll('$location', location);
    const run = await runPromtool([
      {
        name: 'phases',
        interval: '1m',
        input_series: [
          // Stuttgart, while the probe moves between its shards: both export the last run.
          phase('connect', 'ozgwatch-0:9464', 'stuttgart', 0.02),
          phase('processing', 'ozgwatch-0:9464', 'stuttgart', 0.3),
          phase('connect', 'ozgwatch-1:9464', 'stuttgart', 0.02),
          phase('processing', 'ozgwatch-1:9464', 'stuttgart', 0.3),
          phase('connect', 'ozgwatch-0:9464', 'karlsruhe', 0.05),
          phase('processing', 'ozgwatch-0:9464', 'karlsruhe', 0.7),
        ],
        promql_expr_test: [
          {
            // Stacked: 0.32 s, the request as Stuttgart made it (not 1.39 s summed over all).
            expr: panel('stuttgart'),
            eval_time: '4m',
            exp_samples: ['connect', 'processing'].map((name, i) => ({
              labels: selector('', {
                job: JOB,
                location: 'stuttgart',
                probe: 'kfz',
                service: 'kfz-zulassung',
                county: 'ludwigsburg',
                phase: name,
              }),
              value: [0.02, 0.3][i]!,
            })),
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('ozgwatch: an instance is its name and its location, so pods of the same name in two locations stay apart', async () => {
    const series = (name: string, location: string, value: number): InputSeries => ({
      series: selector(name, { job: JOB, instance: 'ozgwatch-0:9464', location }),
      values: values([value, 5]),
    });
    const GB = 1_073_741_824;
    const run = await runPromtool([
      {
        name: 'same pod name',
        interval: '1m',
        input_series: [
          series('ozgwatch_store_buffer_bytes', 'stuttgart', GB / 2),
          series('ozgwatch_store_buffer_limit_bytes', 'stuttgart', GB),
          series('ozgwatch_store_buffer_bytes', 'karlsruhe', 0),
          series('ozgwatch_store_buffer_limit_bytes', 'karlsruhe', GB),
          series('ozgwatch_probes_assigned', 'stuttgart', 150),
          series('ozgwatch_probes_assigned', 'karlsruhe', 300),
        ],
        promql_expr_test: [
          {
            expr: panelExpr('ozgwatch.json', 'Pufferfüllung (PostgreSQL)'),
            eval_time: '4m',
            exp_samples: [
              { labels: '{instance="ozgwatch-0:9464",location="stuttgart"}', value: 0.5 },
              { labels: '{instance="ozgwatch-0:9464",location="karlsruhe"}', value: 0 },
            ],
          },
          {
            expr: panelExpr('ozgwatch.json', 'Proben je Instanz'),
            eval_time: '4m',
            exp_samples: [
              { labels: '{instance="ozgwatch-0:9464",location="stuttgart"}', value: 150 },
              { labels: '{instance="ozgwatch-0:9464",location="karlsruhe"}', value: 300 },
            ],
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });
});

interface Panel {
  type: string;
  title: string;
  description?: string;
  targets?: { expr?: string; instant?: boolean }[];
  options?: { sortBy?: { displayName: string; desc?: boolean }[] };
  fieldConfig?: {
    defaults?: {
      thresholds?: { steps: { color: string }[] };
      mappings?: { options: Record<string, { text: string; color: string }> }[];
    };
    overrides?: {
      matcher: { id: string; options: string };
      properties: { id: string; value: { type?: string; fixedColor?: string } }[];
    }[];
  };
}

function panels(): (Panel & { file: string })[] {
  return [...renderDashboards()].flatMap(([file, json]) =>
    (JSON.parse(json) as { panels: Panel[] }).panels.map((p) => ({ ...p, file })),
  );
}

const panel = (file: string, title: string): Panel =>
  panels().find((p) => p.file === file && p.title === title)!;

describe('colours, order and length of what the dashboards show', () => {
  it('tables with thresholds colour their number cells, as their descriptions promise', () => {
    const plain = panels()
      .filter(
        (p) => p.type === 'table' && (p.fieldConfig?.defaults?.thresholds?.steps.length ?? 0) > 1,
      )
      .filter(
        (p) =>
          !p.fieldConfig?.overrides?.some(
            (o) =>
              o.matcher.id === 'byType' &&
              o.matcher.options === 'number' &&
              o.properties.some(
                (q) => q.id === 'custom.cellOptions' && q.value.type === 'color-background',
              ),
          ),
      )
      .map((p) => `${p.file} / ${p.title}`);
    expect(plain).toEqual([]);
  });

  it('tables that promise the worst or soonest first sort by their value, and long lists are cut to the worst', () => {
    for (const title of [
      'Verfügbarkeit 30 Tage je Landkreis und Leistung',
      'Zertifikate, bald ablaufend zuerst',
    ]) {
      const p = panel('overview.json', title);
      // Ascending: the lowest availability, the fewest days left, first.
      expect(p.options?.sortBy, title).toEqual([{ displayName: 'Value' }]);
    }
    expect(panel('overview.json', 'Zertifikate, bald ablaufend zuerst').targets![0]!.expr).toMatch(
      /^sort\(bottomk\(20,/,
    );
    expect(panel('overview.json', 'Leistungen mit Ausfällen (1 h)').targets![0]!.expr).toMatch(
      /^bottomk\(20, .* < 1\)$/,
    );
  });

  it('red means the service fails: status error, maintenance and stale results have colours of their own', () => {
    const status = panel('service.json', 'Status').fieldConfig!.defaults!.mappings![0]!.options;
    expect(status['2']).toMatchObject({ text: 'gestört', color: 'red' });
    for (const v of ['0', '1', '3', '4', '5']) expect(status[v]?.color, v).not.toBe('red');
    expect(status['3']!.color).toBe(status['5']!.color);

    const runs = panel('service.json', 'Läufe nach Ergebnis').fieldConfig!.overrides!;
    const colourOf = (legend: string): string | undefined =>
      runs.find((o) => o.matcher.id === 'byRegexp' && new RegExp(o.matcher.options).test(legend))
        ?.properties[0]?.value.fixedColor;
    expect(colourOf('fail stuttgart')).toBe('red');
    expect(colourOf('fail ')).toBe('red');
    expect(colourOf('pass karlsruhe')).toBe('green');
    expect(colourOf('error stuttgart')).toBe(status['3']!.color);
    expect(colourOf('maintenance ')).toBe(status['4']!.color);
    expect(colourOf('degraded ')).toBe('orange');
  });
});
