import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

/** A minimal target: `/ok` answers 200, `/down` 503. */
async function startTarget(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/down') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<title>Landkreis Musterkreis</title><h1>Online-Antrag</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function probesYaml(target: string, ids: string[], every = '1s'): string {
  return ids
    .map(
      (id) => `- id: ${id}
  name: ${id}
  kind: http
  every: ${every}
  timeout: 900ms
  labels: { service: kfz, county: musterkreis }
  http: { url: "${target}/${id.endsWith('down') ? 'down' : 'ok'}" }
`,
    )
    .join('');
}

let dir: string;
let target: { url: string; server: Server };
let daemon: Daemon | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-daemon-'));
  target = await startTarget();
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  target.server.closeAllConnections();
  await new Promise((r) => target.server.close(r));
  await rm(dir, { recursive: true, force: true });
});

function config(extra: Partial<Config> = {}): Config {
  return {
    ...configSchema.parse({ probes: path.join(dir, 'probes'), dataDir: path.join(dir, 'data') }),
    server: { host: '127.0.0.1', port: 0 },
    watch: false,
    ...extra,
  };
}

async function scrape(d: Daemon): Promise<string> {
  return (await fetch(`${d.server.url}/metrics`)).text();
}

async function until(what: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const logger = pino({ level: 'silent' });

describe('daemon', () => {
  it('keeps the last good configuration when a reload is invalid, and reports it', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    await writeFile(path.join(dir, 'probes/a.yaml'), probesYaml(target.url, ['kfz-ok']));
    daemon = await startDaemon(config(), { logger });
    expect(daemon.active()?.byId.has('kfz-ok')).toBe(true);

    await writeFile(
      path.join(dir, 'probes/a.yaml'),
      `${probesYaml(target.url, ['kfz-ok', 'kfz-new'])}  intervall: 5m\n`,
    );
    expect(await daemon.reload()).toBe(false);
    expect([...daemon.active()!.byId.keys()]).toEqual(['kfz-ok']);
    let text = await scrape(daemon);
    expect(text).toMatch(/^ozgwatch_config_last_reload_successful 0$/m);
    const overview = async (): Promise<string> => (await fetch(`${daemon!.server.url}/`)).text();
    expect(await overview()).toMatch(
      /Die Prüfungskonfiguration ist ungültig<\/strong> \(geladen [^)]+\): 1 Problem, .*Es laufen die Prüfungen der letzten gültigen Konfiguration\./,
    );
    // The old probe keeps running.
    await until(async () => /probe_success\{probe="kfz-ok"[^}]*\} 1/.test(await scrape(daemon!)));

    await writeFile(
      path.join(dir, 'probes/a.yaml'),
      probesYaml(target.url, ['kfz-new', 'kfz-down']),
    );
    expect(await daemon.reload()).toBe(true);
    expect([...daemon.active()!.byId.keys()].sort()).toEqual(['kfz-down', 'kfz-new']);
    text = await scrape(daemon);
    expect(text).toMatch(/^ozgwatch_config_last_reload_successful 1$/m);
    expect(await overview()).not.toContain('ungültig');
    // Series of the removed probe are gone.
    expect(text).not.toContain('probe="kfz-ok"');
    await until(async () => /probe_success\{probe="kfz-down"[^}]*\} 0/.test(await scrape(daemon!)));
  });

  it('reloads when a file in the probes folder changes', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    await writeFile(path.join(dir, 'probes/a.yaml'), probesYaml(target.url, ['kfz-ok']));
    daemon = await startDaemon({ ...config(), watch: true }, { logger });
    await writeFile(path.join(dir, 'probes/b.yaml'), probesYaml(target.url, ['kfz-more']));
    await until(() => daemon!.active()!.byId.has('kfz-more'));
  });

  it('stores every result it exported, also those finished during shutdown', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    const ids = Array.from({ length: 20 }, (_, i) => `kfz-${i}`);
    await writeFile(path.join(dir, 'probes/a.yaml'), probesYaml(target.url, ids));
    daemon = await startDaemon(config(), { logger });
    await until(async () => {
      const total = [
        ...(await scrape(daemon!)).matchAll(/^ozgwatch_probe_runs_total\{[^}]*\} (\d+)$/gm),
      ].reduce((s, m) => s + Number(m[1]), 0);
      return total >= 40;
    });
    const stopping = daemon.stop();
    await stopping;
    // Counted in metrics after the last scrape too: read the final count from the registry.
    const finalText = await daemon.metrics.render();
    const exported = [...finalText.matchAll(/^ozgwatch_probe_runs_total\{[^}]*\} (\d+)$/gm)].reduce(
      (s, m) => s + Number(m[1]),
      0,
    );
    daemon = undefined;

    const reopened = openSqliteStore({ path: path.join(dir, 'data/ozgwatch.db'), logger });
    try {
      let stored = 0;
      for (const id of ids) stored += (await reopened.runs({ probeId: id, limit: 1000 })).length;
      expect(stored).toBe(exported);
      expect(stored).toBeGreaterThanOrEqual(40);
    } finally {
      await reopened.close();
    }
  });

  it('flap damping goes on across a restart: one failure after it does not report a probe down', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    const probe = (url: string): string =>
      `- id: kfz\n  name: kfz\n  kind: http\n  every: 1s\n  timeout: 900ms\n  failAfter: 2\n  labels: { service: kfz }\n  http: { url: "${url}" }\n`;
    const runs = async (): Promise<{ status: string; reportedStatus: string }[]> =>
      (await fetch(`${daemon!.server.url}/api/probes/kfz/runs`)).json() as Promise<
        { status: string; reportedStatus: string }[]
      >;
    await writeFile(path.join(dir, 'probes/a.yaml'), probe(`${target.url}/ok`));
    daemon = await startDaemon(config(), { logger });
    await until(async () => (await runs()).length > 0);
    await daemon.stop();
    // The service breaks while the daemon is being deployed.
    await writeFile(path.join(dir, 'probes/a.yaml'), probe(`${target.url}/down`));
    daemon = await startDaemon(config(), { logger });
    await until(async () => (await runs()).filter((r) => r.status === 'fail').length >= 2);
    const failed = (await runs()).filter((r) => r.status === 'fail').reverse();
    expect(failed.map((r) => r.reportedStatus).slice(0, 2)).toEqual(['pass', 'fail']);
  });

  it("after a restart shows each probe's last stored run until it runs again, if it still stands", async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    // `kfz-down` runs every minute: its stored failure stands after the restart. `old-down`
    // runs every 2 s: 3 s later its failure is outdated and not shown. Both report their first
    // failure at once (failAfter 1): the test is about the restart, not about damping.
    const failAtOnce = (yaml: string): string =>
      yaml.replace(/^ {2}kind: http$/m, '$&\n  failAfter: 1');
    await writeFile(
      path.join(dir, 'probes/a.yaml'),
      failAtOnce(probesYaml(target.url, ['kfz-down'], '1m')) +
        failAtOnce(probesYaml(target.url, ['old-down'], '2s')),
    );
    daemon = await startDaemon(config(), { logger, random: () => 0 });
    await until(async () => {
      const text = await scrape(daemon!);
      return ['kfz-down', 'old-down'].every((id) =>
        new RegExp(`probe_success\\{probe="${id}"[^}]*\\} 0`).test(text),
      );
    });
    const before = await scrape(daemon);
    await daemon.stop();
    await new Promise((r) => setTimeout(r, 3_000));
    // The first runs after the restart are almost a whole interval away.
    daemon = await startDaemon(config(), { logger, random: () => 0.99 });
    const after = await scrape(daemon);
    const value = (text: string, family: string, id: string): string | undefined =>
      new RegExp(`^${family}\\{probe="${id}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1];
    // The time of that run: its stored end, within the millisecond the recording took.
    const lastRun = (text: string): number =>
      Number(value(text, 'ozgwatch_probe_last_run_timestamp_seconds', 'kfz-down'));
    expect(Math.abs(lastRun(after) - lastRun(before))).toBeLessThan(0.05);
    // Its result stands for three of its 1-minute intervals from that end, as before the restart.
    const staleAfter = (text: string): number =>
      Number(value(text, 'ozgwatch_probe_stale_after_timestamp_seconds', 'kfz-down'));
    expect(staleAfter(before) - lastRun(before)).toBeCloseTo(180, 3);
    expect(staleAfter(after) - lastRun(after)).toBeCloseTo(180, 3);
    expect(value(after, 'ozgwatch_probe_last_run_timestamp_seconds', 'old-down')).toBeUndefined();
    for (const family of ['probe_success', 'ozgwatch_probe_status', 'probe_http_status_code']) {
      expect([family, value(after, family, 'kfz-down')]).toEqual([
        family,
        value(before, family, 'kfz-down'),
      ]);
      expect([family, value(after, family, 'old-down')]).toEqual([family, undefined]);
    }
    expect(value(after, 'probe_success', 'kfz-down')).toBe('0');
    // Not counted as a run of this process: the failure series is there, at 0.
    expect(after).toMatch(
      /^ozgwatch_probe_runs_total\{probe="kfz-down"[^}]*result="fail"[^}]*\} 0$/m,
    );
    expect(after.match(/^ozgwatch_probe_runs_total\{probe="kfz-down"/gm)).toHaveLength(1);
  });

  it('a disabled probe loses its series at the reload', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    await writeFile(path.join(dir, 'probes/a.yaml'), probesYaml(target.url, ['kfz-down']));
    daemon = await startDaemon(config(), { logger, random: () => 0 });
    await until(async () => /probe_success\{probe="kfz-down"[^}]*\} 0/.test(await scrape(daemon!)));
    await writeFile(
      path.join(dir, 'probes/a.yaml'),
      `${probesYaml(target.url, ['kfz-down'])}  enabled: false\n`,
    );
    expect(await daemon.reload()).toBe(true);
    expect(await scrape(daemon)).not.toContain('probe="kfz-down"');
  });

  it('serves health, readiness and the API; the token guards the overview, /api and the pages', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'probes'));
    await writeFile(path.join(dir, 'probes/a.yaml'), probesYaml(target.url, ['kfz-ok']));
    const token = 'a-long-enough-secret-token';
    daemon = await startDaemon(
      { ...config(), server: { host: '127.0.0.1', port: 0, token } },
      { logger },
    );
    const base = daemon.server.url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/api/probes`)).status).toBe(401);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/api`)).status).toBe(401);
    expect(
      (
        await fetch(`${base}/api/probes`, {
          headers: { authorization: 'Bearer wrong-token-of-some-length' },
        })
      ).status,
    ).toBe(401);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    await until(async () => {
      const probes = (await (await fetch(`${base}/api/probes`, auth)).json()) as {
        lastRun: unknown;
      }[];
      return probes[0]?.lastRun != null;
    });
    const [probe] = (await (await fetch(`${base}/api/probes`, auth)).json()) as {
      id: string;
      labels: { county: string };
      source: { file: string; line: number };
      lastRun: { runId: string; status: string };
    }[];
    expect(probe).toMatchObject({
      id: 'kfz-ok',
      labels: { county: 'musterkreis' },
      source: { file: 'a.yaml', line: 1 },
      lastRun: { status: 'pass' },
    });
    const runs = (await (await fetch(`${base}/api/probes/kfz-ok/runs?limit=1`, auth)).json()) as {
      runId: string;
    }[];
    expect(runs).toHaveLength(1);
    const run = (await (await fetch(`${base}/api/runs/${runs[0]!.runId}`, auth)).json()) as {
      status: string;
      phases: { connect: number };
    };
    expect(run.status).toBe('pass');
    expect(run.phases.connect).toBeGreaterThan(0);
    // An id no probe or run can have is named for what it is, as a well-formed unknown one is.
    for (const [address, error] of [
      ['/api/probes/nope/runs', 'no such probe'],
      ['/api/probes/%ZZ/runs', 'no such probe'],
      ['/api/probes/Gro%C3%9F/runs', 'no such probe'],
      ['/api/runs/nope', 'no such run'],
      ['/api/runs/%ZZ', 'no such run'],
    ]) {
      const missing = await fetch(`${base}${address}`, auth);
      expect([address, missing.status, await missing.json()]).toEqual([address, 404, { error }]);
    }
    for (const limit of ['-1', '0', 'abc', '2.5']) {
      const bad = await fetch(`${base}/api/probes/kfz-ok/runs?limit=${limit}`, auth);
      expect([bad.status, await bad.json()]).toEqual([
        400,
        { error: 'limit must be a whole number from 1 (at most 1000 are returned)' },
      ]);
    }
    const slashed = await fetch(`${base}/probes/kfz-ok/`, { ...auth, redirect: 'manual' });
    expect([slashed.status, slashed.headers.get('location')]).toEqual([301, '/probes/kfz-ok']);
    const page = await fetch(`${base}/probes/%ZZ`, auth);
    expect([page.status, await page.text()]).toEqual([
      404,
      expect.stringContaining('Keine solche Prüfung'),
    ]);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
