import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { metricNames } from '../../src/dashboards/expressions.ts';
import { METRICS } from '../../src/metrics/catalogue.ts';
import { prometheusRule, RESOURCE, RULES_DIR } from '../../scripts/prometheus-rule.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const promtool = spawnSync('promtool', ['--version']).status === 0;
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl) console.warn('kubectl not installed: skipping the kustomize rendering test');

/** What the sharded overlay test reads of the rendered objects. */
interface Sharded {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    replicas?: number;
    podManagementPolicy?: string;
    maxUnavailable?: number;
    selector?: { matchLabels: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec: {
        topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
        containers?: {
          name: string;
          env: {
            name: string;
            value?: string;
            valueFrom?: { secretKeyRef?: { name: string; key: string } };
          }[];
          resources?: { requests?: { cpu?: string; memory?: string } };
        }[];
      };
    };
  };
}

/** Renders a kustomization with kubectl; fails the test on any error. */
function render(dir: string): Sharded[] {
  const out = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return parseAllDocuments(out.stdout).map((d) => d.toJSON() as Sharded);
}

/** The one StatefulSet of a rendering. */
function statefulSet(docs: Sharded[]): Sharded {
  const set = docs.find((d) => d.kind === 'StatefulSet');
  expect(set).toBeDefined();
  return set!;
}

/** The value of OZGWATCH_SHARDS in the ozgwatch container. */
function shardCount(set: Sharded): string | undefined {
  return set.spec
    .template!.spec.containers!.find((c) => c.name === 'ozgwatch')!
    .env.find((e) => e.name === 'OZGWATCH_SHARDS')?.value;
}

describe('deployment kit', () => {
  it('the PrometheusRule of the kustomize base carries the shipped rules (npm run rules:kubernetes)', async () => {
    expect(await readFile(RESOURCE, 'utf8')).toBe(await prometheusRule());
  });

  it.skipIf(!promtool && !process.env.CI)(
    'promtool checks the rules and runs their unit tests',
    () => {
      const dir = path.join(ROOT, 'deploy', 'prometheus');
      const check = spawnSync('sh', ['-c', 'promtool check rules rules/*.yaml'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(check.stderr + check.stdout).not.toMatch(/FAILED/);
      expect(check.status).toBe(0);
      const test = spawnSync('sh', ['-c', 'promtool test rules tests/*.yaml'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(test.stderr + test.stdout).toMatch(/SUCCESS/);
      expect(test.status, test.stderr + test.stdout).toBe(0);
    },
  );

  it('the rules use only catalogued metrics, their own recording rules and up', async () => {
    const { readdir } = await import('node:fs/promises');
    const rules: { record?: string; alert?: string; expr: string }[] = [];
    for (const file of await readdir(RULES_DIR)) {
      const doc = parseAllDocuments(
        await readFile(path.join(RULES_DIR, file), 'utf8'),
      )[0]!.toJSON() as {
        groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
      };
      rules.push(...doc.groups.flatMap((g) => g.rules));
    }
    const known = new Set([
      ...METRICS.map((m) => m.name),
      ...rules.flatMap((r) => (r.record ? [r.record] : [])),
      'up',
    ]);
    const unknown = rules.flatMap((r) =>
      metricNames(r.expr)
        .filter((n) => !known.has(n))
        .map((n) => `${r.alert ?? r.record}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(rules.filter((r) => r.alert).length).toBeGreaterThanOrEqual(15);
  });

  it.skipIf(!kubectl)(
    'kubectl kustomize renders the base: daemon, storage, probes, Service, monitoring',
    () => {
      const out = spawnSync(
        'kubectl',
        ['kustomize', path.join(ROOT, 'deploy', 'kubernetes', 'base')],
        {
          encoding: 'utf8',
        },
      );
      expect(out.stderr).toBe('');
      expect(out.status).toBe(0);
      const docs = parseAllDocuments(out.stdout).map(
        (d) => d.toJSON() as { kind: string; metadata: { name: string; namespace?: string } },
      );
      expect(docs.map((d) => d.kind).sort()).toEqual([
        'ConfigMap',
        'Namespace',
        'PrometheusRule',
        'Service',
        'ServiceMonitor',
        'StatefulSet',
      ]);
      for (const d of docs.filter((x) => x.kind !== 'Namespace'))
        expect(d.metadata.namespace).toBe('ozgwatch');
      const set = docs.find((d) => d.kind === 'StatefulSet') as unknown as {
        spec: { template: { spec: { volumes: { name: string; configMap?: { name: string } }[] } } };
      };
      const configMap = docs.find((d) => d.kind === 'ConfigMap')!.metadata.name;
      // The generated ConfigMap's hashed name is what the StatefulSet mounts.
      expect(set.spec.template.spec.volumes.find((v) => v.name === 'probes')?.configMap?.name).toBe(
        configMap,
      );
    },
  );

  it.skipIf(!kubectl)(
    'the sharded overlay: N in one place, PostgreSQL from a Secret, a disruption budget',
    async () => {
      const overlay = path.join(ROOT, 'deploy', 'kubernetes', 'overlays', 'sharded');
      const docs = render(overlay);
      const set = statefulSet(docs);
      const container = set.spec.template!.spec.containers!.find((c) => c.name === 'ozgwatch')!;
      const env = new Map(container.env.map((e) => [e.name, e]));
      expect(set.spec.replicas).toBe(3);
      expect(env.get('OZGWATCH_SHARDS')?.value).toBe('3');
      expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
        name: 'ozgwatch-postgres',
        key: 'url',
      });
      expect(env.get('OZGWATCH_LOCATION')?.value).toMatch(/^[a-z0-9-]+$/);
      expect(set.spec.podManagementPolicy).toBe('Parallel');
      expect(set.spec.template!.spec.topologySpreadConstraints).toContainEqual(
        expect.objectContaining({
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
        }),
      );
      for (const c of set.spec.template!.spec.containers!) {
        expect(c.resources?.requests?.cpu, c.name).toBeDefined();
        expect(c.resources?.requests?.memory, c.name).toBeDefined();
      }
      // The budget covers exactly the pods of the StatefulSet.
      const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(pdb.metadata.namespace).toBe('ozgwatch');
      expect(pdb.spec.selector!.matchLabels).toEqual(set.spec.selector!.matchLabels);
      const podLabels = set.spec.template!.metadata!.labels!;
      for (const [k, v] of Object.entries(pdb.spec.selector!.matchLabels)) {
        expect(podLabels[k], k).toBe(v);
      }
      // No password in the overlay: the Secret is an example outside its resources.
      expect(docs.some((d) => d.kind === 'Secret')).toBe(false);

      // N is changed in one place: `replicas` of the overlay's patch; the shard count follows.
      const { cp, mkdtemp, readFile: read, writeFile, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-kustomize-'));
      try {
        await cp(path.join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
        const patch = path.join(dir, 'overlays', 'sharded', 'statefulset-sharded.yaml');
        const text = await read(patch, 'utf8');
        expect(text).toMatch(/^ {2}replicas: 3$/m);
        await writeFile(patch, text.replace(/^ {2}replicas: 3$/m, '  replicas: 5'));
        const derived = statefulSet(render(path.join(dir, 'overlays', 'sharded')));
        expect(derived.spec.replicas).toBe(5);
        expect(shardCount(derived)).toBe('5');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!kubectl)(
    'an overlay on the sharded one that changes replicas and lists shard-count gets OZGWATCH_SHARDS along',
    async () => {
      const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-kustomize-'));
      try {
        // kustomize takes only relative paths to other kustomizations.
        const sharded = path.relative(
          dir,
          path.join(ROOT, 'deploy', 'kubernetes', 'overlays', 'sharded'),
        );
        const kustomization = [
          `resources: [${sharded}]`,
          'patches:',
          '  - target: { kind: StatefulSet, name: ozgwatch }',
          '    patch: |',
          '      - { op: replace, path: /spec/replicas, value: 5 }',
          '',
        ].join('\n');
        // Without the transformer the count stays the shipped one, as the overlay's comment warns.
        await writeFile(path.join(dir, 'kustomization.yaml'), kustomization);
        const plain = statefulSet(render(dir));
        expect(plain.spec.replicas).toBe(5);
        expect(shardCount(plain)).toBe('3');

        await writeFile(
          path.join(dir, 'kustomization.yaml'),
          `${kustomization}transformers: [${sharded}/shard-count]\n`,
        );
        const five = statefulSet(render(dir));
        expect(five.spec.replicas).toBe(5);
        expect(shardCount(five)).toBe('5');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(spawnSync('amtool', ['--version']).status !== 0)(
    'amtool accepts the example Alertmanager configuration',
    () => {
      const out = spawnSync(
        'amtool',
        ['check-config', path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml')],
        {
          encoding: 'utf8',
        },
      );
      expect(out.status, out.stderr + out.stdout).toBe(0);
    },
  );

  it('docs/alerts.md shows the inhibitions of the shipped Alertmanager configuration', async () => {
    const shipped = await readFile(
      path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'),
      'utf8',
    );
    const doc = await readFile(path.join(ROOT, 'docs', 'alerts.md'), 'utf8');
    const shown = /```yaml\n(inhibit_rules:[\s\S]*?)\n```/.exec(doc)?.[1];
    expect(shown).toBe(shipped.slice(shipped.indexOf('inhibit_rules:')).trimEnd());
  });

  it('compose wires Prometheus, Alertmanager and Grafana to the shipped files', async () => {
    const compose = parseAllDocuments(
      await readFile(path.join(ROOT, 'deploy', 'compose.yaml'), 'utf8'),
    )[0]!.toJSON() as {
      services: Record<string, { volumes?: string[] }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'grafana',
      'ozgwatch',
      'prometheus',
    ]);
    const prom = await readFile(path.join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prom).toContain('job_name: ozgwatch');
    expect(compose.services.grafana!.volumes).toContain(
      '../dashboards:/var/lib/grafana/dashboards/ozgwatch:ro',
    );
  });
});
