/**
 * The daemon's own world under faults: SIGTERM with 50 runs in flight, Chromium killed
 * during a run, wall-clock jumps, a probes folder edited while it is read, and 10,000
 * probes reloaded with one invalid. Each ends with the daemon alive (or, for SIGTERM,
 * stopped cleanly) and a clear result or diagnostic. The promises these tests hold are
 * written down in docs/operations.md.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DatabaseSync } from 'node:sqlite';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import type { Result } from '../../src/results/result.ts';
import { processTree } from '../../src/runner/process-tree.ts';
import { systemClock, type Clock } from '../../src/scheduler/clock.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { killDaemons, serveDaemon, type ServedDaemon } from './served-daemon.ts';

/**
 * A target that answers `/wait/<ms>/<probe>` after `ms`, and `/page/<ms>` with an HTML
 * page whose image holds the load event for `ms`. It counts requests that arrived and
 * those it answered, per path, so a test can compare them with the stored runs.
 */
interface Target {
  url: string;
  arrived: Map<string, number>;
  answered: Map<string, number>;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const arrived = new Map<string, number>();
  const answered = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const bump = (m: Map<string, number>, key: string): void =>
    void m.set(key, (m.get(key) ?? 0) + 1);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    bump(arrived, url);
    const wait = /^\/(?:wait|img)\/(\d+)/.exec(url);
    const ms = Number(wait?.[1] ?? 0);
    const timer = setTimeout(() => {
      timers.delete(timer);
      bump(answered, url);
      if (url.startsWith('/page/')) {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><html lang="de"><title>Antrag</title><h1>Antrag</h1><img alt="" src="/img/${url.slice(6)}">`,
          );
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    }, ms);
    timers.add(timer);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived,
    answered,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const sum = (m: Map<string, number>, prefix: string): number =>
  [...m].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

async function until(what: () => boolean | Promise<boolean>, ms: number, label: string) {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** HTTP probes against `/wait/<waitMs>/<id>`; `schedule` is `every: …` or `cron: "…"`. */
function httpProbes(
  target: string,
  ids: string[],
  waitMs: number,
  schedule = 'every: 1h',
  timeout = '10s',
): string {
  return ids
    .map(
      (id) => `- id: ${id}
  name: ${id}
  kind: http
  ${schedule}
  timeout: ${timeout}
  labels: { service: kfz, county: musterkreis }
  http: { url: "${target}/wait/${waitMs}/${id}" }
`,
    )
    .join('');
}

/** Every 5 s on the wall clock's grid: cron probes have no random offset, so all start together. */
const TOGETHER = 'cron: "*/5 * * * * *"';

afterEach(killDaemons);

/** The real CLI, `ozgwatch serve`, on the probes in `dir/probes`. */
const serve = (dir: string, configYaml: string): Promise<ServedDaemon> =>
  serveDaemon({ dir, configYaml });

async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const re = new RegExp(`^${name}\\{?[^}\\n]*${labels}[^}\\n]*\\}? (\\S+)$`, 'm');
  return Number(re.exec(text)?.[1] ?? NaN);
}

/** Every run in a stopped daemon's SQLite file, read as the file holds it. */
function storedRuns(dataDir: string): Result[] {
  const db = new DatabaseSync(path.join(dataDir, 'ozgwatch.db'), { readOnly: true });
  try {
    return db
      .prepare('SELECT result FROM runs')
      .all()
      .map((row) => JSON.parse(row.result as string) as Result);
  } finally {
    db.close();
  }
}

const silent = pino({ level: 'silent' });

/** A logger whose JSON lines the test reads back. */
function collectingLogger(level: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines };
}
let dir: string;
let target: Target;

beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});

describe('SIGTERM with 50 runs in flight', () => {
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('within the grace period: all 50 finish, are stored, and no new run starts', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-sigterm-'));
    await mkdir(path.join(dir, 'probes'));
    const ids = Array.from({ length: 50 }, (_, i) => `graceful-${i}`);
    // All 50 start on the same 5-second mark and take 4 s.
    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      httpProbes(target.url, ids, 4_000, TOGETHER, '30s'),
    );
    const daemon = await serve(
      dir,
      'shutdownGrace: 20s\nwatch: false\nconcurrency: { perHost: 100 }\n',
    );
    await until(
      () => sum(target.arrived, '/wait/4000/graceful-') >= 50,
      15_000,
      '50 requests arrived',
    );
    const startedBefore = sum(target.arrived, '/wait/4000/graceful-');
    daemon.kill('SIGTERM');
    expect(await daemon.exit).toBe(0);
    const stopping = daemon.log.find((l) => l.msg === 'stopping: waiting for runs in flight');
    expect(stopping?.inFlight).toBeGreaterThanOrEqual(50);
    // Nothing started after SIGTERM: the target saw no request that was not already there.
    expect(sum(target.arrived, '/wait/4000/graceful-')).toBe(startedBefore);
    const runs = storedRuns(path.join(dir, 'data'));
    expect(runs).toHaveLength(startedBefore);
    expect(runs.every((r) => r.status === 'pass')).toBe(true);
    expect(new Set(runs.map((r) => r.probeId))).toEqual(new Set(ids));
  }, 60_000);

  it('past the grace period: runs are aborted as errors, stored, and the process exits 0', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-sigterm-'));
    await mkdir(path.join(dir, 'probes'));
    const ids = Array.from({ length: 46 }, (_, i) => `hung-${i}`);
    // Four journeys wait on a page that never loads: closing the browser under them is
    // where Playwright's late events once ended the process.
    const journeys = ['a', 'b', 'c', 'd']
      .map(
        (id) => `- id: journey-${id}
  name: journey-${id}
  kind: browser
  ${TOGETHER}
  timeout: 60s
  labels: { service: kfz, county: musterkreis }
  browser:
    steps:
      - goto: ${target.url}/page/60000/${id}
        timeout: 50s
`,
      )
      .join('');
    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      httpProbes(target.url, ids, 60_000, TOGETHER, '60s') + journeys,
    );
    const daemon = await serve(
      dir,
      'shutdownGrace: 1s\nwatch: false\nconcurrency: { perHost: 100, kinds: { browser: 4 } }\n',
    );
    await until(
      () =>
        sum(target.arrived, '/wait/60000/hung-') >= 46 && sum(target.arrived, '/img/60000/') >= 4,
      40_000,
      '46 requests and 4 pages in flight',
    );
    daemon.kill('SIGTERM');
    expect(await daemon.exit).toBe(0);
    expect(daemon.log.some((l) => l.msg === 'grace period over: aborting runs in flight')).toBe(
      true,
    );
    expect(daemon.log.filter((l) => l.level === 60)).toEqual([]);
    expect(daemon.log.at(-1)?.msg).toBe('stopped');
    const runs = storedRuns(path.join(dir, 'data'));
    expect(runs).toHaveLength(50);
    for (const run of runs) {
      expect(run, run.probeId).toMatchObject({ status: 'error', reason: 'aborted' });
    }
  }, 90_000);
});

describe('SIGHUP (reload) with a journey in flight', () => {
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads without touching the browser: the journey finishes and passes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-sighup-'));
    await mkdir(path.join(dir, 'probes'));
    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      `- id: reload-journey
  name: reload-journey
  kind: browser
  ${TOGETHER}
  timeout: 30s
  labels: { service: kfz, county: musterkreis }
  browser:
    steps:
      - goto: ${target.url}/page/3000/reload
      - expectText: Antrag
`,
    );
    const daemon = await serve(dir, 'shutdownGrace: 20s\nwatch: false\n');
    await until(() => sum(target.arrived, '/img/3000/reload') >= 1, 20_000, 'the page is loading');
    daemon.kill('SIGHUP');
    await until(
      () => daemon.log.filter((l) => l.msg === 'probe configuration loaded').length === 2,
      10_000,
      'reloaded',
    );
    await until(() => sum(target.answered, '/img/3000/reload') >= 1, 10_000, 'the page loaded');
    daemon.kill('SIGTERM');
    expect(await daemon.exit).toBe(0);
    const runs = storedRuns(path.join(dir, 'data'));
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs[0]).toMatchObject({ probeId: 'reload-journey', status: 'pass' });
    expect(daemon.log.some((l) => l.msg === 'replacing the browser')).toBe(false);
  }, 60_000);
});

describe('Chromium killed (kill -9) during a run', () => {
  let portal: Portal;
  let daemon: Daemon | undefined;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(async () => {
    await daemon?.stop();
    await portal.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends only the run inside it as error browser_crash, counts the restart, and the next run passes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-chromium-'));
    await mkdir(path.join(dir, 'probes'));
    const config = daemonConfig(dir);
    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      `- id: endlos
  name: endlos
  kind: browser
  every: 1h
  timeout: 30s
  labels: { service: kfz, county: musterkreis }
  browser: { steps: [{ goto: "${portal.http}/dienste/endlos/", timeout: 25s }] }
`,
    );
    daemon = await startDaemon(config, { logger: silent });
    const d = daemon;
    const endlos = d.active()?.byId.get('endlos');
    if (!endlos) throw new Error('probe not loaded');
    // Only the browser this daemon launches: a worker that ran other files may hold others.
    const before = new Set(chromiumPids());
    const ours = (): number[] => chromiumPids().filter((pid) => !before.has(pid));
    const inside = d.runner.run(endlos);
    await until(() => ours().length > 0, 20_000, 'Chromium started');
    await until(
      async () => (await metric(d.server.url, 'ozgwatch_browser_contexts_active')) === 1,
      20_000,
      'a context open',
    );
    for (const pid of ours()) process.kill(pid, 'SIGKILL');
    expect(await inside).toMatchObject({ status: 'error', reason: 'browser_crash' });
    expect(await metric(d.server.url, 'ozgwatch_browser_restarts_total', 'reason="crash"')).toBe(1);

    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      `- id: endlos
  name: endlos
  kind: browser
  every: 1h
  timeout: 30s
  labels: { service: kfz, county: musterkreis }
  browser: { steps: [{ goto: "${portal.http}/dienste/wohngeld/" }, { expectText: Wohngeld }] }
`,
    );
    expect(await d.reload()).toBe(true);
    const next = await d.runner.run(d.active()?.byId.get('endlos') as typeof endlos);
    expect(next.status).toBe('pass');
    expect((await fetch(`${d.server.url}/healthz`)).status).toBe(200);
  }, 90_000);
});

/**
 * The Chromium browser processes this test process started: those without `--type=`
 * (renderers and helpers have one), including a distribution's wrapper script.
 */
function chromiumPids(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return /chrom/i.test(cmdline) && !cmdline.includes('--type=');
    } catch {
      return false;
    }
  });
}

function daemonConfig(folder: string, extra: Partial<Config> = {}): Config {
  return {
    ...configSchema.parse({
      probes: path.join(folder, 'probes'),
      dataDir: path.join(folder, 'data'),
    }),
    server: { host: '127.0.0.1', port: 0 },
    watch: false,
    ...extra,
  };
}

/** The system clock with a wall-clock offset the test can step, as NTP or a resumed VM would. */
class SteppedClock implements Clock {
  offset = 0;
  now(): number {
    return systemClock.now() + this.offset;
  }
  monotonic(): number {
    return systemClock.monotonic();
  }
  setTimer(fn: () => void, ms: number): () => void {
    return systemClock.setTimer(fn, ms);
  }
}

describe('wall-clock jumps', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('an hour forward and two back: no burst, no pause, timestamps follow the wall clock', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-clock-'));
    await mkdir(path.join(dir, 'probes'));
    const ids = Array.from({ length: 20 }, (_, i) => `uhr-${i}`);
    await writeFile(
      path.join(dir, 'probes', 'p.yaml'),
      httpProbes(target.url, ids, 0, 'every: 1s', '400ms'),
    );
    const clock = new SteppedClock();
    daemon = await startDaemon(daemonConfig(dir), { logger: silent, clock });
    const d = daemon;
    expect(d.active()?.byId.size).toBe(20);
    const count = (): number => sum(target.arrived, '/wait/0/uhr-');
    // Runs per 2 s window: 20 probes every second (the fastest a probe may run) are ~40.
    const window = async (): Promise<number> => {
      const before = count();
      await new Promise((r) => setTimeout(r, 2_000));
      return count() - before;
    };
    await new Promise((r) => setTimeout(r, 1_500)); // past the random first offsets
    const steady = await window();
    clock.offset += 3_600_000;
    const forward = await window();
    clock.offset -= 7_200_000;
    const backward = await window();
    expect(steady).toBeGreaterThanOrEqual(30);
    // No catch-up burst after the forward step, no pause after the backward one.
    for (const n of [forward, backward]) {
      expect(n).toBeGreaterThanOrEqual(steady * 0.75);
      expect(n).toBeLessThanOrEqual(steady * 1.25);
    }
    await d.store.flush();
    const results = await d.store.runs({ probeId: 'uhr-0', limit: 100 });
    const wall = systemClock.now();
    // Runs carry the wall time they started at, an hour ahead and then an hour behind …
    expect(results.some((r) => r.startedAt > wall + 3_000_000)).toBe(true);
    expect(results.some((r) => r.startedAt < wall - 3_000_000)).toBe(true);
    // … and durations come from the monotonic clock.
    for (const r of results) {
      expect(r.duration).toBeGreaterThanOrEqual(0);
      expect(r.duration).toBeLessThan(5);
    }
    expect((await fetch(`${d.server.url}/healthz`)).status).toBe(200);
  }, 30_000);
});

describe('probe files edited while the daemon reads them', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a half-written file is a diagnostic; the last good set runs on; the finished file loads', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-halfwritten-'));
    await mkdir(path.join(dir, 'probes'));
    const good = httpProbes(target.url, ['erst'], 0);
    await writeFile(path.join(dir, 'probes', 'a.yaml'), good);
    const { logger, lines } = collectingLogger('info');
    daemon = await startDaemon(daemonConfig(dir, { watch: true }), { logger });
    const d = daemon;
    const full = good + httpProbes(target.url, ['zweit'], 0);
    // The editor has written the first part of the file and not yet the rest.
    await writeFile(path.join(dir, 'probes', 'a.yaml'), full.slice(0, full.length - 40));
    await until(
      async () => (await metric(d.server.url, 'ozgwatch_config_last_reload_successful')) === 0,
      10_000,
      'the half-written file is refused',
    );
    const diagnostic = lines.find((l) => l.diagnostic !== undefined)?.diagnostic as {
      file: string;
      line?: number;
    };
    expect(diagnostic.file).toBe('a.yaml');
    expect(diagnostic.line).toBeGreaterThan(0);
    expect([...(d.active()?.byId.keys() ?? [])]).toEqual(['erst']);
    await writeFile(path.join(dir, 'probes', 'a.yaml'), full);
    await until(
      async () => (await metric(d.server.url, 'ozgwatch_config_last_reload_successful')) === 1,
      10_000,
      'the finished file loads',
    );
    expect([...(d.active()?.byId.keys() ?? [])].sort()).toEqual(['erst', 'zweit']);
  }, 30_000);

  it('a file that vanishes while the folder is read fails that reload, not the daemon', async () => {
    const d = daemon as Daemon;
    const folder = path.join(dir, 'probes');
    // Many files, deleted and recreated in a loop while reloads run: some reload sees a
    // name in the listing whose file is already gone.
    const names = Array.from({ length: 200 }, (_, i) => `churn-${i}.yaml`);
    let outcomes: boolean[] = [];
    const churn = async (): Promise<void> => {
      for (let round = 0; round < 20; round++) {
        await Promise.all(names.map((n) => rm(path.join(folder, n), { force: true })));
        await Promise.all(
          names.map((n, i) =>
            writeFile(path.join(folder, n), httpProbes(target.url, [`churn-${i}`], 0)),
          ),
        );
      }
    };
    const reloads = async (): Promise<void> => {
      const end = Date.now() + 15_000;
      while (outcomes.length < 40 && Date.now() < end) outcomes.push(await d.reload());
    };
    await Promise.all([churn(), reloads()]);
    outcomes = [...outcomes, await d.reload()];
    expect(outcomes.at(-1)).toBe(true);
    expect(d.active()?.byId.size).toBe(202);
    expect((await fetch(`${d.server.url}/healthz`)).status).toBe(200);
  }, 40_000);
});

describe('10,000 probes reloaded with one invalid', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps all 10,000 of the last good set, names the file, line and field, then takes the fix', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-10k-'));
    await mkdir(path.join(dir, 'probes'));
    const files = 20;
    const perFile = 500;
    const yamlFor = (f: number, broken: boolean): string =>
      Array.from({ length: perFile }, (_, i) => {
        const id = `gemeinde-${f}-${i}`;
        const timeout = broken && i === 250 ? 'zehn Sekunden' : '10s';
        return `- id: ${id}
  name: Gemeinde ${f}/${i}
  kind: http
  every: 1h
  timeout: ${timeout}
  labels: { service: kfz, county: kreis-${f} }
  http: { url: "${target.url}/wait/0/${id}" }
`;
      }).join('');
    for (let f = 0; f < files; f++) {
      await writeFile(path.join(dir, 'probes', `kreis-${f}.yaml`), yamlFor(f, false));
    }
    const { logger, lines: logged } = collectingLogger('error');
    daemon = await startDaemon(daemonConfig(dir), { logger });
    const d = daemon;
    expect(d.active()?.byId.size).toBe(10_000);
    const loadedAt = d.active()?.loadedAt;

    // One probe in one file gets a timeout nobody can parse; every other file changes too.
    for (let f = 0; f < files; f++) {
      const text = yamlFor(f, f === 7).replaceAll('every: 1h', 'every: 2h');
      await writeFile(path.join(dir, 'probes', `kreis-${f}.yaml`), text);
    }
    expect(await d.reload()).toBe(false);
    const diagnostics = logged
      .map((l) => l.diagnostic as { file: string; line?: number; path: string } | undefined)
      .filter((x) => x !== undefined);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: 'kreis-7.yaml',
      line: 250 * 7 + 5,
      path: '[250].timeout',
    });
    // The last good configuration, whole: same load, old schedules.
    expect(d.active()?.loadedAt).toBe(loadedAt);
    expect(d.active()?.byId.size).toBe(10_000);
    expect(d.active()?.byId.get('gemeinde-0-0')?.every).toBe(3_600_000);
    expect(d.scheduler.size()).toBe(10_000);
    expect(await metric(d.server.url, 'ozgwatch_config_last_reload_successful')).toBe(0);

    await writeFile(
      path.join(dir, 'probes', 'kreis-7.yaml'),
      yamlFor(7, false).replaceAll('every: 1h', 'every: 2h'),
    );
    expect(await d.reload()).toBe(true);
    expect(d.active()?.byId.get('gemeinde-19-499')?.every).toBe(7_200_000);
    expect(d.scheduler.size()).toBe(10_000);
    expect(await metric(d.server.url, 'ozgwatch_config_last_reload_successful')).toBe(1);
  }, 60_000);
});
