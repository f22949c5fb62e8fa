import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/runner/artifacts.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ozgwatch-artifacts-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ArtifactStore', () => {
  it('writes evidence per run and describes it', async () => {
    const store = new ArtifactStore(root);
    const a = await store
      .forRun('kfz', 'run-1')
      .write('page.html', 'html', 'text/html', '<p>x</p>');
    expect(a).toEqual({ name: 'page.html', kind: 'html', contentType: 'text/html', bytes: 8 });
    await expect(store.forRun('kfz', 'run-1').path('../etc/passwd')).rejects.toThrow(/not safe/);
    expect(store.file('kfz', 'run-1', '../../ozgwatch.db')).toBeUndefined();
  });

  it('retention deletes old runs but keeps the newest of each probe', async () => {
    const store = new ArtifactStore(root);
    const old = Date.now() / 1000 - 30 * 86_400;
    for (const [probe, run, age] of [
      ['kfz', 'a', old],
      ['kfz', 'b', old + 60],
      ['wohngeld', 'c', old],
    ] as const) {
      await store.forRun(probe, run).write('failure.png', 'screenshot', 'image/png', 'x');
      await utimes(path.join(root, probe, run), age, age);
    }
    expect(await store.prune(Date.now() - 14 * 86_400_000)).toBe(1);
    expect(await readdir(path.join(root, 'kfz'))).toEqual(['b']);
    expect(await readdir(path.join(root, 'wohngeld'))).toEqual(['c']);
  });
});
