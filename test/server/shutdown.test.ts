/**
 * Closing the daemon's server on shutdown: requests in progress get a grace, then their
 * connections are closed, so that a client that stops reading cannot hold the exit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/runner/artifacts.ts';
import { startServer } from '../../src/server/server.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { buildMetrics } from '../metrics/helpers.ts';
import { result } from '../store/sample-results.ts';

let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-server-shutdown-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('server shutdown', () => {
  it('cuts off a client that stops reading a trace download after the grace, and closes', async () => {
    const artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
    // A trace far larger than the socket buffers on both ends.
    const bytes = 64 * 2 ** 20;
    const failed = result('wohngeld', Date.now(), {
      kind: 'browser',
      status: 'fail',
      reportedStatus: 'fail',
      artifacts: [{ name: 'trace.zip', kind: 'trace', contentType: 'application/zip', bytes }],
    });
    const run = artifacts.forRun(failed.probeId, failed.runId);
    await writeFile(await run.path('trace.zip'), Buffer.alloc(bytes, 'T'));
    store.save(failed);
    await store.flush();
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      metrics: buildMetrics(),
      store,
      artifacts,
      probes: () => [],
      nextRunAt: () => undefined,
      ready: () => true,
    });

    // Asks for the trace and reads the first bytes, then nothing more.
    const client: Socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => undefined); // the reset when the server cuts it off
    client.write(
      `GET /runs/${failed.runId}/artifacts/trace.zip HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    const head = await new Promise<string>((resolve) =>
      client.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
    );
    client.pause();
    expect(head).toMatch(/^HTTP\/1\.1 200/);

    const started = performance.now();
    await server.close();
    // The download had its grace, and no more: before this change, close waited for it forever.
    expect(performance.now() - started).toBeGreaterThan(4_500);
    client.resume();
    await closed;
  }, 30_000);
});
