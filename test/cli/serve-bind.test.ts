import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let dir: string;
let target: Server;
let occupied: Server;
let requests = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-bind-'));
  target = createServer((_req, res) => {
    requests++;
    res.end('Online-Antrag');
  });
  occupied = createServer((_req, res) => res.end());
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => occupied.listen(0, '127.0.0.1', r));
  await mkdir(path.join(dir, 'probes'));
  // First runs are spread over the interval: with 20 probes one is due within ~50 ms.
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  const probes = Array.from(
    { length: 20 },
    (_, i) =>
      `- id: portal-${i}\n  name: Portal ${i}\n  kind: http\n  labels: { service: portal }\n  every: 1s\n  timeout: 900ms\n  http: { url: "${url}" }\n`,
  );
  await writeFile(path.join(dir, 'probes/portal.yaml'), probes.join(''));
});

afterAll(async () => {
  await new Promise((r) => target.close(r));
  await new Promise((r) => occupied.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('ozgwatch serve without its port', () => {
  it('a port in use ends the daemon with exit 1 before any probe runs', async () => {
    const port = String((occupied.address() as AddressInfo).port);
    const started = Date.now();
    const r = await runCli(['serve', '--port', port, '--data', path.join(dir, 'data')], {
      cwd: dir,
      timeoutMs: 15_000,
    });
    expect(r.stdout).toContain('"probes":20,"files":1,"msg":"probe configuration loaded"');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/EADDRINUSE[^\n]*"msg":"cannot start"/);
    // Not killed by the test's timeout: it ended by itself, and nothing was probed unseen.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(requests).toBe(0);
  });

  it('a share of the probes without a shared store is refused', async () => {
    const r = await runCli(
      ['serve', '--shard', '0/3', '--port', '0', '--data', path.join(dir, 'd')],
      {
        cwd: dir,
        env: { DATABASE_URL: '' },
        timeoutMs: 15_000,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'cannot start: sharing the probes among instances needs their shared store',
    );
    expect(requests).toBe(0);
  });

  it('a SIGHUP while starting reloads once started, and a SIGTERM then stops cleanly', async () => {
    // A TypeScript probe whose module takes 2 s to load holds the start (and each reload).
    const slow = path.join(dir, 'slow');
    await mkdir(slow, { recursive: true });
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    await writeFile(
      path.join(slow, 'langsam.probe.ts'),
      `await new Promise((r) => setTimeout(r, 2_000));\nexport default { id: 'langsam', name: 'Langsam', kind: 'http', every: '1h', labels: { service: 'portal' }, http: { url: '${url}' } };\n`,
    );
    let hup = false;
    let term = false;
    let out = '';
    const r = await runCli(
      ['serve', '--probes', slow, '--port', '0', '--data', path.join(dir, 'slow-data')],
      {
        cwd: dir,
        timeoutMs: 20_000,
        onStdout: (chunk, child) => {
          out += chunk;
          // The store is open: the daemon is starting, the slow probe file is being read.
          if (!hup && out.includes('"component":"store"')) {
            hup = true;
            child.kill('SIGHUP');
          }
          if (!term && out.split('probe configuration loaded').length === 3) {
            term = true;
            child.kill('SIGTERM');
          }
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SIGHUP while starting: reloading probes once started');
    expect(r.stdout).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
  });

  it('one share of one is all probes and needs no shared store', async () => {
    const port = String((occupied.address() as AddressInfo).port);
    const r = await runCli(
      ['serve', '--shard', '0/1', '--port', port, '--data', path.join(dir, 'one')],
      { cwd: dir, env: { DATABASE_URL: '' }, timeoutMs: 15_000 },
    );
    // It gets past the shard check to binding, which the occupied port refuses.
    expect(r.stdout).not.toContain('needs their shared store');
    expect(r.stdout).toMatch(/EADDRINUSE[^\n]*"msg":"cannot start"/);
    expect(requests).toBe(0);
  });
});
