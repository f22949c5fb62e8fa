/**
 * The real CLI, `ozgwatch serve`, in a child process, as an operator starts it: settings
 * from a config file and the environment, its JSON log lines collected for the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = path.join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface DaemonLogEntry {
  msg: string;
  level: number;
  err?: { message: string; code?: string };
  [field: string]: unknown;
}

export interface ServedDaemon {
  url: string;
  log: DaemonLogEntry[];
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  get(route: string): Promise<Response>;
}

/** Started by {@link serveDaemon} and not yet ended: {@link killDaemons} ends them. */
const running = new Set<ChildProcess>();

/**
 * Starts `serve` with `configYaml` as its config file in `dir`, probes from `dir/probes` and
 * data in `dir/data`, on a free port; resolves once it serves, rejects when it exits first
 * (with its fatal log line) or does not serve within `startTimeoutMs`.
 */
export async function serveDaemon(options: {
  dir: string;
  configYaml: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<ServedDaemon> {
  const { dir } = options;
  await writeFile(path.join(dir, 'ozgwatch.yaml'), options.configYaml);
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--config', path.join(dir, 'ozgwatch.yaml')],
    {
      env: {
        PATH: process.env.PATH,
        OZGWATCH_PROBES: path.join(dir, 'probes'),
        OZGWATCH_DATA_DIR: path.join(dir, 'data'),
        OZGWATCH_PORT: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const log: DaemonLogEntry[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('daemon did not start')),
      options.startTimeoutMs ?? 60_000,
    );
    void exit.then((code) => {
      const fatal = log.find((l) => l.level >= 60);
      reject(new Error(`daemon exited with ${code}: ${fatal?.err?.message ?? stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as DaemonLogEntry;
      log.push(entry);
      if (entry.msg === 'ozgwatch serving') {
        clearTimeout(timer);
        resolve(entry.url as string);
      }
    });
  });
  return {
    url,
    log,
    exit,
    kill: (signal) => child.kill(signal),
    get: (route) => fetch(new URL(route, url)),
  };
}

/** For `afterEach`: a test that failed before it stopped its daemon must not leave it running. */
export function killDaemons(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
