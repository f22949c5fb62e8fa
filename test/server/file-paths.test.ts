/**
 * Evidence and report downloads give out only files inside their folders: no `..`, no
 * encoded separator or absolute path, no broken escape, and no symbolic link placed in the
 * folder that leads out of it (to the store, to `/etc`).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './world.ts';

let world: World;
/** A file outside the data folders that the links below point at. */
let secretFile: string;

beforeAll(async () => {
  world = await startWorld();
  secretFile = path.join(world.dir, 'outside.txt');
  await writeFile(secretFile, 'nicht für den Browser');
  // A report name and an evidence name the patterns accept, both links out of their folders.
  await symlink(secretFile, path.join(world.reportsDir, 'ozgwatch-report-2026-Q2.csv'));
  await symlink(
    path.join(world.dir, 'store.db'),
    path.join(world.reportsDir, 'ozgwatch-report-2026-Q1.json'),
  );
  const runDir = path.join(world.artifacts.root, 'kfz', 'run-2');
  await mkdir(runDir, { recursive: true });
  await symlink(secretFile, path.join(runDir, 'trace.zip'));
  world.store.save({
    ...world.run,
    runId: 'run-2',
    artifacts: [{ name: 'trace.zip', kind: 'trace', contentType: 'application/zip', bytes: 1 }],
  });
  await world.store.flush();
});
afterAll(async () => {
  await world?.close();
});

async function status(route: string): Promise<number> {
  const res = await fetch(`${world.server.url}${route}`);
  await res.arrayBuffer();
  return res.status;
}

describe('downloads', () => {
  it('serve what lies in their folder', async () => {
    expect(await status('/reports/ozgwatch-report-2026-Q3.csv')).toBe(200);
    expect(await status('/runs/run-1/artifacts/trace.zip')).toBe(200);
  });

  it('refuse a symbolic link out of the reports or the evidence folder', async () => {
    expect(await status('/reports/ozgwatch-report-2026-Q2.csv')).toBe(404);
    expect(await status('/reports/ozgwatch-report-2026-Q1.json')).toBe(404);
    expect(await status('/runs/run-2/artifacts/trace.zip')).toBe(404);
  });

  it('answer a path that is no file name with 404, a broken escape included', async () => {
    for (const route of [
      '/reports/%E0%A4%A',
      '/reports/%',
      '/reports/%2Fetc%2Fpasswd',
      '/reports/..%2Fstore.db',
      '/reports/ozgwatch-report-2026-Q3.csv%00.html',
      '/reports/..%5Cstore.db',
      '/runs/run-1/artifacts/..%2F..%2Fstore.db',
      '/runs/run-1/artifacts/trace.zip%2F..%2F..%2F..%2Fstore.db',
      '/runs/..%2Fkfz/artifacts/trace.zip',
    ]) {
      expect(await status(route), route).toBe(404);
    }
    // The server is still there.
    expect(await status('/healthz')).toBe(200);
  });
});
