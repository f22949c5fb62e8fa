/**
 * The PostgreSQL store through PgBouncer in transaction mode, which lets many instances
 * share few server connections: consecutive statements of one client may run on different
 * server connections, so nothing may rely on session state. Migration, writes, reads and
 * retention work, and retention leaves no advisory lock behind on a server connection (a
 * session-level lock did: taken on one, "released" on another, it stopped retention for
 * every instance until PgBouncer closed that connection). Skipped where PgBouncer is not
 * installed (Debian's `pgbouncer`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { startOnFreePort } from '../fixtures/free-port.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.ts';
import { result, T0 } from './sample-results.ts';

const run = promisify(execFile);
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));
const silent = pino({ level: 'silent' });

describe.skipIf(!postgresAvailable || !PGBOUNCER)(
  'postgres store through PgBouncer (transaction mode)',
  () => {
    let server: PostgresServer;
    let bouncer: ChildProcess;
    let bouncerPort = 0;
    let dir = '';

    beforeAll(async () => {
      server = await startPostgres();
      dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-pgbouncer-'));
      const asRoot = process.getuid?.() === 0;
      const owner = asRoot
        ? {
            uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
            gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
          }
        : undefined;
      if (owner) await chown(dir, owner.uid, owner.gid);
      const started = await startOnFreePort(
        'pgbouncer',
        async (port) => {
          const ini = path.join(dir, 'pgbouncer.ini');
          await writeFile(
            ini,
            [
              '[databases]',
              `* = host=127.0.0.1 port=${server.port} user=ozgwatch`,
              '[pgbouncer]',
              'listen_addr = 127.0.0.1',
              `listen_port = ${port}`,
              'unix_socket_dir =',
              'auth_type = any',
              'pool_mode = transaction',
              // Several server connections, handed out in turn: consecutive statements of one
              // client land on different ones, as they do under load.
              'default_pool_size = 4',
              'server_round_robin = 1',
              `logfile = ${path.join(dir, 'pgbouncer.log')}`,
              '',
            ].join('\n'),
          );
          // PgBouncer refuses to run as root.
          if (owner) await chown(ini, owner.uid, owner.gid);
          return owner
            ? spawn('/usr/sbin/runuser', ['-u', 'postgres', '--', PGBOUNCER as string, ini], {
                stdio: 'ignore',
              })
            : spawn(PGBOUNCER as string, [ini], { stdio: 'ignore' });
        },
        // Ready once it accepts a query.
        async (port) => {
          const client = new pg.Client({
            connectionString: `postgres://ozgwatch@127.0.0.1:${port}/postgres`,
          });
          try {
            await client.connect();
            await client.query('SELECT 1');
            return true;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        15_000,
      );
      bouncer = started.process;
      bouncerPort = started.port;
    }, 60_000);
    afterAll(async () => {
      bouncer?.kill('SIGTERM');
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('migrates, writes, reads and prunes, and leaves no advisory lock behind', async () => {
      const direct = await server.createDatabase();
      const name = new URL(direct).pathname.slice(1);
      const url = `postgres://ozgwatch@127.0.0.1:${bouncerPort}/${name}`;
      // Four server connections open, to be handed out in turn.
      const warm = new pg.Pool({ connectionString: url, max: 4 });
      await Promise.all([0, 1, 2, 3].map(() => warm.query('SELECT pg_sleep(0.2)')));
      await warm.end();
      const stores = await Promise.all(
        [0, 1].map((i) =>
          openPostgresStore({
            url,
            bufferPath: path.join(dir, `buffer-${i}.db`),
            logger: silent,
            flushIntervalMs: 10,
          }),
        ),
      );
      const [a, b] = stores as [(typeof stores)[0], (typeof stores)[0]];
      try {
        for (let i = 0; i < 300; i++) a.save(result(`p${i % 30}`, T0 + i * 1_000));
        await a.flush();
        expect(a.buffered().results).toBe(0);
        expect(await b.runs({ probeId: 'p0', limit: 100 })).toHaveLength(10);

        // The other instance writes meanwhile: the statements of both interleave on the
        // server connections.
        const writing = (async () => {
          for (let i = 0; i < 50; i++) {
            b.save(result(`q${i % 5}`, T0 + 1_000_000 + i));
            await b.flush();
          }
        })();
        const deleted = await a.prune(T0 + 150_000);
        await writing;
        expect(deleted).toBe(150);

        const locks = await server.query<{ n: number }>(
          name,
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
        );
        expect(locks[0]?.n).toBe(0);
        // The next round, from the other instance, is not shut out by a lock left behind.
        expect(await b.prune(T0 + 200_000)).toBe(50);
        expect(await a.runs({ probeId: 'p0', limit: 100 })).toHaveLength(3);
      } finally {
        for (const store of stores) await store.close();
      }
    }, 60_000);
  },
);
