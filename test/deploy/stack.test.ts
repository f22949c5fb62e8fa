/**
 * The shipped dashboards and rules against the real components: the daemon watches the
 * fixture portal (healthy and broken services), Debian's Prometheus scrapes it with the
 * shipped rules, Debian's Alertmanager routes to a webhook of this test. Every process runs
 * on 127.0.0.1 and is stopped afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { dashboardExpressions } from '../../src/dashboards/expressions.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { startOnFreePort } from '../fixtures/free-port.ts';
import { startAlertmanager, startWebhook, until, type Notified } from './alerting-servers.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const tools = ['prometheus', 'prometheus-alertmanager'].filter(
  (tool) => spawnSync(tool, ['--version']).status !== 0,
);
if (tools.length > 0) {
  console.warn(
    `${tools.join(', ')} not installed: skipping the stack test (apt-get install prometheus prometheus-alertmanager)`,
  );
}
const run = tools.length === 0 || Boolean(process.env.CI);

/**
 * Panels that may be empty in this fixture, each with the reason. Every other expression
 * must return data for at least one of the probes the service dashboard is shown for.
 */
const MAY_BE_EMPTY: Record<string, string> = {
  'Zertifikate, bald ablaufend zuerst': 'no HTTPS probe in the fixture',
  Lighthouse: 'Lighthouse audits run daily; none in a one-minute test',
  'Browser-Neustarts': 'the browser does not restart during the test',
  'Ausgelassene Läufe': 'no run is skipped during the test',
  'Gestörte Prüfungen': 'shown for probes failing now; checked through the alert instead',
  'Pufferfüllung (PostgreSQL)': 'the daemon of the test stores in SQLite, which has no disk buffer',
  'Neu aufgetretene Medienbrüche (24 h)':
    'a probe’s first day is its baseline; test/dashboards/panels.test.ts covers the panel',
  'Prüfungen im Status error': 'no probe of the fixture ends in status error',
  'Prüfungen ohne aktuelles Ergebnis': 'every probe of the fixture runs, and its ozgwatch is up',
};

let dir: string;
let portal: Portal;
let daemon: Daemon;
let prometheus: ChildProcess;
let alertmanager: ChildProcess;
let webhook: Awaited<ReturnType<typeof startWebhook>>;
const received: Notified[] = [];
let promUrl = '';

function probes(http: string): string {
  return `- id: portal-ok
  name: Kreisportal
  kind: http
  every: 1s
  timeout: 900ms
  labels: { service: kreisportal, county: musterkreis }
  http: { url: "${http}/" }
- id: portal-kaputt
  name: Kreisportal kaputt
  kind: http
  every: 1s
  timeout: 900ms
  labels: { service: kfz, county: musterkreis }
  http: { url: "${http}/status/500" }
- id: wohngeld-journey
  name: Wohngeld online
  kind: browser
  every: 5s
  timeout: 4s
  labels: { service: wohngeld, county: musterkreis }
  browser:
    steps:
      - { name: start, goto: "${http}/dienste/wohngeld/" }
      - { name: antrag-oeffnen, click: { role: link, name: Online beantragen } }
- id: portal-a11y
  name: Kreisportal barrierefrei
  kind: a11y
  every: 20s
  timeout: 15s
  labels: { service: kreisportal, county: musterkreis }
  a11y:
    urls: ["${http}/a11y/widget/1", "${http}/a11y/formulare", "${http}/a11y/formulare-office"]
- id: portal-bitv
  name: Kreisportal BITV
  kind: bitv
  every: 20s
  timeout: 15s
  labels: { service: kreisportal, county: musterkreis }
  bitv: { url: "${http}/bitv/schlecht/" }
- id: wohngeld-medienbrueche
  name: Wohngeld Medienbrüche
  kind: media-breaks
  every: 20s
  timeout: 15s
  labels: { service: sperrmuell, county: nachbarkreis }
  media-breaks: { url: "${http}/media-breaks/sperrmuell-karte-postweg/", followSteps: 0 }
`;
}

/** The shipped rules with every `for:` shortened to 2 s: promtool's unit tests cover the durations. */
async function testRules(into: string): Promise<string[]> {
  const from = path.join(ROOT, 'deploy', 'prometheus', 'rules');
  const files: string[] = [];
  for (const file of await readdir(from)) {
    const text = await readFile(path.join(from, file), 'utf8');
    await writeFile(path.join(into, file), text.replace(/^(\s*)for: \S+$/gm, '$1for: 2s'));
    files.push(path.join(into, file));
  }
  return files;
}

async function promQuery(
  expr: string,
): Promise<{ status: string; data: { result: unknown[] }; error?: string }> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as { status: string; data: { result: unknown[] }; error?: string };
}

beforeAll(async () => {
  if (!run) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-stack-'));
  portal = await startPortal();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(path.join(dir, 'probes', 'stack.yaml'), probes(portal.http));
  daemon = await startDaemon(
    {
      ...configSchema.parse({ probes: path.join(dir, 'probes'), dataDir: path.join(dir, 'data') }),
      server: { host: '127.0.0.1', port: 0 },
      watch: false,
    },
    { logger: pino({ level: 'silent' }) },
  );

  webhook = await startWebhook((alert) => received.push(alert));
  const hook = webhook.url;

  await writeFile(
    path.join(dir, 'alertmanager.yml'),
    `route: { receiver: hook, group_by: [alertname, probe], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers: [{ name: hook, webhook_configs: [{ url: "${hook}", send_resolved: false }] }]
`,
  );
  const am = await startAlertmanager(path.join(dir, 'alertmanager.yml'), dir);
  alertmanager = am.process;
  const amPort = am.port;

  const rulesDir = path.join(dir, 'rules');
  await mkdir(rulesDir);
  const rules = await testRules(rulesDir);
  const daemonTarget = new URL(daemon.server.url).host;
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ${JSON.stringify(rules)}
alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:${amPort}"] }] }] }
scrape_configs: [{ job_name: ozgwatch, static_configs: [{ targets: ["${daemonTarget}"] }] }]
`,
  );
  const prom = await startOnFreePort(
    'prometheus',
    (port) =>
      spawn(
        'prometheus',
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      ),
    async (port) => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
  );
  prometheus = prom.process;
  promUrl = `http://127.0.0.1:${prom.port}`;
  // Every kind of probe has run and been scraped, and the recording rules have a value.
  await until(
    async () => {
      const r = await promQuery(
        'count(ozgwatch_maturity_level) + count(ozgwatch_a11y_violations) + count(ozgwatch_bitv_signal) + count(ozgwatch_journey_step_success) + count(probe:availability:ratio_1h)',
      );
      return r.data.result.length > 0 ? true : undefined;
    },
    90_000,
    'all probe kinds scraped',
  );
}, 150_000);

afterAll(async () => {
  if (!run) return;
  prometheus?.kill('SIGKILL');
  alertmanager?.kill('SIGKILL');
  await webhook?.close();
  await daemon?.stop();
  await portal?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!run)('dashboards and rules against Prometheus and Alertmanager', () => {
  it('the service-down alert for the broken service reaches the webhook; none for the healthy one', async () => {
    const down = await until(
      async () =>
        received.find(
          (a) => a.labels.alertname === 'OzgwatchServiceDown' && a.labels.probe === 'portal-kaputt',
        ),
      60_000,
      'OzgwatchServiceDown at the webhook',
    );
    expect(down).toMatchObject({
      status: 'firing',
      labels: { severity: expect.any(String) as unknown },
    });
    const firing = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    };
    const healthyDown = [
      ...received.map((a) => a.labels),
      ...firing.data.alerts.map((a) => a.labels),
    ].filter((l) => l.probe === 'portal-ok' && l.alertname === 'OzgwatchServiceDown');
    expect(healthyDown).toEqual([]);
  }, 90_000);

  it('every dashboard expression is valid, and returns data where the fixture guarantees it', async () => {
    const problems: string[] = [];
    for (const { dashboard, panel, expr } of dashboardExpressions()) {
      let data = false;
      for (const probe of ['portal-ok', 'wohngeld-journey']) {
        const concrete = expr
          .replaceAll('$county', '.*')
          .replaceAll('$service', '.*')
          .replaceAll('$probe', probe)
          // No location labels in the fixture: the location variable is empty, and matches.
          .replaceAll('$location', '');
        const r = await promQuery(concrete);
        if (r.status !== 'success') {
          problems.push(`${dashboard} / ${panel}: ${r.error} in ${concrete}`);
          break;
        }
        if (r.data.result.length > 0) data = true;
      }
      if (!data && !(panel in MAY_BE_EMPTY))
        problems.push(`${dashboard} / ${panel}: no data for ${expr}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('every recording rule has a value', async () => {
    const rules = (await (await fetch(`${promUrl}/api/v1/rules?type=record`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const names = rules.data.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names.length).toBeGreaterThan(3);
    const empty: string[] = [];
    for (const name of names) {
      if ((await promQuery(name)).data.result.length === 0) empty.push(name);
    }
    expect(empty).toEqual([]);
  }, 30_000);
});
