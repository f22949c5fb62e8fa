/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, a temporary
 * data directory, listening on 127.0.0.1 only, stopped and deleted by `stop()`.
 * As root (CI), the server runs as the `postgres` user, because initdb refuses root.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../fixtures/free-port.ts';

const run = promisify(execFile);

/** Directory of initdb/pg_ctl: `PG_BINDIR`, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/** Whether the tests can start a server here; CI installs `postgresql`, so there it must. */
export const postgresAvailable = postgresBinDir() !== undefined;

export interface PostgresServer {
  readonly port: number;
  /** Connection URL of a database. */
  url(database: string): string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Runs one SQL statement in a database. */
  query<T extends pg.QueryResultRow>(
    database: string,
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port. */
  resume(): Promise<void>;
  /**
   * Freezes every process of the server (SIGSTOP): connections are still accepted by the
   * kernel and never answered, as when its host is cut off by the network.
   */
  freeze(): void;
  /** Lets the frozen server go on (SIGCONT). */
  thaw(): void;
  /**
   * Restarts it as a standby that follows no primary, as the old primary or a replica is
   * during a failover. With `hotStandby` it serves reads and refuses every write (SQLSTATE
   * 25006, read-only transaction); without, it refuses every connection (57P03, "the
   * database system is not accepting connections").
   */
  standby(hotStandby: boolean): Promise<void>;
  /** Promotes the standby to primary: it takes writes again, as at the end of a failover. */
  promote(): Promise<void>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

/**
 * Holds every connection slot the login `app` may use (`slots`: max_connections − reserved),
 * with superuser connections, as other applications' would; `app`'s own are cut first, so
 * that the count is exact.
 */
export class SlotHolder {
  readonly #server: PostgresServer;
  readonly #slots: number;
  readonly #held: pg.Client[] = [];

  constructor(server: PostgresServer, slots: number) {
    this.#server = server;
    this.#slots = slots;
  }

  async exhaust(): Promise<void> {
    const cutApp = (): Promise<unknown> =>
      this.#server.query(
        'postgres',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'",
      );
    await cutApp();
    while (this.#held.length < this.#slots) {
      const client = new pg.Client({ connectionString: this.#server.url('postgres') });
      await client.connect();
      this.#held.push(client);
    }
    // `app` may have connected again while the slots were being taken; with all of them held
    // now, a connection cut here cannot come back.
    await cutApp();
  }

  async release(): Promise<void> {
    for (const client of this.#held.splice(0)) await client.end().catch(() => undefined);
  }
}

/**
 * A server on which the login `app` (no superuser) may take 7 of the 10 connection slots,
 * and the holder that takes those 7: what "too many connections" (53300) needs.
 */
export async function startSlotLimitedPostgres(): Promise<{
  server: PostgresServer;
  slots: SlotHolder;
}> {
  const server = await startPostgres({
    settings: { max_connections: '10', superuser_reserved_connections: '3' },
  });
  await server.query('postgres', 'CREATE ROLE app LOGIN');
  return { server, slots: new SlotHolder(server, 7) };
}

export interface PostgresOptions {
  /** Server settings over the test defaults, e.g. `{ max_connections: '8' }`. */
  settings?: Record<string, string>;
}

export async function startPostgres(serverOptions: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  /** The server's user, for files the test puts into its folder. */
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
    await chown(dir, owner.uid, owner.gid);
  }
  // runuser lives in /usr/sbin, which a non-login PATH may lack.
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? 'runuser';
  const exec = (tool: string, args: string[]) =>
    asRoot
      ? run(runuser, ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });

  await exec('initdb', [
    '-D',
    data,
    '-U',
    'ozgwatch',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  let port = await freePort();
  const settings: Record<string, string> = {
    // A test server: durability is not what is tested.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '32MB',
    ...serverOptions.settings,
  };
  const start = (extra: Record<string, string> = {}) =>
    exec('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      [
        `-h 127.0.0.1 -p ${port} -k ${dir}`,
        ...Object.entries({ ...settings, ...extra }).map(([k, v]) => `-c ${k}=${v}`),
      ].join(' '),
      'start',
    ]);
  // The port was free a moment ago; another test file may have taken it since. Then the server
  // cannot listen and pg_ctl fails: another port, up to three times.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
      if (attempt === 3 || !/could not bind/i.test(log)) throw error;
      port = await freePort();
    }
  }

  let counter = 0;
  const url = (database: string) => `postgres://ozgwatch@127.0.0.1:${port}/${database}`;
  const query = async <T extends pg.QueryResultRow>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    query,
    async createDatabase() {
      const name = `t_${process.pid}_${++counter}`;
      await query('postgres', `CREATE DATABASE ${name}`);
      return url(name);
    },
    async pause() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async resume() {
      await start();
    },
    freeze() {
      for (const pid of serverProcesses(data)) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of serverProcesses(data)) process.kill(pid, 'SIGCONT');
    },
    async standby(hotStandby) {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      const signal = path.join(data, 'standby.signal');
      await writeFile(signal, '');
      if (owner) await chown(signal, owner.uid, owner.gid);
      await start({ hot_standby: hotStandby ? 'on' : 'off' });
    },
    async promote() {
      await exec('pg_ctl', ['-D', data, '-w', '-t', '30', 'promote']);
    },
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The postmaster (first line of postmaster.pid) and its children, from /proc. */
function serverProcesses(data: string): number[] {
  const postmaster = Number(
    readFileSync(path.join(data, 'postmaster.pid'), 'latin1').split('\n')[0],
  );
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent; the name before it may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}
