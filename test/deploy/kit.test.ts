import { spawn, spawnSync } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { configSchema, CONFIG_FILE_ENV, ENV_VARS, loadConfig } from '../../src/config/config.ts';
import { metricNames } from '../../src/dashboards/expressions.ts';
import { METRICS } from '../../src/metrics/catalogue.ts';
import { parseDuration } from '../../src/probes/duration.ts';
import { VERSION } from '../../src/version.ts';
import { DAEMON_V8_FLAGS } from '../../bench/lib/daemon-flags.ts';
import { prometheusRule, RESOURCE, RULES_DIR } from '../../scripts/prometheus-rule.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const promtool = spawnSync('promtool', ['--version']).status === 0;
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl) console.warn('kubectl not installed: skipping the kustomize rendering test');

const BASE = path.join(ROOT, 'deploy', 'kubernetes', 'base');
const SHARDED = path.join(ROOT, 'deploy', 'kubernetes', 'overlays', 'sharded');

/** What the tests read of the rendered objects. */
interface Sharded {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec: {
    replicas?: number;
    serviceName?: string;
    volumeClaimTemplates?: {
      metadata: { name: string };
      spec: { resources: { requests: { storage: string } } };
    }[];
    podManagementPolicy?: string;
    maxUnavailable?: number;
    selector?: { matchLabels: Record<string, string> };
    jobLabel?: string;
    endpoints?: {
      port: string;
      path?: string;
      authorization?: { type?: string; credentials: { name: string; key: string } };
    }[];
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds?: number;
        topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
        containers?: {
          name: string;
          args?: string[];
          env: {
            name: string;
            value?: string;
            valueFrom?: {
              secretKeyRef?: { name: string; key: string; optional?: boolean };
              fieldRef?: { fieldPath: string };
            };
          }[];
          resources?: {
            requests?: { cpu?: string; memory?: string };
            limits?: { memory?: string };
          };
          volumeMounts?: { name: string; mountPath: string }[];
          ports?: { name: string; containerPort: number }[];
        }[];
        volumes?: {
          name: string;
          configMap?: { name: string };
          emptyDir?: { medium?: string; sizeLimit?: string };
        }[];
      };
    };
  };
}

/** A Service as rendered: its selector is a plain map. */
interface ServiceObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort?: string | number }[];
    clusterIP?: string;
    type?: string;
  };
}

/** The Services of a rendering. */
function services(docs: Sharded[]): ServiceObject[] {
  return docs.filter((d) => d.kind === 'Service') as unknown as ServiceObject[];
}

/** Whether a label selector (matchLabels, or a Service's selector) selects these labels. */
function selects(selector: Record<string, string>, labels: Record<string, string> | undefined) {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Renders a kustomization with kubectl; fails the test on any error. */
function render(dir: string): Sharded[] {
  const out = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return parseAllDocuments(out.stdout).map((d) => d.toJSON() as Sharded);
}

/** The one object of a kind in a rendering. */
function only(docs: Sharded[], kind: string): Sharded {
  const found = docs.filter((d) => d.kind === kind);
  expect(found.map((d) => d.kind)).toEqual([kind]);
  return found[0]!;
}

/** The one StatefulSet of a rendering. */
function statefulSet(docs: Sharded[]): Sharded {
  return only(docs, 'StatefulSet');
}

/** The ozgwatch container of a StatefulSet. */
function daemon(set: Sharded) {
  const container = set.spec.template!.spec.containers!.find((c) => c.name === 'ozgwatch');
  expect(container).toBeDefined();
  return container!;
}

/** The variables a value refers to as `$(NAME)` (Kubernetes expands them; `$$(NAME)` escapes). */
function references(value: string | undefined): string[] {
  return [...(value ?? '').matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!);
}

/**
 * A container's environment as Kubernetes hands it to the process of pod `pod`: `$(NAME)`
 * expands only to a variable defined above it, as the kubelet does; anything else stays as
 * written. Only values and the pod name (`fieldRef: metadata.name`) are resolved.
 */
function podEnv(
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[],
  pod: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of env) {
    let value: string | undefined;
    if (e.value !== undefined)
      value = e.value.replace(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) =>
        out.has(name) ? out.get(name)! : whole,
      );
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') value = pod;
    if (value !== undefined) out.set(e.name, value);
  }
  return out;
}

/** The value of OZGWATCH_SHARDS in the ozgwatch container. */
function shardCount(set: Sharded): string | undefined {
  return daemon(set).env.find((e) => e.name === 'OZGWATCH_SHARDS')?.value;
}

/** A Kubernetes memory quantity (`2Gi`, `1536Mi`) in MiB. */
function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  expect(m, quantity).not.toBeNull();
  return Number(m![1]) * (m![2] === 'Gi' ? 1024 : 1);
}

/** Every pair of `subset` is in `labels`. */
function expectSubset(subset: Record<string, string>, labels: Record<string, string> | undefined) {
  expect(Object.keys(subset).length).toBeGreaterThan(0);
  for (const [k, v] of Object.entries(subset)) expect(labels?.[k], k).toBe(v);
}

/**
 * After `shutdownGrace`, the daemon's stop still has aborted runs ending, the browser closing and
 * requests in progress (up to 5 s each), then the store's last commit: what the orchestrator's
 * grace period must leave on top of it.
 */
const AFTER_GRACE_MS = 20_000;

/** Memory the pod keeps for Node beside Chromium: the daemon's ceiling in the soak (docs/benchmarks.md). */
const NODE_MIB = 512;
/** And for what Chromium's memory check does not see: /dev/shm, growth between its checks. */
const HEADROOM_MIB = 512;

/** A command on PATH as the image installs it: a symlink to bin/ozgwatch.js named `ozgwatch`. */
async function withOzgwatchOnPath<T>(use: (env: NodeJS.ProcessEnv) => T | Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bin-'));
  try {
    await symlink(path.join(ROOT, 'bin', 'ozgwatch.js'), path.join(dir, 'ozgwatch'));
    return await use({ ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
async function dockerfile(): Promise<{ instruction: string; rest: string }[]> {
  const text = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const [, instruction = '', rest = ''] = /^\s*(\S+)\s*(.*)$/.exec(l) ?? [];
      return { instruction: instruction.toUpperCase(), rest: rest.trim() };
    });
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
    // promtool evaluates every rule at each minute of test time, and the day-over-day cases
    // span two days or more: about 30 s of CPU, longer on a shared machine.
    120_000,
  );

  it('the rules use only catalogued metrics, their own recording rules and up', async () => {
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
      const docs = render(BASE);
      expect(docs.map((d) => d.kind).sort()).toEqual([
        'ConfigMap',
        'ConfigMap',
        'Namespace',
        'PrometheusRule',
        'Service',
        'Service',
        'ServiceMonitor',
        'StatefulSet',
      ]);
      for (const d of docs.filter((x) => x.kind !== 'Namespace'))
        expect(d.metadata.namespace).toBe('ozgwatch');
      const volumes = statefulSet(docs).spec.template!.spec.volumes!;
      const probes = docs.find((d) => d.metadata.name.startsWith('ozgwatch-probes-'))!.metadata
        .name;
      // The generated ConfigMap's hashed name is what the StatefulSet mounts.
      expect(volumes.find((v) => v.name === 'probes')?.configMap?.name).toBe(probes);
    },
  );

  it.skipIf(!kubectl)(
    'the ServiceMonitor selects the Service, which selects the pods, in the base and the sharded overlay',
    () => {
      for (const dir of [BASE, SHARDED]) {
        const docs = render(dir);
        const monitor = only(docs, 'ServiceMonitor');
        // Exactly one Service: the headless one has the same pods behind it, and a ServiceMonitor
        // that selected both would scrape every pod twice (two `up` per pod, doubled sums).
        const scraped = services(docs).filter((s) =>
          selects(monitor.spec.selector!.matchLabels, s.metadata.labels),
        );
        expect(
          scraped.map((s) => s.metadata.name),
          dir,
        ).toEqual(['ozgwatch']);
        const service = scraped[0]!;
        const pods = statefulSet(docs).spec.template!.metadata!.labels;
        // The CRD requires a selector; an empty one would be refused, a wrong one scrapes nothing.
        expectSubset(monitor.spec.selector!.matchLabels, service.metadata.labels);
        expect(monitor.metadata.namespace).toBe(service.metadata.namespace);
        expectSubset(service.spec.selector, pods);
        const ports = service.spec.ports.map((p) => p.name);
        expect(monitor.spec.endpoints!.length).toBeGreaterThan(0);
        for (const e of monitor.spec.endpoints!) {
          expect(ports).toContain(e.port);
          expect(e.path).toBe('/metrics');
        }
        // The alert rules watch up{job="ozgwatch"}: the job label comes from the Service's label.
        expect(service.metadata.labels?.[monitor.spec.jobLabel!]).toBe('ozgwatch');
      }
    },
  );

  it.skipIf(!kubectl)(
    "the StatefulSet's serviceName is a headless Service over its pods; the Service people use keeps its cluster IP",
    () => {
      for (const dir of [BASE, SHARDED]) {
        const docs = render(dir);
        const set = statefulSet(docs);
        const pods = set.spec.template!.metadata!.labels;
        const all = services(docs);
        // Kubernetes gives each pod its DNS name (ozgwatch-0.<serviceName>.<namespace>.svc) only
        // through a headless governing Service, in the StatefulSet's namespace.
        const governing = all.find((s) => s.metadata.name === set.spec.serviceName);
        expect(governing, `${dir}: serviceName ${set.spec.serviceName}`).toBeDefined();
        expect(governing!.spec.clusterIP, dir).toBe('None');
        expect(governing!.metadata.namespace).toBe(set.metadata.namespace);
        expect(selects(governing!.spec.selector, pods), dir).toBe(true);
        // The Service that port-forwards, Ingresses and Grafana's `ozgwatch` variable name
        // stays a normal one: a cluster IP cannot be changed to None on an existing Service.
        const people = all.find((s) => s.metadata.name === 'ozgwatch');
        expect(people?.spec.clusterIP, dir).toBeUndefined();
        expect(people?.spec.type ?? 'ClusterIP', dir).toBe('ClusterIP');
        expect(selects(people!.spec.selector, pods), dir).toBe(true);
        expect(all.map((x) => x.metadata.name).sort()).toEqual(['ozgwatch', 'ozgwatch-pods']);
      }
    },
  );

  it.skipIf(!kubectl)(
    'each pod names its own address, one a browser can open, and the daemon accepts it',
    () => {
      const seen = new Map<string, string>();
      for (const dir of [BASE, SHARDED]) {
        const set = statefulSet(render(dir));
        const env = daemon(set).env;
        for (let i = 0; i < set.spec.replicas!; i++) {
          const pod = `ozgwatch-${i}`;
          const url = podEnv(env, pod).get('OZGWATCH_EXTERNAL_URL');
          const where = `${dir} ${pod}: ${url}`;
          // Expanded: a `$(POD_NAME)` defined below the URL stays literal in the pod.
          expect(url, where).toBeDefined();
          expect(url, where).not.toContain('$(');
          const parsed = configSchema.parse({ server: { externalUrl: url } }).server.externalUrl;
          expect(parsed, where).toBe(url);
          const host = new URL(url!).hostname;
          // The pod's own: each keeps the evidence of its runs on its own volume.
          expect(host.split('.')[0], where).toBe(pod);
          // Not the in-cluster name of the headless Service, which no browser resolves.
          expect(host, where).not.toMatch(/\.svc(\.|$)|\.cluster\.local$|^[^.]*$/);
          // Unique across the kit's deployments: every location's cluster has an ozgwatch-0.
          expect(seen.get(url!), where).toBeUndefined();
          seen.set(url!, dir);
        }
      }
      expect(seen.size).toBe(4);
    },
  );

  it.skipIf(!kubectl)(
    "docs/deployment.md's Ingress overlay routes each pod's address to that pod",
    async () => {
      const doc = await readFile(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
      // The blocks sit in a list item: indented alike, fences included.
      const files = [
        ...doc.matchAll(/^( *)```yaml\n\1# overlays\/ingress\/([\w.-]+)\n([\s\S]*?)^\1```/gm),
      ].map(([, indent, name, text]) => ({
        name: name!,
        text: text!.replace(new RegExp(`^${indent}`, 'gm'), ''),
      }));
      expect(files.map((f) => f.name).sort()).toEqual(['kustomization.yaml', 'pods.yaml']);
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-kustomize-'));
      try {
        await cp(path.join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
        await mkdir(path.join(dir, 'overlays', 'ingress'));
        for (const { name, text } of files)
          await writeFile(path.join(dir, 'overlays', 'ingress', name), text);
        const docs = render(path.join(dir, 'overlays', 'ingress'));
        const set = statefulSet(docs);
        const container = daemon(set);
        const port = container.ports!.find((p) => p.name === 'http')!;
        const ingress = only(docs, 'Ingress') as unknown as {
          spec: {
            tls?: { hosts: string[] }[];
            rules: {
              host: string;
              http: {
                paths: {
                  path: string;
                  backend: { service: { name: string; port: { name?: string; number?: number } } };
                }[];
              };
            }[];
          };
        };
        const all = services(docs);
        for (let i = 0; i < set.spec.replicas!; i++) {
          const pod = `ozgwatch-${i}`;
          const url = new URL(podEnv(container.env, pod).get('OZGWATCH_EXTERNAL_URL')!);
          const rule = ingress.spec.rules.find((r) => r.host === url.hostname);
          expect(rule, `${pod}: a rule for ${url.hostname}`).toBeDefined();
          const backend = rule!.http.paths.find((p) => p.path === '/')!.backend.service;
          const service = all.find((x) => x.metadata.name === backend.name)!;
          // That pod and no other: Kubernetes labels each pod of a StatefulSet with its name.
          expect(service.spec.selector, pod).toEqual({ 'statefulset.kubernetes.io/pod-name': pod });
          const servicePort = service.spec.ports.find(
            (p) => p.name === backend.port.name || p.port === backend.port.number,
          );
          expect(servicePort?.targetPort, pod).toBe(port.name);
          // https: the certificate covers the host.
          if (url.protocol === 'https:') {
            const hosts = (ingress.spec.tls ?? []).flatMap((t) => t.hosts);
            const wildcard = `*.${url.hostname.split('.').slice(1).join('.')}`;
            expect(hosts.includes(url.hostname) || hosts.includes(wildcard), pod).toBe(true);
          }
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!kubectl)(
    "the volume claim holds the load docs/deployment.md sizes it for, by the documented figures and the kit's retention",
    async () => {
      const doc = await readFile(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
      const figure = (what: string, unit: 'KB' | 'MB'): number => {
        const m = new RegExp(`\\| ${what} +\\| ([\\d.]+) ${unit} `).exec(doc);
        expect(m, `${what} in docs/deployment.md`).not.toBeNull();
        return Number(m![1]) * (unit === 'KB' ? 1e3 : 1e6);
      };
      const httpRun = figure('An HTTP run in the store', 'KB');
      const journeyRun = figure('A journey run in the store', 'KB');
      const evidence = figure('Evidence of a failed journey run', 'MB');
      const bytes = (quantity: string) => mebibytes(quantity) * 2 ** 20;
      const perDay = (minutes: number) => (24 * 60) / minutes;

      for (const dir of [BASE, SHARDED]) {
        const docs = render(dir);
        const set = statefulSet(docs);
        const claim = set.spec.volumeClaimTemplates!.find((c) => c.metadata.name === 'data')!;
        const size = bytes(claim.spec.resources.requests.storage);
        const file = daemon(set).env.find((e) => e.name === 'OZGWATCH_CONFIG')!.value!;
        const text = docs.find(
          (d) => d.kind === 'ConfigMap' && d.data?.[path.posix.basename(file)] !== undefined,
        )!.data![path.posix.basename(file)]!;
        const local = path.join(await mkdtemp(path.join(tmpdir(), 'ozgwatch-size-')), 'c.yaml');
        await writeFile(local, text);
        const config = await loadConfig({ file: local, env: {} });
        await rm(path.dirname(local), { recursive: true, force: true });
        const days = (ms: number) => ms / 86_400_000;
        // The reference load of docs/deployment.md: a county, 100 HTTP probes every 5 minutes and
        // 10 journeys every 15 minutes; all 10 journeys failing for 3 days (a shared platform
        // down), within artifacts.retention. A fifth on top for free pages and reports.
        expect(days(config.artifacts.retention)).toBeGreaterThanOrEqual(3);
        const runs =
          100 * perDay(5) * days(config.store.retention) * httpRun +
          10 * perDay(15) * days(config.store.retention) * journeyRun;
        const failed = 10 * perDay(15) * 3 * evidence;
        // With PostgreSQL (sharded) the runs are in the database; the claim holds the disk
        // buffer for outages of PostgreSQL and the evidence of the pod's share of journeys.
        const store = config.store.url === undefined && dir === BASE ? runs : 0;
        const buffer = dir === SHARDED ? config.store.bufferLimitMb * 2 ** 20 : 0;
        expect(size, dir).toBeGreaterThanOrEqual(1.2 * (store + buffer + failed));
      }
    },
  );

  it.skipIf(!kubectl)(
    'the tokens come from a Secret outside the kit; every variable is one the daemon reads',
    () => {
      for (const dir of [BASE, SHARDED]) {
        const docs = render(dir);
        expect(docs.some((d) => d.kind === 'Secret')).toBe(false);
        const env = daemon(statefulSet(docs)).env;
        const known = [...Object.keys(ENV_VARS), CONFIG_FILE_ENV];
        // A variable the daemon does not read is there only to be expanded into another one's
        // value, `$(POD_NAME)`; anything else is a typo the daemon would silently ignore.
        const referenced = new Set(env.flatMap((e) => references(e.value)));
        expect(
          env.map((e) => e.name).filter((n) => !known.includes(n) && !referenced.has(n)),
          dir,
        ).toEqual([]);
        const byName = new Map(env.map((e) => [e.name, e]));
        for (const [name, key] of [
          ['OZGWATCH_TOKEN', 'token'],
          ['OZGWATCH_METRICS_TOKEN', 'metrics-token'],
        ] as const) {
          expect(byName.get(name)?.value, name).toBeUndefined();
          // The pages' token is required: a pod without it does not start rather than serve
          // the pages to everyone; the metrics token goes with the ServiceMonitor's settings.
          expect(byName.get(name)?.valueFrom?.secretKeyRef, name).toEqual({
            name: 'ozgwatch-token',
            key,
            ...(key === 'metrics-token' ? { optional: true } : {}),
          });
        }
      }
    },
  );

  it.skipIf(!kubectl)(
    'the pods read the settings file: retention for quarterly reports, a browser that fits the memory limit, time to stop',
    async () => {
      const usage = await withOzgwatchOnPath(
        (env) => spawnSync('ozgwatch', ['help'], { encoding: 'utf8', env }).stdout,
      );
      const serveUsage = usage.slice(
        usage.indexOf('ozgwatch serve'),
        usage.indexOf('ozgwatch validate'),
      );
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-config-'));
      try {
        for (const kustomization of [BASE, SHARDED]) {
          const docs = render(kustomization);
          const set = statefulSet(docs);
          const container = daemon(set);
          const args = container.args!;
          expect(args[0]).toBe('serve');
          for (const flag of args.filter((a) => a.startsWith('--')))
            expect(serveUsage).toContain(flag);
          // Named by the variable, so that `kubectl exec … ozgwatch run` reads it too.
          const file = container.env.find((e) => e.name === 'OZGWATCH_CONFIG')?.value ?? '';
          expect(file, 'OZGWATCH_CONFIG').toMatch(/^\//);
          // The file is a key of the ConfigMap mounted at its folder.
          const mount = container.volumeMounts!.find(
            (m) => m.mountPath === path.posix.dirname(file),
          );
          const volume = set.spec.template!.spec.volumes!.find((v) => v.name === mount?.name);
          const configMap = docs.find(
            (d) => d.kind === 'ConfigMap' && d.metadata.name === volume?.configMap?.name,
          );
          const text = configMap?.data?.[path.posix.basename(file)];
          expect(text, `${file} in a mounted ConfigMap`).toBeDefined();
          const local = path.join(dir, 'ozgwatch.yaml');
          await writeFile(local, text!);
          // Strict: an unknown key or a wrong value would stop the daemon at start.
          const config = await loadConfig({ file: local, env: {} });

          // Quarterly reports need their quarter and the one before (docs/report.md).
          const report = await readFile(path.join(ROOT, 'docs', 'report.md'), 'utf8');
          const needed = parseDuration(/`store\.retention: (\d+d)`/.exec(report)![1]!)!;
          expect(config.store.retention).toBeGreaterThanOrEqual(needed);

          // Chromium is replaced before the pod reaches its limit: Node and /dev/shm need room.
          const limit = mebibytes(container.resources!.limits!.memory!);
          expect(config.browser.memoryLimitMb + NODE_MIB + HEADROOM_MIB).toBeLessThanOrEqual(limit);
          const shm = set.spec.template!.spec.volumes!.find((v) => v.name === 'shm')!.emptyDir!;
          expect(shm.medium).toBe('Memory');
          expect(mebibytes(shm.sizeLimit!)).toBeLessThan(limit);

          // The kubelet's SIGKILL comes after the daemon's orderly stop.
          const grace = set.spec.template!.spec.terminationGracePeriodSeconds ?? 30;
          expect(grace * 1000).toBeGreaterThanOrEqual(config.shutdownGrace + AFTER_GRACE_MS);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!kubectl)(
    "docs/deployment.md's overlay for the Prometheus Operator labels its objects and sends the metrics token",
    async () => {
      const doc = await readFile(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
      const overlay = /```yaml\n(# overlays\/cluster\/kustomization\.yaml\n[\s\S]*?)```/.exec(
        doc,
      )?.[1];
      expect(overlay).toBeDefined();
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-kustomize-'));
      try {
        await cp(path.join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
        await mkdir(path.join(dir, 'overlays', 'cluster'));
        await writeFile(path.join(dir, 'overlays', 'cluster', 'kustomization.yaml'), overlay!);
        const docs = render(path.join(dir, 'overlays', 'cluster'));
        for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
          expect(only(docs, kind).metadata.labels?.release, kind).toBe('kube-prometheus-stack');
        }
        // Prometheus sends the token the pods require, from the same Secret and key.
        const sent = only(docs, 'ServiceMonitor').spec.endpoints![0]!.authorization;
        const required = daemon(statefulSet(docs)).env.find(
          (e) => e.name === 'OZGWATCH_METRICS_TOKEN',
        )?.valueFrom?.secretKeyRef;
        expect(sent?.type).toBe('Bearer');
        expect(sent?.credentials).toEqual({ name: required?.name, key: required?.key });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!kubectl)(
    'the sharded overlay: N in one place, PostgreSQL from a Secret, a disruption budget',
    async () => {
      const docs = render(SHARDED);
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
      const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-kustomize-'));
      try {
        await cp(path.join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
        const patch = path.join(dir, 'overlays', 'sharded', 'statefulset-sharded.yaml');
        const text = await readFile(patch, 'utf8');
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

  it('an inhibition that matches alerts of one instance also matches their location', async () => {
    const config = parseAllDocuments(
      await readFile(path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'), 'utf8'),
    )[0]!.toJSON() as { inhibit_rules: { equal?: string[]; target_matchers: string[] }[] };
    // Instance names repeat across locations (the same pod ozgwatch-0 in every cluster): a
    // daemon down at one location must not silence the alerts of its namesake at another.
    const perInstance = config.inhibit_rules.filter((r) => r.equal?.includes('instance'));
    expect(perInstance.length).toBeGreaterThan(0);
    for (const rule of perInstance)
      expect(rule.equal, rule.target_matchers[0]).toContain('location');
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

  it('compose stops ozgwatch after its orderly stop, and its commented settings file is one the daemon reads', async () => {
    const file = path.join(ROOT, 'deploy', 'compose.yaml');
    const text = await readFile(file, 'utf8');
    const compose = parseAllDocuments(text)[0]!.toJSON() as {
      services: Record<string, { stop_grace_period?: string }>;
    };
    // Docker's default of 10 s equals the default shutdownGrace: SIGKILL while aborted runs are stored.
    const grace = parseDuration(compose.services.ozgwatch!.stop_grace_period ?? '10s')!;
    expect(grace).toBeGreaterThanOrEqual(configSchema.parse({}).shutdownGrace + AFTER_GRACE_MS);

    // Uncommented, the two lines pass and mount the same file, and the daemon accepts it.
    const command = /^ {6}# OZGWATCH_CONFIG: (\S+)$/m.exec(text)?.[1];
    const mount = /^ {6}# - (\S+):(\S+):ro$/m.exec(text);
    expect(command).toBeDefined();
    expect(mount?.[2]).toBe(command);
    const config = await loadConfig({ file: path.join(ROOT, 'deploy', mount![1]!), env: {} });
    expect(config.shutdownGrace + AFTER_GRACE_MS).toBeLessThanOrEqual(grace);
  });

  it('compose names the address its ozgwatch is published at, for the links of dashboards and alerts', async () => {
    const compose = parseAllDocuments(
      await readFile(path.join(ROOT, 'deploy', 'compose.yaml'), 'utf8'),
    )[0]!.toJSON() as {
      services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
    };
    const ozgwatch = compose.services.ozgwatch!;
    const url = ozgwatch.environment?.OZGWATCH_EXTERNAL_URL;
    expect(url).toBeDefined();
    expect(configSchema.parse({ server: { externalUrl: url } }).server.externalUrl).toBe(url);
    // The published host port of the daemon's port (the image's 9464), on the Docker host.
    const { hostname, port } = new URL(url!);
    const published = ozgwatch
      .ports!.map((p) => p.split(':'))
      .find(([, inner]) => inner === '9464');
    expect(port).toBe(published?.[0]);
    expect(hostname).toMatch(/^(localhost|127\.0\.0\.1)$|\./);
  });

  it('every launcher starts Node with the V8 flags the benchmarks measured, and this Node takes them', async () => {
    const entrypoint = JSON.parse(
      (await dockerfile()).find((l) => l.instruction === 'ENTRYPOINT')!.rest,
    ) as string[];
    const node = entrypoint.indexOf('node');
    expect(entrypoint.slice(node + 1, node + 1 + DAEMON_V8_FLAGS.length)).toEqual([
      ...DAEMON_V8_FLAGS,
    ]);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${DAEMON_V8_FLAGS.join(' ')} bin/ozgwatch.js serve`);
    const shebang = (await readFile(path.join(ROOT, 'bin', 'ozgwatch.js'), 'utf8')).split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${DAEMON_V8_FLAGS.join(' ')}`);
    // A flag a later Node no longer knows would stop the daemon from starting at all.
    const ran = spawnSync(process.execPath, [...DAEMON_V8_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect({ status: ran.status, stderr: ran.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it("the Dockerfile's health check asks the port in OZGWATCH_PORT", async () => {
    const lines = await dockerfile();
    const check = lines.find((l) => l.instruction === 'HEALTHCHECK')!.rest;
    // Shell form: Docker runs it with `sh -c` and the container's environment.
    const cmd = /\bCMD (.*)$/.exec(check)?.[1];
    expect(cmd).toBeDefined();
    expect(cmd).not.toMatch(/^\[/);
    const ports = lines.filter((l) => l.instruction === 'EXPOSE').map((l) => l.rest);
    expect(lines.find((l) => l.instruction === 'ENV')?.rest).toContain(`OZGWATCH_PORT=${ports[0]}`);

    const answer = { status: 200 };
    const server = createServer((req, res) =>
      res.writeHead(req.url === '/healthz' ? answer.status : 404).end(),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const healthcheck = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn('sh', ['-c', cmd!], {
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: 'ignore',
        });
        child.on('exit', (code) => resolve(code));
      });
    try {
      expect(await healthcheck({ OZGWATCH_PORT: String(port) })).toBe(0);
      answer.status = 503;
      expect(await healthcheck({ OZGWATCH_PORT: String(port) })).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
    // Nothing listens there any more: unhealthy, not a hanging check.
    expect(await healthcheck({ OZGWATCH_PORT: String(port) })).toBe(1);
  });

  it("the image puts ozgwatch on PATH, so the runbooks' commands work in the container", async () => {
    const lines = await dockerfile();
    const runtime = lines.slice(lines.findLastIndex((l) => l.instruction === 'FROM'));
    const workdir = runtime.findLast((l) => l.instruction === 'WORKDIR')!.rest;
    expect(runtime.map((l) => `${l.instruction} ${l.rest}`)).toContain('COPY bin ./bin');
    const link = runtime
      .filter((l) => l.instruction === 'RUN')
      .map((l) => /\bln -s (\S+) (\S+)/.exec(l.rest))
      .find((m) => m !== null);
    expect(link?.[1]).toBe(path.posix.join(workdir, 'bin', 'ozgwatch.js'));
    expect(link?.[2]).toBe('/usr/local/bin/ozgwatch');

    // The launcher runs through a symlink: a shebang, and executable in git and in the checkout.
    const launcher = path.join(ROOT, 'bin', 'ozgwatch.js');
    expect(await readFile(launcher, 'utf8')).toMatch(/^#!\/usr\/bin\/env (-S )?node\b/);
    expect((await stat(launcher)).mode & 0o111).toBe(0o111);
    const git = spawnSync('git', ['ls-files', '-s', 'bin/ozgwatch.js'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (git.status === 0 && git.stdout !== '') expect(git.stdout).toMatch(/^100755 /);

    // The runbooks name only commands the CLI has.
    const cli = await readFile(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const commands = new Set([...cli.matchAll(/^ozgwatch (\w+)/gm)].map((m) => m[1]));
    const runbooks = path.join(ROOT, 'docs', 'runbooks');
    const used: string[] = [];
    for (const file of await readdir(runbooks)) {
      const text = await readFile(path.join(runbooks, file), 'utf8');
      used.push(...[...text.matchAll(/`ozgwatch (\w+)/g)].map((m) => `${file}: ${m[1]}`));
    }
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((u) => !commands.has(u.split(': ')[1]))).toEqual([]);

    await withOzgwatchOnPath((env) => {
      const version = spawnSync('ozgwatch', ['version'], { encoding: 'utf8', env });
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout).toContain(VERSION);
      // As on call in a pod: validate with the pod's settings file.
      const validate = spawnSync(
        'ozgwatch',
        [
          'validate',
          '--probes',
          path.join(BASE, 'probes'),
          '--config',
          path.join(BASE, 'ozgwatch.yaml'),
        ],
        { encoding: 'utf8', env },
      );
      expect(validate.status, validate.stderr + validate.stdout).toBe(0);
    });
  });
});
