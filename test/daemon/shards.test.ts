/**
 * Several ozgwatch processes sharing 300 probes through one PostgreSQL: each probe is run
 * by exactly one instance, their /metrics add up to every probe once, a restart with one
 * more instance moves only the new instance's share, and 30 s without PostgreSQL lose
 * no result.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/scheduler/shard.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from '../store/postgres-server.ts';

const enabled = postgresAvailable || process.env.CI !== undefined;
if (!enabled) console.warn('PostgreSQL not installed: skipping the sharding test');

const PROBES = 300;
const ids = Array.from({ length: PROBES }, (_, i) => `gemeinde-${String(i).padStart(3, '0')}`);
const MAIN = path.join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  log: string[];
}

let dir: string;
let portal: Portal;
let pg: PostgresServer;
let databaseUrl: string;
let database: string;
const running: Instance[] = [];

async function startInstance(index: number, count: number): Promise<Instance> {
  const name = `ozgwatch-${index}`;
  const child = spawn(process.execPath, [MAIN, 'serve', '--shard', `${index}/${count}`], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      OZGWATCH_PROBES: path.join(dir, 'probes'),
      OZGWATCH_DATA_DIR: path.join(dir, name),
      OZGWATCH_INSTANCE: name,
      OZGWATCH_PORT: '0',
      OZGWATCH_LOCATION: 'rz-test',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.push(line);
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'ozgwatch serving' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  const instance = { name, child, url, log };
  running.push(instance);
  return instance;
}

/** SIGTERM, then wait for a clean exit: runs in flight finish and every result is written. */
async function stopAll(): Promise<void> {
  const exits = running.splice(0).map(
    (i) =>
      new Promise<number | null>((resolve) => {
        if (i.child.exitCode !== null) return resolve(i.child.exitCode);
        i.child.once('exit', (code) => resolve(code));
        i.child.kill('SIGTERM');
      }),
  );
  expect(await Promise.all(exits)).toEqual(exits.map(() => 0));
}

async function sql<T extends Record<string, unknown>>(query: string, params: unknown[] = []) {
  return pg.query<T>(database, query, params);
}

async function until(what: () => Promise<boolean>, ms: number, label: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${label}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Which instance ran each probe, from the runs stored since `since` (epoch ms). */
async function runBy(since: number): Promise<Map<string, string[]>> {
  const rows = await sql<{ probe_id: string; instances: string[] }>(
    `SELECT probe_id, array_agg(DISTINCT result::json->'origin'->>'instance') AS instances
     FROM runs WHERE started_at >= $1 GROUP BY probe_id`,
    [since],
  );
  return new Map(rows.map((r) => [r.probe_id, r.instances]));
}

/** The probes whose `probe_success` series an instance exports. */
async function exported(instance: Instance): Promise<string[]> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  return [...text.matchAll(/^probe_success\{[^}]*probe="([^"]+)"[^}]*\} /gm)].map((m) => m[1]!);
}

async function metric(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1));
}

beforeAll(async () => {
  if (!enabled) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-shards-'));
  [portal, pg] = await Promise.all([startPortal(), startPostgres()]);
  databaseUrl = await pg.createDatabase();
  database = new URL(databaseUrl).pathname.slice(1);
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'gemeinden.yaml'),
    ids
      .map(
        (id, i) => `- id: ${id}
  name: Hundesteuer ${id}
  kind: http
  every: 5s
  timeout: 2s
  labels: { service: hundesteuer, county: kreis-${i % 10} }
  http: { url: "${portal.http}/hundesteuer?probe=${id}" }
`,
      )
      .join(''),
  );
}, 120_000);

afterAll(async () => {
  for (const i of running.splice(0)) i.child.kill('SIGKILL');
  await portal?.close();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!enabled)('three instances sharing 300 probes through PostgreSQL', () => {
  it('run every probe once, export it once, survive 30 s without PostgreSQL, and move only the new share', async () => {
    const started = Date.now();
    const three = await Promise.all([0, 1, 2].map((i) => startInstance(i, 3)));
    await until(
      async () => (await runBy(started)).size === PROBES,
      30_000,
      'every probe has a stored run',
    );

    // Every probe by exactly one instance: the one rendezvous hashing names.
    const first = await runBy(started);
    for (const id of ids) expect(first.get(id), id).toEqual([`ozgwatch-${ownerOf(id, 3)}`]);

    // The union of the three /metrics covers every probe once.
    const series = await Promise.all(three.map(exported));
    const union = series.flat();
    expect(union.toSorted()).toEqual(ids);
    expect(new Set(union).size).toBe(union.length);
    expect(await metric(three[0]!, 'ozgwatch_probes_assigned')).toBe(series[0]!.length);
    // What OzgwatchShardMissing compares: the shares add up to what every instance loaded.
    let assigned = 0;
    for (const instance of three) {
      expect(await metric(instance, 'ozgwatch_probes_loaded')).toBe(ids.length);
      assigned += await metric(instance, 'ozgwatch_probes_assigned');
    }
    expect(assigned).toBe(ids.length);

    // Any instance's overview and API show all probes, from the shared store.
    const api = (await (await fetch(`${three[1]!.url}/api/probes`)).json()) as {
      id: string;
      last?: unknown;
    }[];
    expect(api).toHaveLength(PROBES);
    const overview = await (await fetch(`${three[2]!.url}/`)).text();
    for (const id of [ids[0]!, ids[150]!, ids[299]!]) expect(overview).toContain(id);

    // PostgreSQL away for 30 s: runs go on, metrics are served, results wait on disk.
    await pg.pause();
    const outage = Date.now();
    try {
      await new Promise((r) => setTimeout(r, 15_000));
      const buffered = await Promise.all(
        three.map((i) => metric(i, 'ozgwatch_store_buffered_results')),
      );
      expect(buffered.every((n) => n > 0)).toBe(true);
      // The bound of the buffer (store.bufferLimitMb, 1024 by default), for the alert's text.
      expect(await metric(three[0]!, 'ozgwatch_store_buffer_limit_bytes')).toBe(1024 * 2 ** 20);
      expect((await exported(three[0]!)).length).toBe(series[0]!.length);
      await new Promise((r) => setTimeout(r, 30_000 - (Date.now() - outage)));
    } finally {
      await pg.resume();
    }
    await until(
      async () =>
        (await Promise.all(three.map((i) => metric(i, 'ozgwatch_store_buffered_results')))).every(
          (n) => n === 0,
        ),
      30_000,
      'buffers written',
    );
    await stopAll();

    // No result lost: every request the portal answered has its stored run. A run may be
    // stored without a request (it timed out connecting on a busy machine), but never passed
    // without one.
    const requests = portal.requestsByUrl();
    const rows = await sql<{ probe_id: string; n: number; passed: number }>(
      `SELECT probe_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'pass')::int AS passed
       FROM runs GROUP BY probe_id`,
    );
    const stored = new Map(rows.map((r) => [r.probe_id, r]));
    const served = (id: string) => requests.get(`/hundesteuer?probe=${id}`) ?? 0;
    const lost = ids
      .filter((id) => (stored.get(id)?.n ?? 0) < served(id))
      .map((id) => `${id}: ${served(id)} requests, ${stored.get(id)?.n ?? 0} stored`);
    expect(lost).toEqual([]);
    const phantom = ids.filter((id) => (stored.get(id)?.passed ?? 0) > served(id));
    expect(phantom).toEqual([]);
    expect([...requests.keys()].filter((k) => k.startsWith('/hundesteuer')).length).toBe(PROBES);
    const during = await sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM runs WHERE started_at >= $1 AND started_at < $2',
      [outage, outage + 30_000],
    );
    // 300 probes every 5 s for 30 s.
    expect(during[0]!.n).toBeGreaterThan(1_500);

    // One more instance: only the probes it wins move, about a quarter.
    const restarted = Date.now();
    await Promise.all([0, 1, 2, 3].map((i) => startInstance(i, 4)));
    await until(
      async () => (await runBy(restarted)).size === PROBES,
      30_000,
      'every probe ran after the restart',
    );
    const second = await runBy(restarted);
    const moved = ids.filter((id) => second.get(id)![0] !== first.get(id)![0]);
    expect(moved.toSorted()).toEqual(ids.filter((id) => ownerOf(id, 4) === 3));
    expect(moved.length).toBeGreaterThan(PROBES / 4 - 25);
    expect(moved.length).toBeLessThan(PROBES / 4 + 25);
    for (const id of ids) expect(second.get(id)).toHaveLength(1);
    await stopAll();
  }, 240_000);
});
