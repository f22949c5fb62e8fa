/**
 * The daemon's server is no proxy: whatever a caller sends to any route (URLs in query
 * parameters, paths, headers and form fields; a report built from results that link to
 * other hosts), the daemon makes no request to a host its probes do not name. A canary
 * server on 127.0.0.1 counts every request that reaches it; it must stay at zero.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import type { Result } from '../../src/results/result.ts';

let dir: string;
let canary: Server;
let canaryUrl: string;
const hits: string[] = [];
let target: Server;
let targetUrl: string;
let daemon: Daemon;

beforeAll(async () => {
  canary = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('canary');
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-nofetch-'));
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'p.yaml'),
    // The service's page (shown in pages and the report) is on the canary; the check is not.
    `- id: kfz
  name: Kfz-Zulassung
  kind: http
  every: 1h
  timeout: 5s
  labels: { service: kfz, county: musterkreis }
  url: ${canaryUrl}/dienst
  http: { url: "${targetUrl}/kfz" }
- id: kfz-a11y
  name: Kfz-Zulassung – Barrierefreiheit
  kind: a11y
  enabled: false
  every: 1d
  timeout: 1m
  labels: { service: kfz, county: musterkreis }
  a11y: { urls: ["${targetUrl}/kfz"] }
`,
  );
  daemon = await startDaemon(
    {
      ...configSchema.parse({ probes: path.join(dir, 'probes'), dataDir: path.join(dir, 'data') }),
      server: { host: '127.0.0.1', port: 0 },
      watch: false,
    },
    { logger: pino({ level: 'silent' }) },
  );
  // A stored run whose text points at the canary from every place a page could put a URL.
  const probe = daemon.active()?.byId.get('kfz');
  if (!probe) throw new Error('probe not loaded');
  const run = await daemon.runner.run(probe);
  daemon.store.save({
    ...run,
    runId: 'canary-run',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'http_status',
    message: `<img src="${canaryUrl}/message.png"> see ${canaryUrl}/message`,
    http: { ...run.http, finalUrl: `${canaryUrl}/final` },
  } as Result);
  // An accessibility scan of a page on the canary, its finding's HTML loading from there too.
  daemon.store.save({
    ...run,
    runId: 'canary-a11y',
    probeId: 'kfz-a11y',
    kind: 'a11y',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'a11y_violations',
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      profile: 'en-301-549',
      pages: [
        {
          url: `${canaryUrl}/antrag`,
          seconds: 0.3,
          incomplete: [],
          violations: [
            {
              ruleId: 'image-alt',
              impact: 'critical',
              tags: ['wcag111'],
              wcag: ['1.1.1'],
              en301549: ['9.1.1.1'],
              help: 'Images must have alternative text',
              helpUrl: `${canaryUrl}/help`,
              nodes: [
                {
                  target: ['img'],
                  ancestry: ['html > body > img'],
                  html: `<img src="${canaryUrl}/finding.png"><link rel="stylesheet" href="${canaryUrl}/x.css">`,
                  occurrence: 'canary|img',
                  pattern: 'canary-img',
                },
              ],
            },
          ],
        },
      ],
    },
  });
  await daemon.store.flush();
});

afterAll(async () => {
  await daemon.stop();
  await new Promise((r) => canary.close(r));
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('no endpoint fetches a URL a caller names', () => {
  it('every route, with URLs in query, path, headers and body, leaves the canary untouched', async () => {
    const index = (await (await fetch(`${daemon.server.url}/api`)).json()) as {
      endpoints: string[];
    };
    const routes = index.endpoints.map((r) =>
      r.replace('{id}', r.includes('probes') ? 'kfz' : 'canary-run'),
    );
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const encoded = encodeURIComponent(canaryUrl);
    const params = ['url', 'target', 'u', 'redirect', 'next', 'callback', 'href', 'src', 'probe'];
    const query = params.map((p) => `${p}=${encoded}`).join('&');
    const paths = [
      ...routes,
      '/',
      '/reports',
      `/runs/canary-run/artifacts/${encoded}`,
      `/probes/${encoded}`,
      `/api/probes/${encoded}/runs`,
      `/${canaryUrl}`,
      `/reports/${encoded}`,
      `/reports/..%2F..%2Fetc%2Fpasswd`,
    ];
    let requests = 0;
    for (const p of paths) {
      for (const suffix of ['', `?${query}`]) {
        const res = await fetch(`${daemon.server.url}${p}${suffix}`, {
          headers: {
            'x-forwarded-host': new URL(canaryUrl).host,
            'x-forwarded-proto': 'http',
            referer: canaryUrl,
            origin: canaryUrl,
            forwarded: `host=${new URL(canaryUrl).host}`,
          },
          redirect: 'manual',
        });
        await res.arrayBuffer();
        requests++;
        // A redirect would hand the caller's URL back to a browser: none may point off-site.
        const location = res.headers.get('location');
        if (location) expect(new URL(location, daemon.server.url).origin).toBe(daemon.server.url);
      }
    }
    expect(requests).toBe(paths.length * 2);
    expect(hits).toEqual([]);
  });

  it('a report built from results that link elsewhere fetches nothing, also when printed to PDF', async () => {
    const body = new URLSearchParams([
      [
        'quarter',
        `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`,
      ],
      ['format', 'html'],
      ['format', 'pdf'],
      ['format', 'csv'],
      ['url', canaryUrl],
      ['logo', `${canaryUrl}/logo.png`],
    ]);
    const res = await fetch(`${daemon.server.url}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    await res.arrayBuffer();
    expect(res.status).toBeLessThan(400);
    const page = await (await fetch(`${daemon.server.url}/reports`)).text();
    const pdf = /href="(\/reports\/[^"]+\.pdf)"/.exec(page)?.[1];
    expect(pdf).toBeDefined();
    const html = /href="(\/reports\/[^"]+\.html)"/.exec(page)?.[1];
    const htmlText = await (await fetch(`${daemon.server.url}${html}`)).text();
    // The report does show the links (as text), so a renderer that loaded them would hit the canary.
    expect(htmlText).toContain(canaryUrl);
    const printed = await fetch(`${daemon.server.url}${pdf}`);
    expect(
      Buffer.from(await printed.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(hits).toEqual([]);
  }, 60_000);

  it('refuses a request body over the limit and keeps serving', async () => {
    const res = await fetch(`${daemon.server.url}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `quarter=${'x'.repeat(1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect((await fetch(`${daemon.server.url}/healthz`)).status).toBe(200);
  });
});
