/**
 * The shipped Alertmanager configuration against Debian's Alertmanager: one cause notifies once.
 * For each inhibition, alerts as Prometheus sends them are posted; the one the rule stands for
 * must be held back, and the same alert of another probe, instance or location must reach the
 * webhook. The routes group new probes' first-day tickets per county. Only the receivers (a webhook of this test instead of the example addresses) and
 * group_wait are changed; routes and inhibit_rules are those shipped. Every process runs on
 * 127.0.0.1 and is stopped afterwards.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  startAlertmanager,
  startWebhook,
  until,
  type Labels,
  type Notified,
} from './alerting-servers.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const installed = spawnSync('prometheus-alertmanager', ['--version']).status === 0;
if (!installed) {
  console.warn(
    'prometheus-alertmanager not installed: skipping the inhibition test (apt-get install prometheus-alertmanager)',
  );
}
const run = installed || Boolean(process.env.CI);

/**
 * One cause: the alert that stays (`source`), the alert it stands for (`held`), and the same
 * kind of alert with a different cause that must still notify (`passes`).
 */
interface Case {
  why: string;
  source: Labels;
  held: Labels;
  passes: Labels;
}

const lb = { job: 'ozgwatch', instance: 'ozgwatch-0:9464', location: 'rz-a' };
const CASES: Case[] = [
  {
    why: 'a daemon that is down explains its stale results, not those of its namesake elsewhere',
    source: { alertname: 'OzgwatchDown', severity: 'page', ...lb },
    held: { alertname: 'OzgwatchStaleResults', severity: 'ticket', ...lb, probe: 'kfz-a' },
    passes: {
      alertname: 'OzgwatchStaleResults',
      severity: 'ticket',
      ...lb,
      location: 'rz-b',
      probe: 'kfz-b',
    },
  },
  {
    why: 'a daemon that is down explains the missing shard of its location',
    source: { alertname: 'OzgwatchDown', severity: 'page', ...lb, instance: 'ozgwatch-1:9464' },
    held: {
      alertname: 'OzgwatchShardMissing',
      severity: 'page',
      job: 'ozgwatch',
      location: 'rz-a',
    },
    passes: {
      alertname: 'OzgwatchShardMissing',
      severity: 'page',
      job: 'ozgwatch',
      location: 'rz-c',
    },
  },
  {
    why: 'most probes of an instance in error stand for the ticket of each probe',
    source: { alertname: 'OzgwatchMostProbesInError', severity: 'page', ...lb },
    held: { alertname: 'OzgwatchProbeError', severity: 'ticket', ...lb, probe: 'wohngeld-a' },
    passes: {
      alertname: 'OzgwatchProbeError',
      severity: 'ticket',
      ...lb,
      instance: 'ozgwatch-2:9464',
      probe: 'wohngeld-c',
    },
  },
  {
    why: 'the 3-day certificate page supersedes the 14-day ticket of the same probe',
    source: {
      alertname: 'OzgwatchCertificateExpiresVerySoon',
      severity: 'page',
      ...lb,
      probe: 'portal-a',
    },
    held: {
      alertname: 'OzgwatchCertificateExpiresSoon',
      severity: 'ticket',
      ...lb,
      probe: 'portal-a',
    },
    passes: {
      alertname: 'OzgwatchCertificateExpiresSoon',
      severity: 'ticket',
      ...lb,
      probe: 'portal-b',
    },
  },
  {
    why: 'an expired certificate holds back the 3-day page of the same series, not of another location',
    source: {
      alertname: 'OzgwatchCertificateExpired',
      severity: 'page',
      ...lb,
      probe: 'buergerservice-a',
    },
    held: {
      alertname: 'OzgwatchCertificateExpiresVerySoon',
      severity: 'page',
      ...lb,
      probe: 'buergerservice-a',
    },
    passes: {
      alertname: 'OzgwatchCertificateExpiresVerySoon',
      severity: 'page',
      ...lb,
      location: 'rz-b',
      probe: 'buergerservice-a',
    },
  },
  {
    why: 'an expired certificate holds back the 14-day ticket of the same series, not of another probe',
    source: {
      alertname: 'OzgwatchCertificateExpired',
      severity: 'page',
      ...lb,
      probe: 'buergerservice-a',
    },
    held: {
      alertname: 'OzgwatchCertificateExpiresSoon',
      severity: 'ticket',
      ...lb,
      probe: 'buergerservice-a',
    },
    passes: {
      alertname: 'OzgwatchCertificateExpiresSoon',
      severity: 'ticket',
      ...lb,
      probe: 'buergerservice-b',
    },
  },
  {
    why: 'a confirmed outage makes the per-location ticket of the same probe redundant',
    source: {
      alertname: 'OzgwatchServiceDownMultiLocation',
      severity: 'page',
      probe: 'kfz-lb',
      service: 'kfz-zulassung',
      county: 'ludwigsburg',
    },
    held: {
      alertname: 'OzgwatchServiceDownFromOneLocation',
      severity: 'ticket',
      probe: 'kfz-lb',
      service: 'kfz-zulassung',
      county: 'ludwigsburg',
      location: 'rz-a',
    },
    passes: {
      alertname: 'OzgwatchServiceDownFromOneLocation',
      severity: 'ticket',
      probe: 'kfz-es',
      service: 'kfz-zulassung',
      county: 'esslingen',
      location: 'rz-a',
    },
  },
  {
    why: 'a new media break explains the drop of the maturity level it caps',
    source: {
      alertname: 'OzgwatchMediaBreakAppeared',
      severity: 'ticket',
      job: 'ozgwatch',
      probe: 'parken-mb',
      service: 'anwohnerparken',
      county: 'musterkreis',
      kind: 'email-submission',
    },
    held: {
      alertname: 'OzgwatchMaturityLevelDropped',
      severity: 'info',
      job: 'ozgwatch',
      probe: 'parken-mb',
      service: 'anwohnerparken',
      county: 'musterkreis',
    },
    passes: {
      alertname: 'OzgwatchMaturityLevelDropped',
      severity: 'info',
      job: 'ozgwatch',
      probe: 'wohngeld-mb',
      service: 'wohngeld',
      county: 'musterkreis',
    },
  },
  {
    why: 'a store that drops results pages once for its queue and buffer',
    source: { alertname: 'OzgwatchStoreDroppingResults', severity: 'page', ...lb },
    held: { alertname: 'OzgwatchStoreBuffering', severity: 'ticket', ...lb },
    passes: { alertname: 'OzgwatchStoreNotWriting', severity: 'ticket', ...lb, location: 'rz-b' },
  },
];

let dir: string;
let alertmanager: ChildProcess;
let webhook: Awaited<ReturnType<typeof startWebhook>>;
let amUrl = '';
const received: Labels[] = [];
const notified: Notified[] = [];

const same = (a: Labels, b: Labels): boolean =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => b[k] === v);

interface Shipped {
  route: Record<string, unknown>;
  receivers: { name: string }[];
  inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[];
}

beforeAll(async () => {
  if (!run) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-inhibit-'));
  webhook = await startWebhook((alert) => {
    if (alert.status === 'firing') {
      received.push(alert.labels);
      notified.push(alert);
    }
  });
  const hook = webhook.url;

  const shipped = parse(
    await readFile(path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'), 'utf8'),
  ) as Shipped;
  // The example receivers would mail smtp.example.org: every one becomes this test's webhook,
  // under its own name, so that the routes stay as shipped.
  const config = {
    ...shipped,
    route: { ...shipped.route, group_wait: '1s' },
    receivers: shipped.receivers.map((r) => ({
      name: r.name,
      webhook_configs: [{ url: hook, send_resolved: false }],
    })),
  };
  await writeFile(path.join(dir, 'alertmanager.yml'), stringify(config));
  const am = await startAlertmanager(path.join(dir, 'alertmanager.yml'), dir);
  alertmanager = am.process;
  amUrl = am.url;
}, 30_000);

afterAll(async () => {
  if (!run) return;
  alertmanager?.kill('SIGKILL');
  await webhook?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!run)('the shipped inhibitions in Alertmanager', () => {
  it('every inhibition of alertmanager.yml has a case here', async () => {
    const shipped = parse(
      await readFile(path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'), 'utf8'),
    ) as Shipped;
    const covered = shipped.inhibit_rules.filter((rule) =>
      CASES.some(
        (c) =>
          rule.source_matchers.some((m) => m.includes(`"${c.source.alertname}"`)) &&
          rule.target_matchers.some((m) => m.includes(c.held.alertname!)),
      ),
    );
    expect(covered).toEqual(shipped.inhibit_rules);
  });

  it('hold back the alert one cause explains, and let the same alert of another cause through', async () => {
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const post = (alerts: Labels[]): Promise<Response> =>
      fetch(`${amUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          alerts.map((labels) => ({ labels, startsAt, endsAt, annotations: {} })),
        ),
      });
    // Sources first, as they fire first in every case here; then the alerts they stand for.
    expect((await post(CASES.map((c) => c.source))).ok).toBe(true);
    expect((await post(CASES.flatMap((c) => [c.held, c.passes]))).ok).toBe(true);

    // Every other alert reaching the webhook shows that the routes delivered; by then the
    // held ones have been through the same flush.
    const deliver = [...CASES.map((c) => c.source), ...CASES.map((c) => c.passes)];
    await until(
      async () => (deliver.every((l) => received.some((r) => same(l, r))) ? true : undefined),
      30_000,
      'the notifications that must arrive',
    );
    const status = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as {
      labels: Labels;
      status: { inhibitedBy: string[] };
    }[];
    const problems: string[] = [];
    for (const c of CASES) {
      const held = status.find((a) => same(a.labels, c.held));
      if (!held?.status.inhibitedBy.length) problems.push(`not held back: ${c.why}`);
      if (received.some((r) => same(c.held, r))) problems.push(`notified anyway: ${c.why}`);
    }
    expect(problems).toEqual([]);
  }, 45_000);

  it("send the first-day tickets of a county's new probes as one notification, regressions per service", async () => {
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const ticket = (service: string, baseline: boolean): Labels => ({
      alertname: 'OzgwatchNewCriticalA11yViolations',
      severity: 'ticket',
      job: 'ozgwatch',
      probe: `${service}-sig`,
      service,
      county: 'sigmaringen',
      impact: 'critical',
      ...(baseline ? { baseline: 'true' } : {}),
    });
    // A county adds three services at once; two others, watched for long, get a new barrier.
    const firstDay = ['bauantrag', 'kfz-zulassung', 'wohngeld'].map((s) => ticket(s, true));
    const regressions = ['elterngeld', 'meldebescheinigung'].map((s) => ticket(s, false));
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        [...firstDay, ...regressions].map((labels) => ({ labels, startsAt, endsAt })),
      ),
    });
    expect(res.ok).toBe(true);
    const groupOf = (labels: Labels): string | undefined =>
      notified.find((n) => same(n.labels, labels))?.groupKey;
    await until(
      async () => ([...firstDay, ...regressions].every((l) => groupOf(l)) ? true : undefined),
      30_000,
      'the new-barrier tickets',
    );
    expect(new Set(firstDay.map(groupOf)).size).toBe(1);
    expect(new Set(regressions.map(groupOf)).size).toBe(2);
    expect(regressions.map(groupOf)).not.toContain(groupOf(firstDay[0]!));
  }, 45_000);
});
