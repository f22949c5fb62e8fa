import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import type { MediaBreak, Result } from '../../../src/results/result.ts';
import { startServer, type RunningServer } from '../../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite.ts';
import { runCli } from '../../cli/run-cli.ts';
import { buildMetrics } from '../../metrics/helpers.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

/**
 * A legally mandated appearance is told apart wherever findings are read: in the stored run
 * as `/api/runs/{id}` serves it, and in `ozgwatch run --json`.
 */
let world: BrowserWorld;
let dir: string;
let store: SqliteStore;
let server: RunningServer;

const PAGE = 'reisepass-fingerabdruecke-vor-ort';
const legal = {
  kind: 'in-person',
  legallyMandated: true,
  legalBasis: {
    rule: 'identity-document',
    evidence: { text: expect.stringMatching(/Fingerabdrücke/) as unknown },
  },
};

beforeAll(async () => {
  world = await startBrowserWorld();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-legal-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    metrics: buildMetrics(),
    store,
    probes: () => [],
    nextRunAt: () => undefined,
    ready: () => true,
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await store?.close();
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('legallyMandated where findings are read', () => {
  it('survives the store and is served by /api/runs/{id}', async () => {
    const outcome = await checkMediaBreaks(
      world.context(),
      mediaBreaksSpecSchema.parse({ url: `${world.portal.http}/media-breaks/${PAGE}/` }),
    );
    const result: Result = {
      ...outcome,
      runId: 'run-reisepass-1',
      probeId: 'reisepass-medienbrueche',
      kind: 'media-breaks',
      startedAt: Date.now(),
      duration: 1,
      attempts: 1,
      maintenance: false,
      reportedStatus: outcome.status,
    };
    store.save(result);
    await store.flush();
    const res = await fetch(`${server.url}/api/runs/run-reisepass-1`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { mediaBreaks: { breaks: MediaBreak[] } };
    expect(served.mediaBreaks.breaks).toMatchObject([legal]);
  }, 30_000);

  it('is in the output of ozgwatch run --json', async () => {
    await mkdir(path.join(dir, 'probes'), { recursive: true });
    await writeFile(
      path.join(dir, 'probes', 'pass.yaml'),
      `- id: reisepass-medienbrueche
  name: Reisepass – Medienbrüche
  kind: media-breaks
  timeout: 40s
  labels: { service: reisepass }
  media-breaks:
    url: ${world.portal.http}/media-breaks/${PAGE}/
`,
    );
    const ran = await runCli(['run', 'reisepass-medienbrueche', '--json', '--data', 'data'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    // A break fails the run (exit 1); the finding is in the document all the same.
    expect([ran.code, ran.stderr]).toEqual([1, expect.any(String)]);
    const doc = JSON.parse(ran.stdout) as {
      message: string;
      mediaBreaks: { breaks: MediaBreak[] };
    };
    expect(doc.mediaBreaks.breaks).toMatchObject([legal]);
    expect(doc.message).toMatch(/in-person \(required by law\)/);
  }, 70_000);
});
