import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limitDownloads } from '../../src/runner/download-limit.ts';

let dir: string;
let cancelled: string[];
let limiter: { close(): void };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-download-limit-'));
  cancelled = [];
  limiter = limitDownloads({
    dir,
    maxBytes: 1000,
    cancel: (guid) => Promise.resolve(void cancelled.push(guid)),
  });
});

afterEach(async () => {
  limiter.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes `chunks` × 100 bytes to a file, one write at a time, as Chromium does. */
async function grow(name: string, chunks: number): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, '');
  for (let i = 0; i < chunks; i++) {
    await appendFile(file, Buffer.alloc(100, 'A'));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('limitDownloads', () => {
  it('cancels a download once, as its file grows past the limit', async () => {
    const guid = randomUUID();
    await grow(`${guid}.crdownload`, 30);
    await expect.poll(() => cancelled).toEqual([guid]);
  });

  it('leaves downloads within the limit, and files that are not downloads in progress', async () => {
    const small = randomUUID();
    await grow(`${small}.crdownload`, 10); // exactly the limit
    await grow(randomUUID(), 30); // complete: renamed, no longer Chromium's to cancel
    await grow('notiz.txt.crdownload', 30);
    // The watcher runs on events; give the last ones time to arrive before asserting none came.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const big = randomUUID();
    await grow(`${big}.crdownload`, 11);
    await expect.poll(() => cancelled).toEqual([big]);
  });
});
