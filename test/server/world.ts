/**
 * A server over a SQLite store in a temporary folder, with one failed run whose evidence
 * (a screenshot, a trace of `traceBytes`, a download) lies in the artifact folder, and an
 * empty reports folder: what the tests of the server's answers build on.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { probeSchema, type LoadedProbe } from '../../src/probes/schema.ts';
import type { Result } from '../../src/results/result.ts';
import { ArtifactStore } from '../../src/runner/artifacts.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { buildMetrics } from '../metrics/helpers.ts';

export interface World {
  dir: string;
  server: RunningServer;
  store: SqliteStore;
  artifacts: ArtifactStore;
  reportsDir: string;
  run: Result;
  close(): Promise<void>;
}

const PROBE = probeSchema.parse({
  id: 'kfz',
  name: 'Kfz-Zulassung',
  kind: 'browser',
  every: '1h',
  labels: { service: 'kfz', county: 'musterkreis' },
  browser: { steps: [{ name: 'start', goto: 'https://kfz.example.de/' }] },
});

export async function startWorld(
  options: { traceBytes?: number; server?: Partial<ServerOptions> } = {},
): Promise<World> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-server-world-'));
  const file = path.join(dir, 'store.db');
  const store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  const artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  const evidence = artifacts.forRun('kfz', 'run-1');
  const run: Result = {
    runId: 'run-1',
    probeId: 'kfz',
    kind: 'browser',
    startedAt: Date.now() - 60_000,
    duration: 1.5,
    attempts: 1,
    maintenance: false,
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'selector_missing',
    message: 'step start: no such element',
    assertions: [],
    artifacts: [
      await evidence.write('failure.png', 'screenshot', 'image/png', new Uint8Array(64)),
      await evidence.write(
        'trace.zip',
        'trace',
        'application/zip',
        new Uint8Array(options.traceBytes ?? 1024),
      ),
      await evidence.write('download-1.pdf', 'download', 'application/octet-stream', '%PDF-'),
    ],
  };
  store.save(run);
  await store.flush();
  const reportsDir = path.join(dir, 'reports');
  await mkdir(reportsDir);
  await writeFile(path.join(reportsDir, 'ozgwatch-report-2026-Q3.csv'), 'a,b\n1,2\n');
  const loaded: LoadedProbe[] = [{ probe: PROBE, source: { file: 'probes/kfz.yaml' } }];
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    metrics: buildMetrics(),
    store,
    probes: () => loaded,
    artifacts,
    nextRunAt: () => undefined,
    reports: { dir: reportsDir, storeLocation: { sqlite: file } },
    ready: () => true,
    ...options.server,
  });
  return {
    dir,
    server,
    store,
    artifacts,
    reportsDir,
    run,
    close: async () => {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
