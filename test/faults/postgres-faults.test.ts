/**
 * `ozgwatch serve` (the real CLI) against a PostgreSQL that cannot take it for a while: a
 * host name that does not resolve, every connection slot taken — at start and while it runs.
 * The daemon starts all the same (Kubernetes would otherwise restart it in a loop and nothing
 * would be watched), runs its probes, buffers their results, and answers the pages and API
 * with 503 and the cause instead of 500; once PostgreSQL takes connections again the buffer
 * is written. It never holds more connections than `store.poolSize`. Against a real
 * PostgreSQL with 10 slots, 3 of them kept for superusers, and a login `app` that is no
 * superuser, as an application's is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  postgresAvailable,
  startSlotLimitedPostgres,
  type SlotHolder,
  type PostgresServer,
} from '../store/postgres-server.ts';
import {
  metricSum,
  probeIds,
  startTarget,
  until,
  writeProbes,
  type Target,
} from './store-world.ts';
import { killDaemons, serveDaemon, type ServedDaemon } from './served-daemon.ts';

const withPostgres = postgresAvailable || process.env.CI !== undefined;
/** The daemon's pool in these tests (`store.poolSize`). */
const POOL = 2;

describe.skipIf(!withPostgres)('serve while PostgreSQL cannot take it', () => {
  let server: PostgresServer;
  let target: Target;
  let dir = '';
  let counter = 0;
  let slots: SlotHolder | undefined;

  beforeAll(async () => {
    ({ server, slots } = await startSlotLimitedPostgres());
    target = await startTarget();
  }, 60_000);
  afterAll(async () => {
    await target?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-pgfault-'));
  });
  afterEach(async () => {
    killDaemons();
    await release();
    await rm(dir, { recursive: true, force: true });
  });

  async function appDatabase(): Promise<{ url: string; name: string }> {
    const name = `app_${++counter}`;
    await server.query('postgres', `CREATE DATABASE ${name} OWNER app`);
    return { url: `postgres://app@127.0.0.1:${server.port}/${name}`, name };
  }

  const exhaust = (): Promise<void> => slots!.exhaust();
  const release = async (): Promise<void> => slots?.release();

  async function appConnections(): Promise<number> {
    const [row] = await server.query<{ n: number }>(
      'postgres',
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'app'",
    );
    return row?.n ?? 0;
  }

  /** The real CLI with 4 HTTP probes every second; resolves once it serves. */
  async function serve(databaseUrl: string): Promise<ServedDaemon> {
    await writeProbes(path.join(dir, 'probes'), target.url, probeIds('pg', 4), '1s');
    return serveDaemon({
      dir,
      configYaml: `store: { poolSize: ${POOL} }\n`,
      env: { DATABASE_URL: databaseUrl },
      startTimeoutMs: 30_000,
    });
  }

  const metric = async (daemon: ServedDaemon, name: string): Promise<number> =>
    metricSum(await (await daemon.get('/metrics')).text(), name);

  /** The API's 503: the cause in `detail`, said once, and a Retry-After. */
  async function expectUnavailable(daemon: ServedDaemon, cause: RegExp): Promise<string> {
    const res = await daemon.get('/api/probes');
    const body = (await res.json()) as { error: string; detail?: string };
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(body.error).toBe('store unavailable');
    expect(body.detail).toMatch(cause);
    expect(body.detail?.match(new RegExp(cause.source, 'g'))).toHaveLength(1);
    return body.detail as string;
  }

  it('starts while the host name does not resolve (ENOTFOUND): runs go on, results are buffered, the API says why', async () => {
    // `.invalid` never resolves (RFC 6761): the local resolver answers at once.
    const daemon = await serve('postgres://app:s3cret@postgres.invalid:5432/ozgwatch');
    const started = daemon.log.find((l) => l.msg.startsWith('PostgreSQL unreachable'));
    expect(started?.err?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    await until(
      async () => (await metric(daemon, 'ozgwatch_store_buffered_results')) > 0,
      15_000,
      'results buffered',
    );
    expect((await daemon.get('/readyz')).status).toBe(200);
    const detail = await expectUnavailable(daemon, /getaddrinfo \w+ postgres\.invalid/);
    expect(detail).not.toContain('s3cret');
    expect(daemon.log.filter((l) => l.msg === 'cannot start')).toEqual([]);
  }, 60_000);

  it('starts with every connection slot taken (53300), answers 503 with the cause, and writes the buffer once slots are free', async () => {
    const db = await appDatabase();
    await exhaust();
    const daemon = await serve(db.url);
    await until(
      async () => (await metric(daemon, 'ozgwatch_store_buffered_results')) > 0,
      15_000,
      'results buffered',
    );
    await expectUnavailable(
      daemon,
      /remaining connection slots are reserved for non-replication superuser connections/,
    );
    // The log says it once per line, not "…: remaining connection slots …" after itself. The
    // line comes through the child's stdout, which may lag behind the HTTP answer.
    const isWarning = (l: { msg: string }): boolean =>
      l.msg === 'store unreachable: pages and API answer 503';
    await until(async () => daemon.log.some(isWarning), 10_000, 'the warning logged');
    const warned = daemon.log.find(isWarning);
    expect(warned?.err?.code).toBe('53300');
    expect(warned?.err?.message.match(/remaining connection slots/g)).toHaveLength(1);

    await release();
    await until(
      async () => (await daemon.get('/api/probes')).status === 200,
      15_000,
      'API served again',
    );
    await until(
      async () => {
        const [row] = await server.query<{ n: number }>(
          db.name,
          'SELECT count(*)::int AS n FROM runs',
        );
        return (row?.n ?? 0) >= 8;
      },
      15_000,
      'buffered runs written',
    );
    expect(daemon.log.filter((l) => l.msg === 'request failed')).toEqual([]);
  }, 60_000);

  it('while running: keeps to store.poolSize, and answers 503 with the cause when slots run out', async () => {
    const db = await appDatabase();
    const daemon = await serve(db.url);
    await until(async () => (await daemon.get('/api/probes')).status === 200, 15_000, 'API served');
    // Pages and API read in parallel with the writer: the pool holds them to POOL connections.
    let most = 0;
    for (let round = 0; round < 5; round++) {
      const reads = Array.from({ length: 20 }, () =>
        daemon.get('/api/probes').then((r) => r.text()),
      );
      most = Math.max(most, await appConnections());
      await Promise.all(reads);
      most = Math.max(most, await appConnections());
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(POOL);

    await exhaust();
    await expectUnavailable(
      daemon,
      /remaining connection slots are reserved for non-replication superuser connections/,
    );
    await release();
    await until(
      async () => (await daemon.get('/api/probes')).status === 200,
      15_000,
      'API served again',
    );
    expect(daemon.log.filter((l) => l.msg === 'request failed')).toEqual([]);
  }, 60_000);

  it('while running: a refused login makes /readyz 503, /metrics still answers, ready again once the login is back', async () => {
    const db = await appDatabase();
    const daemon = await serve(db.url);
    await until(async () => (await daemon.get('/readyz')).status === 200, 15_000, 'ready');
    // A DBA locks the login (a changed password or pg_hba line does the same): connections cut,
    // new ones refused with 28000.
    await server.query('postgres', 'ALTER ROLE app NOLOGIN');
    try {
      await server.query(
        'postgres',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'",
      );
      await until(async () => (await daemon.get('/readyz')).status === 503, 15_000, 'not ready');
      // Not ready, /metrics is served all the same: what says why can be scraped.
      await until(
        async () => (await metric(daemon, 'ozgwatch_store_buffered_results')) > 0,
        15_000,
        'results buffered',
      );
      await expectUnavailable(daemon, /refuses ozgwatch: role "app" is not permitted to log in/);
      // Not restarted: alive, running its probes.
      expect((await daemon.get('/healthz')).status).toBe(200);
    } finally {
      await server.query('postgres', 'ALTER ROLE app LOGIN');
    }
    // Found by the outage probe within the write retry's longest pause (30 s).
    await until(async () => (await daemon.get('/readyz')).status === 200, 45_000, 'ready again');
    await until(
      async () => (await metric(daemon, 'ozgwatch_store_buffered_results')) === 0,
      15_000,
      'buffer written',
    );
  }, 90_000);
});
