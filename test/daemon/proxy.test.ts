/**
 * The daemon behind a forward proxy, configured as ops teams do it: the proxy comes from the
 * environment, with a login in its URL. Its runs reach a host that resolves nowhere (so only
 * through the proxy), and the password appears in no log line, result, metric or API answer.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { startForwardProxy, type ForwardProxy } from '../fixtures/forward-proxy.ts';

const SECRET = 'Proxy-Passwort-9931';
let dir: string;
let portal: Portal;
let proxy: ForwardProxy;
let daemon: Daemon;
const lines: string[] = [];

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startForwardProxy({
    routes: { 'kfz.ozgwatch.test:80': Number(new URL(portal.http).port) },
    credentials: `monitor:${SECRET}`,
  });
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-proxy-daemon-'));
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'p.yaml'),
    `- id: kfz
  name: Kfz-Zulassung
  kind: http
  every: 1h
  timeout: 5s
  labels: { service: kfz, county: musterkreis }
  http: { url: "http://kfz.ozgwatch.test/" }
- id: intern
  name: Internes Portal
  kind: http
  every: 1h
  timeout: 5s
  labels: { service: intern, county: musterkreis }
  http: { url: "http://portal.intern.ozgwatch.test/" }
`,
  );
  const config = await loadConfig({
    env: {
      OZGWATCH_PROBES: path.join(dir, 'probes'),
      OZGWATCH_DATA_DIR: path.join(dir, 'data'),
      OZGWATCH_PORT: '0',
      HTTP_PROXY: `http://monitor:${SECRET}@127.0.0.1:${proxy.port}`,
      NO_PROXY: '.intern.ozgwatch.test',
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  daemon = await startDaemon(
    { ...config, watch: false },
    { logger: pino({ level: 'debug' }, sink) },
  );
});

afterAll(async () => {
  await daemon.stop();
  await Promise.all([portal.close(), proxy.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('the daemon behind a proxy from HTTP_PROXY', () => {
  it('logs at start which proxy it uses and what bypasses it, without the password', () => {
    const start = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'outbound proxy in use');
    expect(start).toMatchObject({
      httpProxy: `http://127.0.0.1:${proxy.port}`,
      httpsProxy: 'direct',
      httpProxyUser: 'monitor',
      noProxy: ['localhost', '127.0.0.0/8', '::1', '.intern.ozgwatch.test'],
    });
  });

  it('runs through the proxy, bypasses it for NO_PROXY hosts, and shows the password nowhere', async () => {
    const kfz = await daemon.runner.run(daemon.active()!.byId.get('kfz')!);
    expect(kfz.status, kfz.message).toBe('pass');
    expect(proxy.requests().get('kfz.ozgwatch.test')).toBe(1);
    // Direct, its name resolves nowhere: that it was not sent to the proxy shows as dns.
    const intern = await daemon.runner.run(daemon.active()!.byId.get('intern')!);
    expect(intern).toMatchObject({ status: 'fail', reason: 'dns' });
    expect(proxy.requests().get('portal.intern.ozgwatch.test')).toBeUndefined();

    const metrics = await fetch(`${daemon.server.url}/metrics`).then((r) => r.text());
    const api = await fetch(`${daemon.server.url}/api/probes/kfz/runs`).then((r) => r.text());
    for (const text of [JSON.stringify([kfz, intern]), metrics, api, lines.join('\n')]) {
      expect(text).not.toContain(SECRET);
    }
  });
});
