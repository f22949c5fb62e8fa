/**
 * What waiting fixes is an outage, also at start: a host name that does not resolve (a
 * Kubernetes service while its pod is away), no connection slot free (53300), a server in
 * recovery (57P03) and a read-only standby during a failover (25006). The store opens all
 * the same, buffers results, answers reads with StoreUnavailableError (the server's 503) and
 * writes the buffer once PostgreSQL takes it. What waiting does not fix — an unknown role,
 * a missing database — still stops the start. Against a real PostgreSQL: one with 10
 * connection slots (3 kept for superusers) and a login `app` that is no superuser, as an
 * application's is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import {
  postgresAvailable,
  startSlotLimitedPostgres,
  type SlotHolder,
  type PostgresServer,
} from './postgres-server.ts';
import { result, T0 } from './sample-results.ts';

const withPostgres = postgresAvailable || process.env.CI !== undefined;
const silent = pino({ level: 'silent' });

async function until(condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!withPostgres)(
  'postgres store: transient errors are outages, also at start',
  () => {
    let server: PostgresServer;
    let dir = '';
    let counter = 0;
    const opened: PostgresStore[] = [];
    let slots: SlotHolder | undefined;

    beforeAll(async () => {
      ({ server, slots } = await startSlotLimitedPostgres());
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-transient-'));
    });
    afterEach(async () => {
      await release();
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    });

    /** A fresh database owned by `app`; its URL as `app`. */
    async function appDatabase(): Promise<string> {
      const name = `app_${++counter}`;
      await server.query('postgres', `CREATE DATABASE ${name} OWNER app`);
      return `postgres://app@127.0.0.1:${server.port}/${name}`;
    }

    async function open(url: string, logger = silent): Promise<PostgresStore> {
      const store = await openPostgresStore({
        url,
        bufferPath: path.join(dir, `buffer-${opened.length}.db`),
        logger,
        flushIntervalMs: 10,
        maxRetryDelayMs: 100,
        connectTimeoutMs: 2_000,
        outageProbeMs: 100,
      });
      opened.push(store);
      return store;
    }

    const exhaust = (): Promise<void> => slots!.exhaust();
    const release = async (): Promise<void> => slots?.release();

    async function readError(store: PostgresStore): Promise<StoreUnavailableError> {
      const error = await store.runs({ probeId: 'a' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      return error as StoreUnavailableError;
    }

    it('opens while the host name does not resolve (ENOTFOUND), buffers, and says why', async () => {
      // `.invalid` never resolves (RFC 6761): the local resolver answers at once.
      const store = await open('postgres://app:s3cret@postgres.invalid:5432/ozgwatch');
      store.save(result('a', T0));
      await store.flush();
      expect(store.buffered().results).toBe(1);
      expect(store.healthy()).toBe(true);
      const error = await readError(store);
      // EAI_AGAIN where a resolver cannot be asked at all: transient as well.
      expect(error.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
      expect(error.message).toMatch(
        /^PostgreSQL at postgres:\/\/postgres\.invalid:5432\/ozgwatch is unreachable: getaddrinfo \w+ postgres\.invalid$/,
      );
      expect(error.message).not.toContain('s3cret');
    });

    it('opens while every connection slot is taken (53300), and writes the buffer once one is free', async () => {
      const url = await appDatabase();
      await exhaust();
      const lines: string[] = [];
      const store = await open(
        url,
        pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }),
      );
      for (let i = 0; i < 5; i++) store.save(result('a', T0 + i));
      await store.flush();
      expect(store.buffered().results).toBe(5);
      const error = await readError(store);
      expect(error.code).toBe('53300');
      expect(error.message).toMatch(
        /is unreachable: remaining connection slots are reserved for non-replication superuser connections$/,
      );
      // The start says why, once: the cause is not repeated after the message.
      const start = lines
        .map((l) => JSON.parse(l) as { msg: string; err?: { message: string; code?: string } })
        .find((l) => l.msg.startsWith('PostgreSQL unreachable'));
      expect(start?.err?.code).toBe('53300');
      expect(start?.err?.message.match(/remaining connection slots/g)).toHaveLength(1);

      await release();
      await until(() => store.buffered().results === 0);
      expect(await store.runs({ probeId: 'a', limit: 10 })).toHaveLength(5);
    }, 30_000);

    it('while running: slots taken (53300) make reads unavailable and writes buffered, not errors', async () => {
      const url = await appDatabase();
      const store = await open(url);
      store.save(result('a', T0));
      await store.flush();
      expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
      // Its pooled connections are cut, and every slot taken meanwhile.
      await exhaust();
      store.save(result('a', T0 + 1));
      await store.flush();
      expect(store.buffered().results).toBe(1);
      expect((await readError(store)).code).toBe('53300');
      await release();
      await until(() => store.buffered().results === 0);
      await until(async () => (await store.runs({ probeId: 'a' }).catch(() => [])).length === 2);
    }, 30_000);

    it('opens on a read-only standby (25006) and in recovery (57P03), and writes after the promotion', async () => {
      const url = await appDatabase();
      // The failover: the server the name points to is a standby for now.
      await server.standby(true);
      let store: PostgresStore;
      try {
        store = await open(url);
        store.save(result('a', T0));
        await store.flush();
        expect(store.buffered().results).toBe(1);
        const readOnly = await readError(store);
        expect(readOnly.code).toBe('25006');
        expect(readOnly.message).toMatch(/read-only transaction$/);

        await server.standby(false);
        store.save(result('a', T0 + 1));
        await store.flush();
        expect(store.buffered().results).toBe(2);
        expect((await readError(store)).code).toBe('57P03');
        expect(store.healthy()).toBe(true);
      } finally {
        await server.promote();
      }
      await until(() => store.buffered().results === 0);
      await until(async () => (await store.runs({ probeId: 'a' }).catch(() => [])).length === 2);
    }, 60_000);

    it('started during a failover, writes the results of its runs once the standby is promoted', async () => {
      // What a daemon does: results come in one by one, nobody calls flush. The write retry
      // armed at the start found nothing to write then; it must go on all the same.
      const url = await appDatabase();
      await server.standby(true);
      let store: PostgresStore;
      try {
        store = await open(url);
        // A daemon's first result comes seconds after the start, after the first retry.
        await new Promise((r) => setTimeout(r, 300));
        for (let i = 0; i < 3; i++) {
          store.save(result('a', T0 + i));
          await new Promise((r) => setTimeout(r, 50));
        }
        await until(() => store.buffered().results === 3);
      } finally {
        await server.promote();
      }
      await until(() => store.buffered().results === 0);
      expect(await store.runs({ probeId: 'a', limit: 10 })).toHaveLength(3);
    }, 60_000);

    it('started while PostgreSQL was down, says so when it then refuses the login, and reads name that', async () => {
      const url = (await appDatabase()).replace('app@', 'nobody@');
      const lines: string[] = [];
      await server.pause();
      let store: PostgresStore;
      try {
        store = await open(
          url,
          pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }),
        );
        await new Promise((r) => setTimeout(r, 300));
        store.save(result('a', T0));
        await until(() => store.buffered().results === 1);
        expect((await readError(store)).code).toBe('ECONNREFUSED');
      } finally {
        await server.resume();
      }
      // The log says what is wrong now, not the refused connection of the start.
      const logged = () =>
        lines
          .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { code?: string } })
          .filter((l) => l.level >= 50 && l.err?.code === '28000');
      await until(() => logged().length > 0);
      expect(logged()[0]?.msg).toMatch(/PostgreSQL refuses ozgwatch.*store\.url/);
      await until(async () => (await readError(store)).code === '28000');
      expect((await readError(store)).message).toMatch(
        /refuses ozgwatch: role "nobody" does not exist$/,
      );
      expect(store.buffered().results).toBe(1);
      // Kept on disk, but not written until someone acts: not ready (/readyz 503).
      expect(store.healthy()).toBe(false);
    }, 60_000);

    it('is not ready while PostgreSQL refuses its login, and ready again once it takes the writes', async () => {
      const url = await appDatabase();
      const store = await open(url);
      store.save(result('a', T0));
      await store.flush();
      expect(store.healthy()).toBe(true);
      // A DBA locks the login (as a changed password or a pg_hba line would): its
      // connections are cut, every new one refused (28000).
      await server.query('postgres', 'ALTER ROLE app NOLOGIN');
      await server.query(
        'postgres',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'",
      );
      try {
        store.save(result('a', T0 + 1));
        await until(() => !store.healthy());
        expect(store.buffered().results).toBe(1);
        expect(store.outage()?.code).toBe('28000');
        expect(store.dropped()).toBe(0);
      } finally {
        await server.query('postgres', 'ALTER ROLE app LOGIN');
      }
      await until(() => store.healthy() && store.buffered().results === 0);
      expect(await store.runs({ probeId: 'a' })).toHaveLength(2);
    }, 60_000);

    it('stays ready while PostgreSQL is unreachable: the buffer takes the results', async () => {
      const url = await appDatabase();
      const store = await open(url);
      await server.pause();
      try {
        store.save(result('a', T0));
        await until(() => store.buffered().results === 1);
        expect((await readError(store)).code).toBe('ECONNREFUSED');
        expect(store.healthy()).toBe(true);
      } finally {
        await server.resume();
      }
      await until(() => store.buffered().results === 0);
    }, 60_000);

    it('tries a refused login no more often than the write retry, not at every outage probe', async () => {
      // Each try is a failed login in PostgreSQL's log; with LDAP or PAM behind it, a count
      // that may lock the account. Logins are counted at a relay in front of the server.
      let logins = 0;
      const relay = createServer((client) => {
        logins++;
        const upstream = connect(server.port, '127.0.0.1');
        client.pipe(upstream).pipe(client);
        const close = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close);
        upstream.on('error', close);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      try {
        const port = (relay.address() as AddressInfo).port;
        const url = (await appDatabase())
          .replace('app@', 'nobody@')
          .replace(`:${server.port}/`, `:${port}/`);
        await server.pause();
        let store: PostgresStore;
        try {
          store = await openPostgresStore({
            url,
            bufferPath: path.join(dir, 'buffer-relay.db'),
            logger: silent,
            flushIntervalMs: 10,
            maxRetryDelayMs: 1_000,
            connectTimeoutMs: 2_000,
            outageProbeMs: 50,
          });
          opened.push(store);
        } finally {
          await server.resume();
        }
        await until(async () => (await readError(store)).code === '28000');
        const before = logins;
        await new Promise((r) => setTimeout(r, 3_000));
        // At most one a second from the probe and one from the write retry, with room; the
        // probe alone would have tried 60 times.
        expect(logins - before).toBeLessThanOrEqual(10);
        expect((await readError(store)).code).toBe('28000');
      } finally {
        await new Promise((r) => relay.close(r));
      }
    }, 60_000);

    it('refuses a login that may not create tables, and says what to grant', async () => {
      // What a DBA does by habit: a database of the administrator's, ALL on it to the login.
      // Since PostgreSQL 15 that no longer lets the login create tables in schema public.
      const name = `app_${++counter}`;
      await server.query('postgres', `CREATE DATABASE ${name}`);
      await server.query('postgres', `GRANT ALL PRIVILEGES ON DATABASE ${name} TO app`);
      const url = `postgres://app@127.0.0.1:${server.port}/${name}`;
      const error = (await open(url).catch((e: unknown) => e)) as Error & { code?: string };
      expect(error.code).toBe('42501');
      expect(error.message).toMatch(
        /: permission denied for schema public; ozgwatch creates its tables itself: make "app" the owner of the schema \(ALTER SCHEMA public OWNER TO app\) or GRANT CREATE ON SCHEMA public TO app$/,
      );
      // What the message says, done, is enough.
      await server.query(name, 'ALTER SCHEMA public OWNER TO app');
      const store = await open(url);
      store.save(result('a', T0));
      await store.flush();
      expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
    });

    it('still refuses at start what waiting cannot fix, saying it once', async () => {
      const url = await appDatabase();
      const noRole = url.replace('app@', 'nobody@');
      const error = (await open(noRole).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error & { code?: string };
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe('28000');
      expect(error.message).toMatch(
        /^cannot open store at postgres:\/\/127\.0\.0\.1:\d+\/app_\d+: role "nobody" does not exist$/,
      );
      // Not as `cause`: the logger would write the message a second time after it.
      expect(error.cause).toBeUndefined();

      const missing = await open(url.replace(/app_\d+$/, 'no_such_db')).catch((e: unknown) => e);
      expect((missing as { code?: string }).code).toBe('3D000');
    });
  },
);
