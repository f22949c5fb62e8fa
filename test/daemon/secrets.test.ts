/**
 * A canary secret used by a journey never leaves the journey: after the daemon ran it,
 * failed it on purpose (so every kind of evidence is written), served its pages and API
 * and made a report, the test reads everything ozgwatch wrote — every file under the
 * data folder (store, write-ahead log, artifacts, the entries of each trace zip, reports),
 * the debug log, every HTTP answer — and finds the canary in none of it, in no encoding.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';

const CANARY = 'Kanarien Vogel!7c1e&9b2f';
/** The canary as it could appear: raw, in URLs and forms, in HTML, in base64. */
const FORMS = [
  CANARY,
  encodeURIComponent(CANARY),
  encodeURIComponent(CANARY).replace(/%20/g, '+'),
  CANARY.replace(/&/g, '&amp;'),
  Buffer.from(CANARY).toString('base64'),
];
const MAIN = path.join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

let dir: string;
let portal: Portal;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-canary-'));
  portal = await startPortal();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'login.yaml'),
    `- id: postfach-login
  name: Postfach-Anmeldung
  kind: browser
  every: 10s
  timeout: 9s
  labels: { service: postfach, county: musterkreis }
  browser:
    stepTimeout: 2s
    allowRequests: [{ method: POST, url: "**/dienste/login/anmelden" }]
    steps:
      - { goto: "${portal.http}/dienste/login/" }
      - { fill: { label: Benutzername, value: testnutzer } }
      - { fill: { label: Passwort, value: "\${env:OZGWATCH_CANARY}" } }
      - { name: anmelden, click: { role: button, name: Anmelden } }
      - { name: postfach, expectText: Ihr Postfach }
`,
  );
}, 60_000);

afterAll(async () => {
  await portal?.close();
  await rm(dir, { recursive: true, force: true });
});

function leaks(text: string): string[] {
  return FORMS.filter((f) => text.includes(f));
}

/** Every file under a folder, trace zips opened. */
function everything(root: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const bytes = readFileSync(full);
        out.push([full, bytes.toString('latin1')]);
        if (name.endsWith('.zip')) {
          for (const [entry, data] of Object.entries(unzipSync(bytes))) {
            out.push([`${full}:${entry}`, Buffer.from(data).toString('latin1')]);
          }
        }
      }
    }
  };
  walk(root);
  return out;
}

describe('a canary secret', () => {
  it('appears in no file, log line, API answer, page, trace or report', async () => {
    const data = path.join(dir, 'data');
    const log: string[] = [];
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: {
        PATH: process.env.PATH,
        OZGWATCH_PROBES: path.join(dir, 'probes'),
        OZGWATCH_DATA_DIR: data,
        OZGWATCH_PORT: '0',
        OZGWATCH_LOG_LEVEL: 'debug',
        OZGWATCH_CANARY: CANARY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('daemon did not start')), 60_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        log.push(line);
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'ozgwatch serving' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      });
    });

    // The journey logs in (the POST is allowed), then fails on purpose: all evidence written.
    // Its first run comes at a random moment within its 10 s interval.
    let runId = '';
    const end = Date.now() + 60_000;
    while (!runId && Date.now() < end) {
      const runs = (await (await fetch(`${url}/api/probes/postfach-login/runs`)).json()) as {
        runId: string;
      }[];
      runId = runs[0]?.runId ?? '';
      if (!runId) await new Promise((r) => setTimeout(r, 250));
    }
    expect(runId, log.filter((l) => /"level":(40|50|60)/.test(l)).join('\n')).not.toBe('');
    expect(portal.posts().get('/dienste/login/anmelden')).toBeGreaterThanOrEqual(1);

    const answers: [string, string][] = [];
    const run = (await (await fetch(`${url}/api/runs/${runId}`)).json()) as {
      status: string;
      artifacts?: { name: string }[];
    };
    expect(run.status).toBe('fail');
    for (const route of [
      '/',
      '/api/probes',
      `/api/runs/${runId}`,
      '/probes/postfach-login',
      `/runs/${runId}`,
      '/metrics',
      ...(run.artifacts ?? []).map((a) => `/runs/${runId}/artifacts/${a.name}`),
    ]) {
      const res = await fetch(`${url}${route}`);
      answers.push([route, Buffer.from(await res.arrayBuffer()).toString('latin1')]);
    }
    expect(answers.map(([r]) => r)).toContain(`/runs/${runId}/artifacts/trace.zip`);

    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    // A report of the quarter, from the same store.
    const report = spawn(
      process.execPath,
      [MAIN, 'report', '--from', '2000-01-01', '--to', '2099-12-31', '--format', 'html,csv,json'],
      { env: { PATH: process.env.PATH, OZGWATCH_DATA_DIR: data }, stdio: 'ignore' },
    );
    expect(await new Promise((r) => report.once('exit', r))).toBe(0);

    const written = everything(data);
    expect(written.some(([f]) => f.endsWith('.html') && f.includes('reports'))).toBe(true);
    expect(written.some(([f]) => f.includes('trace.zip:'))).toBe(true);
    const found = [
      ...written.map(([f, text]) => [f, leaks(text)] as const),
      ...answers.map(([r, text]) => [r, leaks(text)] as const),
      ['log', leaks(log.join('\n'))] as const,
    ].filter(([, hits]) => hits.length > 0);
    expect(found).toEqual([]);
  }, 180_000);
});
