import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Ran } from './run-cli.ts';

/** The CLI as a user runs it, in the test's temporary folder unless told otherwise. */
function cli(
  args: string[],
  options: { cwd?: string; onStdout?: (chunk: string, child: ChildProcess) => void } = {},
): Promise<Ran> {
  return runCli(args, {
    cwd: options.cwd ?? dir,
    env: { OZGWATCH_LOG_LEVEL: 'info' },
    ...(options.onStdout ? { onStdout: options.onStdout } : {}),
  });
}

let dir: string;
let server: Server;
let target: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-cli-'));
  server = createServer((req, res) => {
    if (req.url === '/down') res.writeHead(503).end('nope');
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<title>Startseite</title><p>Online-Antrag</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes/kfz.yaml'),
    `- id: kfz-ok
  name: Kfz ok
  kind: http
  every: 1s
  timeout: 900ms
  labels: { service: kfz }
  http: { url: "${target}/", expect: { bodyContains: ["Online-Antrag"] } }
- id: kfz-down
  name: Kfz down
  kind: http
  every: 1s
  timeout: 900ms
  labels: { service: kfz }
  http: { url: "${target}/down" }
`,
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('ozgwatch CLI', () => {
  it('--help prints the synopsis of docs/cli.md, which names every option the CLI takes', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    const usage = help.stdout
      .split('Usage:\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((line) => line.slice(2));
    const doc = await readFile(path.join(import.meta.dirname, '../../docs/cli.md'), 'utf8');
    const synopsis = /^```\n([\s\S]*?)\n```/m.exec(doc)![1]!.split('\n');
    expect(usage).toEqual(synopsis);
    const source = await readFile(path.join(import.meta.dirname, '../../src/cli/main.ts'), 'utf8');
    const options = [
      .../const OPTIONS = \{([\s\S]*?)\n\} as const/.exec(source)![1]!.matchAll(/^ {2}(\w+):/gm),
    ];
    expect(options.length).toBeGreaterThan(10);
    for (const [, option] of options) expect(usage.join('\n')).toContain(`--${option}`);
    // Without a command: the same text, as a usage error.
    const bare = await cli([]);
    expect([bare.code, bare.stdout]).toEqual([2, help.stdout]);
  });

  it('validate: counts valid probes, exit 0', async () => {
    const r = await cli(['validate']);
    expect(r).toMatchObject({ code: 0, stdout: '2 probes in 1 file: valid\n' });
  });

  it('OZGWATCH_CONFIG names the settings file when --config is not given; the flag wins', async () => {
    await mkdir(path.join(dir, 'anderswo'), { recursive: true });
    const file = path.join(dir, 'settings.yaml');
    // The file points at a folder with one probe: it is read when the variable names it.
    await writeFile(file, `probes: ${path.join(dir, 'anderswo')}\n`);
    await writeFile(
      path.join(dir, 'anderswo/a.yaml'),
      `- id: a\n  name: A\n  kind: http\n  labels: { service: a }\n  http: { url: "${target}/" }\n`,
    );
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, 'contakt: x\n');
    const viaEnv = await runCli(['validate'], { cwd: dir, env: { OZGWATCH_CONFIG: file } });
    expect(viaEnv).toMatchObject({ code: 0, stdout: '1 probe in 1 file: valid\n' });
    const flagWins = await runCli(['validate', '--config', file], {
      cwd: dir,
      env: { OZGWATCH_CONFIG: broken },
    });
    expect(flagWins).toMatchObject({ code: 0, stdout: '1 probe in 1 file: valid\n' });
    const badFile = await runCli(['validate'], { cwd: dir, env: { OZGWATCH_CONFIG: broken } });
    expect([badFile.code, badFile.stderr]).toEqual([
      1,
      `${broken}:1: contakt: unknown key "contakt"; did you mean "contact"?\n`,
    ]);
  });

  it('validate --json with an invalid config file: its problems as JSON on stdout, exit 1', async () => {
    const bad = path.join(dir, 'bad-settings.yaml');
    await writeFile(bad, 'store:\n  retention: 90 Tage\ncontakt: x\n');
    const r = await cli(['validate', '--config', bad, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    type Doc = { ok: boolean; diagnostics: { file: string; message: string }[] };
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc).toMatchObject({ ok: false, probes: 0, files: 0 });
    expect(doc.diagnostics[0]?.message).toMatch(/"90 Tage"/);
    expect(doc.diagnostics).toEqual([
      { file: bad, line: 2, path: 'store.retention', message: doc.diagnostics[0]?.message },
      {
        file: bad,
        line: 3,
        path: 'contakt',
        message: 'unknown key "contakt"; did you mean "contact"?',
      },
    ]);
    // A problem set by a variable is named by it; there is no file line to give.
    const env = await runCli(['validate', '--json'], { cwd: dir, env: { OZGWATCH_PORT: 'neun' } });
    expect(env.code).toBe(1);
    const fromEnv = JSON.parse(env.stdout) as Doc;
    expect(fromEnv.ok).toBe(false);
    expect(fromEnv.diagnostics).toHaveLength(1);
    expect(fromEnv.diagnostics[0]).toMatchObject({ file: 'OZGWATCH_PORT', path: 'server.port' });
    expect(fromEnv.diagnostics[0]).not.toHaveProperty('line');
  });

  it('validate --json on a broken folder: every diagnostic, exit 1', async () => {
    const fixtures = path.join(import.meta.dirname, '../fixtures/validation/unknown-key');
    const r = await cli(['validate', '--probes', fixtures, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      probes: 0,
      files: 1,
      diagnostics: [
        {
          file: 'probes.yaml',
          line: 4,
          column: 3,
          path: '[0].intervall',
          message: 'unknown key "intervall"; did you mean "every"?',
        },
      ],
      unsetSecrets: [],
    });
  });

  it('run: prints a table and exits 1 when a probe fails', async () => {
    const r = await cli(['run', 'kfz-ok', 'kfz-down']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✓\s+kfz-ok\s+pass/);
    expect(r.stdout).toMatch(/✗\s+kfz-down\s+fail\s+http_status/);
    expect(r.stdout).toContain('status 503');
    // At info the daemon logs each failed run; the table already says it, so `run` is quiet.
    expect(r.stderr).toContain('"probe":"kfz-down"');
    const quiet = await runCli(['run', 'kfz-down'], { cwd: dir, env: { OZGWATCH_LOG_LEVEL: '' } });
    expect([quiet.code, quiet.stderr]).toEqual([1, '']);
    expect(quiet.stdout).toMatch(/✗\s+kfz-down\s+fail\s+http_status/);
  });

  it('run --json: one result per line; unknown ids are a usage error', async () => {
    const r = await cli(['run', 'kfz-ok', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      probeId: 'kfz-ok',
      status: 'pass',
      http: { status: 200 },
    });
    // As /api/runs/{id} writes it.
    expect((JSON.parse(r.stdout) as { startedAt: unknown }).startedAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    expect((await cli(['run', 'nope'])).code).toBe(2);
    // One run has no history to damp: it reports the failure it saw.
    const down = await cli(['run', 'kfz-down', '--json']);
    expect(JSON.parse(down.stdout)).toMatchObject({ status: 'fail', reportedStatus: 'fail' });
  });

  it('scan --json: one document per URL with url and each check’s status', async () => {
    const r = await cli(['scan', `${target}/`, `${target}/down`, '--json']);
    expect(r.code).toBe(1);
    const docs = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            url: string;
            status: string;
            availability: { status: string; http: { status: number } };
          },
      );
    expect(
      docs.map((d) => [d.url, d.status, d.availability.status, d.availability.http.status]),
    ).toEqual([
      [`${target}/`, 'pass', 'pass', 200],
      [`${target}/down`, 'fail', 'fail', 503],
    ]);
    expect((await cli(['scan', 'ftp://x'])).code).toBe(2);
    expect((await cli(['scan', `${target}/`, '--checks', 'nonsense'])).code).toBe(2);
  });

  it('serve: runs, answers /readyz, and exits 0 on SIGTERM after storing results', async () => {
    let base = '';
    const r = await cli(['serve', '--port', '0', '--data', path.join(dir, 'data')], {
      onStdout: (chunk, child) => {
        const m = /"url":"(http:\/\/[^"]+)"[^\n]*ozgwatch serving/.exec(chunk);
        if (m && !base) {
          base = m[1]!;
          void (async () => {
            const deadline = Date.now() + 10_000;
            // Wait until both probes have run at least once, then stop.
            while (Date.now() < deadline) {
              const text = await (await fetch(`${base}/metrics`)).text();
              if ((text.match(/^probe_success\{/gm) ?? []).length >= 2) break;
              await new Promise((res) => setTimeout(res, 100));
            }
            expect((await fetch(`${base}/readyz`)).status).toBe(200);
            child.kill('SIGTERM');
          })();
        }
      },
    });
    expect(base).not.toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"msg":"stopped"');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { probe?: string; run?: string; msg: string });
    // Every line of a run carries the probe and the run id.
    const runLines = lines.filter((l) => l.msg.startsWith('status'));
    expect(runLines.length).toBeGreaterThan(0);
    expect(runLines.every((l) => l.probe === 'kfz-down' && typeof l.run === 'string')).toBe(true);
  });
});
