/**
 * The daemon keeps a journey's certificates across a restart: the real daemon, its store,
 * Chromium and HTTPS sites on 127.0.0.1.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { startTlsSites, type TlsSites } from '../checkers/browser/tls-sites.ts';

const PROBE = 'wohngeld-journey';

let dir: string;
let sites: TlsSites;
let daemon: Daemon | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-journey-certificates-'));
  sites = await startTlsSites();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'wohngeld.yaml'),
    `- id: ${PROBE}
  name: Wohngeld online
  kind: browser
  every: 1h
  timeout: 20s
  labels: { service: wohngeld, county: musterkreis }
  browser:
    stepTimeout: 3s
    steps:
      - name: start
        goto: ${sites.service.url}/
      - name: anmelden
        click: { role: link, name: Anmelden }
      - name: bundid
        expectText: Anmeldung mit BundID
`,
  );
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await sites.close();
  await rm(dir, { recursive: true, force: true });
});

function start(): Promise<Daemon> {
  return startDaemon(
    {
      ...configSchema.parse({
        probes: path.join(dir, 'probes'),
        dataDir: path.join(dir, 'data'),
        browser: { args: sites.trustArgs },
      }),
      server: { host: '127.0.0.1', port: 0 },
      watch: false,
    },
    { logger: pino({ level: 'silent' }), random: () => 0 },
  );
}

/** The stored runs, newest first, once there are `count` of them. */
async function runs(d: Daemon, count: number): Promise<{ status: string; reason?: string }[]> {
  const end = Date.now() + 30_000;
  for (;;) {
    const stored = (await (await fetch(`${d.server.url}/api/probes/${PROBE}/runs`)).json()) as {
      status: string;
      reason?: string;
    }[];
    if (stored.length >= count) return stored;
    if (Date.now() > end) throw new Error(`${stored.length} of ${count} runs stored`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function exported(d: Daemon): Promise<number | undefined> {
  const text = await (await fetch(`${d.server.url}/metrics`)).text();
  const line = new RegExp(
    `^probe_ssl_earliest_cert_expiry\\{probe="${PROBE}"[^}]*\\} (\\S+)$`,
    'm',
  );
  const match = line.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('daemon restart with a journey broken before its identity provider', () => {
  it('still exports the provider’s certificate the last daemon saw', async () => {
    daemon = await start();
    expect((await runs(daemon, 1))[0]?.status).toBe('pass');
    expect(await exported(daemon)).toBe(sites.idp.notAfter / 1000);
    await daemon.stop();
    daemon = undefined;

    sites.setServiceDown(true);
    try {
      daemon = await start();
      const [broken] = await runs(daemon, 2);
      expect(broken).toMatchObject({ status: 'fail', reason: 'http_status' });
      expect(await exported(daemon)).toBe(sites.idp.notAfter / 1000);
    } finally {
      sites.setServiceDown(false);
    }
  }, 90_000);
});
