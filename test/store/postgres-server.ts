/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, a temporary
 * data directory, listening on 127.0.0.1 only, stopped and deleted by `stop()`.
 * As root (CI), the server runs as the `postgres` user, because initdb refuses root.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

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
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
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
  const port = await freePort();
  const options = [
    `-h 127.0.0.1 -p ${port} -k ${dir}`,
    // A test server: durability is not what is tested.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=200 -c shared_buffers=32MB',
  ].join(' ');
  const start = () =>
    exec('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      options,
      'start',
    ]);
  await start();

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
