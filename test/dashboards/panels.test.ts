/**
 * What the outage and media-break panels show when the same probe comes from several
 * locations, from two shards during a move, in maintenance or in status error, and when it
 * is a scan kind that fails on findings: evaluated by Prometheus's engine (promtool), with
 * the shipped recording rules loaded, and held to the shipped alerts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDashboards } from '../../src/dashboards/index.ts';
import {
  alertExpr,
  OZGWATCH_VARIABLE,
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

interface Where {
  location: string;
  instance: string;
}
// The same pod name in both locations' clusters, as with one StatefulSet per location.
const STUTTGART_0: Where = { location: 'stuttgart', instance: 'ozgwatch-0:9464' };
const STUTTGART_1: Where = { location: 'stuttgart', instance: 'ozgwatch-1:9464' };
const KARLSRUHE_0: Where = { location: 'karlsruhe', instance: 'ozgwatch-0:9464' };

interface ProbeDef {
  id: string;
  name: string;
  kind: string;
  service: string;
  county: string;
}

const probe = (id: string, kind: string, service: string, county: string): ProbeDef => ({
  id,
  name: `${service} ${county}`,
  kind,
  service,
  county,
});

const KFZ = probe('kfz-zulassung-ludwigsburg', 'http', 'kfz-zulassung', 'ludwigsburg');
const WOHNGELD = probe('wohngeld-ludwigsburg', 'browser', 'wohngeld', 'ludwigsburg');
const PORTAL_LB = probe('portal-ludwigsburg', 'http', 'kreisportal', 'ludwigsburg');
const PORTAL_TUE = probe('portal-tuebingen', 'http', 'kreisportal', 'tuebingen');
const A11Y = probe('portal-ludwigsburg-a11y', 'a11y', 'kreisportal', 'ludwigsburg');
const MEDIA = probe('sperrmuell-boeblingen-medien', 'media-breaks', 'sperrmuell', 'boeblingen');
const BAUANTRAG = probe('bauantrag-boeblingen', 'http', 'bauantrag', 'boeblingen');
const AUSWEIS = probe('ausweis-tuebingen', 'http', 'ausweis', 'tuebingen');
const PORTAL_BB = probe('portal-boeblingen', 'http', 'kreisportal', 'boeblingen');

const MINUTES = 16;

/** The per-probe series one instance exports for a probe, steady for 15 minutes. */
function exported(
  p: ProbeDef,
  where: Where,
  last: { success: number; status: number; maintenance?: number; ranAt?: number },
): InputSeries[] {
  const labels = { job: JOB, ...where, probe: p.id, service: p.service, county: p.county };
  const steady = (v: number): string => values([v, MINUTES]);
  const info = { ...labels, name: p.name, kind: p.kind, ags: '', leika: '' };
  return [
    { series: selector('ozgwatch_probe_info', info), values: steady(1) },
    { series: selector('probe_success', labels), values: steady(last.success) },
    { series: selector('ozgwatch_probe_status', labels), values: steady(last.status) },
    {
      series: selector('ozgwatch_probe_maintenance', labels),
      values: steady(last.maintenance ?? 0),
    },
    // When its last run ended: of two instances that export a probe, the later one has the
    // newest evidence.
    {
      series: selector('ozgwatch_probe_last_run_timestamp_seconds', labels),
      values: steady(last.ranAt ?? 100),
    },
  ];
}

const FAIL = { success: 0, status: 2 };
const PASS = { success: 1, status: 0 };

/** Two locations, Stuttgart with two shards; one probe of every case the panels must tell apart. */
const OUTAGE_SERIES: InputSeries[] = [
  // Down from both locations: the multi-location outage the table must not go blank in.
  ...exported(KFZ, STUTTGART_0, FAIL),
  ...exported(KFZ, KARLSRUHE_0, FAIL),
  ...exported(WOHNGELD, STUTTGART_0, PASS),
  ...exported(WOHNGELD, KARLSRUHE_0, PASS),
  // Announced maintenance: probe_success stays at the failure before the window.
  ...exported(PORTAL_LB, STUTTGART_0, { ...FAIL, maintenance: 1 }),
  ...exported(PORTAL_LB, KARLSRUHE_0, { ...FAIL, maintenance: 1 }),
  // Status error: ozgwatch could not check, the county is not to blame.
  ...exported(PORTAL_TUE, STUTTGART_0, { success: 0, status: 3 }),
  ...exported(PORTAL_TUE, KARLSRUHE_0, { success: 0, status: 3 }),
  // Scan kinds fail on findings, not on outages.
  ...exported(A11Y, STUTTGART_0, FAIL),
  ...exported(A11Y, KARLSRUHE_0, FAIL),
  ...exported(MEDIA, STUTTGART_0, FAIL),
  ...exported(MEDIA, KARLSRUHE_0, FAIL),
  // Moving between the shards of Stuttgart: both instances export it for a while.
  ...exported(BAUANTRAG, STUTTGART_0, FAIL),
  ...exported(BAUANTRAG, STUTTGART_1, { ...FAIL, ranAt: 200 }),
  // Fails from Stuttgart only: Karlsruhe reaches it.
  ...exported(AUSWEIS, STUTTGART_1, FAIL),
  ...exported(AUSWEIS, KARLSRUHE_0, PASS),
  // Degraded: slow, but available.
  ...exported(PORTAL_BB, STUTTGART_0, { success: 1, status: 1 }),
];

/** Each pod its own address, as the Kubernetes kit sets it: each holds its own evidence. */
const STUTTGART_0_URL = 'https://ozgwatch-0.ozgwatch-stuttgart.example.org';
const STUTTGART_1_URL = 'https://ozgwatch-1.ozgwatch-stuttgart.example.org';

/**
 * The daemons' build info: Stuttgart's two shards name their own addresses, shard 1 twice (in
 * the middle of a rollout: two versions); Karlsruhe's ozgwatch names none, so its links fall
 * back to the dashboard's `ozgwatch` variable.
 */
const BUILD_INFO: InputSeries[] = (
  [
    [STUTTGART_0, '1.4.0', STUTTGART_0_URL],
    [STUTTGART_1, '1.4.0', STUTTGART_1_URL],
    [STUTTGART_1, '1.5.0', STUTTGART_1_URL],
    [KARLSRUHE_0, '1.4.0', ''],
  ] satisfies [Where, string, string][]
).map(([where, version, url]) => ({
  series: selector('ozgwatch_build_info', {
    job: JOB,
    ...where,
    version,
    ...(url ? { external_url: url } : {}),
  }),
  values: values([1, MINUTES]),
}));

/**
 * Failing now, one row per probe and location (instances of a location are one), with the
 * address of the instance that ran it last there: bauantrag moved to shard 1, whose run is
 * newer; Karlsruhe names none.
 */
const FAILING_ROWS: [ProbeDef, string, string][] = [
  [KFZ, 'stuttgart', STUTTGART_0_URL],
  [KFZ, 'karlsruhe', OZGWATCH_VARIABLE],
  [BAUANTRAG, 'stuttgart', STUTTGART_1_URL],
  [AUSWEIS, 'stuttgart', STUTTGART_1_URL],
];

/**
 * The query of the service dashboard's hidden `daemon` variable, which the link at the top
 * opens, as Grafana sends it for a probe and a location: `query_result(…)` unwrapped.
 */
function topLinkExpr(probeId: string, location: string): string {
  const board = JSON.parse(renderDashboards().get('service.json')!) as {
    templating: { list: { name: string; query?: { query?: string } }[] };
  };
  const q = board.templating.list.find((v) => v.name === 'daemon')!.query!.query!;
  const inner = /^query_result\((.*)\)$/.exec(q)![1]!;
  return inner
    .replaceAll('$probe', probeId)
    .replaceAll('$location', location)
    .replaceAll('$ozgwatch', OZGWATCH_VARIABLE);
}

const byProbe = (ids: string[]): ExprTest['exp_samples'] =>
  ids.map((id) => ({ labels: `{probe="${id}"}`, value: 1 }));

describe.skipIf(!withPromtool)('panels over locations, shards and kinds (promtool)', () => {
  it('overview: "now" panels count what the service-down alerts count; the table survives duplicate probe_info', async () => {
    const at = '10m';
    const table = panelExpr('overview.json', 'Gestörte Prüfungen');
    const down = await Promise.all(
      [
        'OzgwatchServiceDown',
        'OzgwatchServiceDownMultiLocation',
        'OzgwatchServiceDownFromOneLocation',
      ].map(alertExpr),
    );
    const failing = [KFZ, BAUANTRAG, AUSWEIS].map((p) => p.id).sort();
    const run = await runPromtool(
      [
        {
          name: 'overview now',
          interval: '1m',
          input_series: [...OUTAGE_SERIES, ...BUILD_INFO],
          promql_expr_test: [
            {
              expr: table,
              eval_time: at,
              exp_samples: FAILING_ROWS.map(([p, location, url]) => ({
                labels: selector('', {
                  job: JOB,
                  location,
                  probe: p.id,
                  service: p.service,
                  county: p.county,
                  name: p.name,
                  kind: p.kind,
                  // The ozgwatch that holds the evidence of the newest runs there.
                  external_url: url,
                }),
                value: 1,
              })),
            },
            {
              expr: panelExpr('overview.json', 'Gestört jetzt'),
              eval_time: at,
              exp_samples: [{ labels: '{}', value: failing.length }],
            },
            // The probes of the table are those the three service-down alerts see failing
            // (before their `for:`), whichever of them applies.
            {
              expr: `group by (probe) (${table})`,
              eval_time: at,
              exp_samples: byProbe(failing),
            },
            {
              expr: `group by (probe) (${down.map((e) => `(${e})`).join(' or ')})`,
              eval_time: at,
              exp_samples: byProbe(failing),
            },
            // http and browser probes per location, maintenance and error left out: kfz 0 + 0,
            // wohngeld 1 + 1, bauantrag 0 (two shards, one location), ausweis 0 + 1,
            // portal-boeblingen 1 (degraded is available).
            // Rounded to 1e-3: avg adds its series in no fixed order, and a fresh CI run got
            // 0.5000000000000001.
            {
              expr: `round((${panelExpr('overview.json', 'Verfügbar jetzt')}) * 1000) / 1000`,
              eval_time: at,
              exp_samples: [{ labels: '{}', value: 4 / 8 }],
            },
          ],
        },
      ],
      { ruleFiles: [path.join(RULES, 'ozgwatch-recording.yaml')] },
    );
    expect(run.status, run.output).toBe(0);
  });

  it('maturity: new media breaks are those OzgwatchMediaBreakAppeared finds, and a shard move adds none', async () => {
    const panel = panelExpr('maturity.json', 'Neu aufgetretene Medienbrüche (24 h)');
    const appeared = await alertExpr('OzgwatchMediaBreakAppeared');
    const at = '30h';
    const breaks = (
      probeId: string,
      kind: string,
      instance: string,
      ...runs: [number | null, number][]
    ): InputSeries => ({
      series: selector('ozgwatch_media_breaks', {
        job: JOB,
        instance,
        probe: probeId,
        service: 'sperrmuell',
        county: 'boeblingen',
        kind,
      }),
      values: values(...runs),
    });
    const row = (probeId: string, kind: string): ExprTest['exp_samples'][number] => ({
      labels: selector('', {
        job: JOB,
        probe: probeId,
        service: 'sperrmuell',
        county: 'boeblingen',
        kind,
      }),
      value: 1,
    });
    const HOURS = 31; // samples at 0h … 30h
    const run = await runPromtool([
      {
        // One instance: the panel and the alert must agree series for series.
        name: 'media breaks on one instance',
        interval: '1h',
        input_series: [
          // Appeared at 20h: new.
          breaks('sperrmuell-a', 'paper-form', 'ozgwatch-0:9464', [0, 20], [1, HOURS - 20]),
          // There all day: not new.
          breaks('sperrmuell-a', 'fax-submission', 'ozgwatch-0:9464', [1, HOURS]),
          // A probe added 3 hours ago: its first check is a baseline, not a change.
          breaks('sperrmuell-neu', 'postal-submission', 'ozgwatch-0:9464', [null, 28], [1, 3]),
          // The run exactly a day ago could not read the page (no series then): not new.
          breaks(
            'sperrmuell-b',
            'email-submission',
            'ozgwatch-0:9464',
            [1, 6],
            [null, 1],
            [1, HOURS - 7],
          ),
        ],
        promql_expr_test: [
          { expr: panel, eval_time: at, exp_samples: [row('sperrmuell-a', 'paper-form')] },
          {
            expr: `group by (probe, kind) (${panel})`,
            eval_time: at,
            exp_samples: [{ labels: '{probe="sperrmuell-a",kind="paper-form"}', value: 1 }],
          },
          {
            expr: `group by (probe, kind) (${appeared})`,
            eval_time: at,
            exp_samples: [{ labels: '{probe="sperrmuell-a",kind="paper-form"}', value: 1 }],
          },
        ],
      },
      {
        // At 26h the probe moves from shard ozgwatch-0 to ozgwatch-1 (a new shard count).
        name: 'media breaks across a shard move',
        interval: '1h',
        input_series: [
          // There all day, before and after the move: not new.
          breaks('sperrmuell-c', 'in-person', 'ozgwatch-0:9464', [1, 26]),
          breaks('sperrmuell-c', 'in-person', 'ozgwatch-1:9464', [null, 26], [1, HOURS - 26]),
          // Absent on the old shard, there on the new one: it appeared with the move.
          breaks('sperrmuell-c', 'original-documents', 'ozgwatch-0:9464', [0, 26]),
          breaks(
            'sperrmuell-c',
            'original-documents',
            'ozgwatch-1:9464',
            [null, 26],
            [1, HOURS - 26],
          ),
        ],
        promql_expr_test: [
          {
            expr: panel,
            eval_time: at,
            exp_samples: [row('sperrmuell-c', 'original-documents')],
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('service: the runs of each location link to the ozgwatch of that location, also with one location and no label', async () => {
    const runs = (
      labels: { instance: string; location?: string },
      perHour: number,
    ): InputSeries => ({
      series: selector('ozgwatch_probe_runs_total', {
        job: JOB,
        ...labels,
        probe: 'kfz-a',
        service: 'kfz-zulassung',
        county: 'ludwigsburg',
        result: 'pass',
      }),
      values: `0+${perHour}x30`,
    });
    // When the last run ended, on the hour, while an instance runs the probe.
    const ranAt = (labels: { instance: string; location?: string }, from: number, to: number) => ({
      series: selector('ozgwatch_probe_last_run_timestamp_seconds', {
        job: JOB,
        ...labels,
        probe: 'kfz-a',
        service: 'kfz-zulassung',
        county: 'ludwigsburg',
      }),
      values: `${from > 0 ? `_x${from} ` : ''}${from * 3600}+3600x${to - from}`,
    });
    const hourly = (series: InputSeries): InputSeries => ({ ...series, values: values([1, 31]) });
    const panel = panelExpr('service.json', 'Läufe nach Ergebnis', 'kfz-a');
    const row = (labels: Record<string, string>, value: number) => ({
      labels: selector('', { ...labels, probe: 'kfz-a', result: 'pass' }),
      value,
    });
    const run = await runPromtool([
      {
        name: 'two locations, Stuttgart moving between shards',
        interval: '1h',
        input_series: [
          // Shard 0 ran it until hour 5, shard 1 from then on.
          { ...runs(STUTTGART_0, 1), values: `0+1x5` },
          { ...runs(STUTTGART_1, 1), values: `_x5 0+1x25` },
          runs(KARLSRUHE_0, 2),
          ranAt(STUTTGART_0, 0, 5),
          ranAt(STUTTGART_1, 5, 30),
          ranAt(KARLSRUHE_0, 0, 30),
          ...BUILD_INFO.map(hourly),
        ],
        promql_expr_test: [
          {
            expr: panel,
            eval_time: '10h',
            exp_samples: [
              // Shard 1 runs it now: its volume has the evidence of the newest runs.
              row({ location: 'stuttgart', external_url: STUTTGART_1_URL }, 1),
              row({ location: 'karlsruhe', external_url: OZGWATCH_VARIABLE }, 2),
            ],
          },
          // The link at the top, for the location chosen: the same instance.
          {
            expr: topLinkExpr('kfz-a', 'stuttgart'),
            eval_time: '10h',
            exp_samples: [
              {
                labels: selector('', {
                  probe: 'kfz-a',
                  location: 'stuttgart',
                  external_url: STUTTGART_1_URL,
                }),
                value: 2,
              },
            ],
          },
          {
            expr: topLinkExpr('kfz-a', 'karlsruhe'),
            eval_time: '10h',
            exp_samples: [{ labels: selector('', { external_url: OZGWATCH_VARIABLE }), value: 1 }],
          },
        ],
      },
      {
        name: 'one location, no location label',
        interval: '1h',
        input_series: [
          runs({ instance: 'ozgwatch:9464' }, 1),
          ranAt({ instance: 'ozgwatch:9464' }, 0, 30),
          {
            series: selector('ozgwatch_build_info', {
              job: JOB,
              instance: 'ozgwatch:9464',
              version: '1.5.0',
              external_url: 'https://ozgwatch.landkreis.example',
            }),
            values: values([1, 31]),
          },
        ],
        promql_expr_test: [
          {
            expr: panel,
            eval_time: '10h',
            exp_samples: [row({ external_url: 'https://ozgwatch.landkreis.example' }, 1)],
          },
          // No location labels: the location variable is empty, and matches.
          {
            expr: topLinkExpr('kfz-a', ''),
            eval_time: '10h',
            exp_samples: [
              {
                labels: selector('', {
                  probe: 'kfz-a',
                  external_url: 'https://ozgwatch.landkreis.example',
                }),
                value: 2,
              },
            ],
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('ozgwatch: the probes in status error, one row per instance, with their names', async () => {
    const run = await runPromtool([
      {
        name: 'status error',
        interval: '1m',
        input_series: OUTAGE_SERIES,
        promql_expr_test: [
          {
            expr: panelExpr('ozgwatch.json', 'Prüfungen im Status error'),
            eval_time: '10m',
            exp_samples: [STUTTGART_0, KARLSRUHE_0].map((where) => ({
              labels: selector('', {
                job: JOB,
                ...where,
                probe: PORTAL_TUE.id,
                service: PORTAL_TUE.service,
                county: PORTAL_TUE.county,
                name: PORTAL_TUE.name,
                kind: PORTAL_TUE.kind,
              }),
              value: 3,
            })),
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });

  it('service: failed runs are the service’s failures, not ozgwatch’s errors or maintenance runs', async () => {
    const runs = (probeId: string, result: string, perHour: number): InputSeries => ({
      series: selector('ozgwatch_probe_runs_total', {
        job: JOB,
        instance: 'ozgwatch-0:9464',
        probe: probeId,
        service: 'kfz-zulassung',
        county: 'ludwigsburg',
        result,
      }),
      values: `2+${perHour}x30`,
    });
    const run = await runPromtool([
      {
        name: 'failed runs',
        interval: '1h',
        input_series: [
          // ozgwatch could not check all day; the service itself never failed.
          runs('kfz-a', 'pass', 1),
          runs('kfz-a', 'error', 2),
          runs('kfz-a', 'maintenance', 1),
          runs('kfz-a', 'fail', 0),
          // One failed run an hour.
          runs('kfz-b', 'pass', 1),
          runs('kfz-b', 'fail', 1),
        ],
        promql_expr_test: [
          {
            expr: panelExpr('service.json', 'Fehlgeschlagene Läufe 24 h', 'kfz-a'),
            eval_time: '30h',
            exp_samples: [{ labels: '{}', value: 0 }],
          },
          {
            expr: panelExpr('service.json', 'Fehlgeschlagene Läufe 24 h', 'kfz-b'),
            eval_time: '30h',
            exp_samples: [{ labels: '{}', value: 24 }],
          },
        ],
      },
    ]);
    expect(run.status, run.output).toBe(0);
  });
});
