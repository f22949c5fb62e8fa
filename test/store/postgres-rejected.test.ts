/**
 * A result PostgreSQL refuses for its content does not vanish: it is kept, with the SQLSTATE
 * and the message, in `postgres-rejected.jsonl` beside the disk buffer, counted as dropped
 * from the store and logged with the file; the rest of its batch is written. Put back as
 * `postgres-retry.jsonl`, it is written at the next start. Against a real PostgreSQL; the
 * refusals are real ones: a fraction of a millisecond in `startedAt` (22P02, bigint) and a
 * CHECK constraint a DBA added (23514).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/results/result.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { RejectedLine } from '../../src/store/rejected-results.ts';
import { storeBackends } from './backends.ts';
import { result, T0 } from './sample-results.ts';

const postgres = storeBackends().find((b) => b.name === 'postgres');

async function until(condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lines(file: string): RejectedLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RejectedLine);
}

describe.skipIf(!postgres)('postgres store: results PostgreSQL refuses', () => {
  const backend = postgres!;
  const rejectedFile = () => path.join(backend.dir(), 'postgres-rejected.jsonl');
  const logged: { msg: string; file?: string; run?: string }[] = [];
  const open = (options: Partial<Parameters<typeof openPostgresStore>[0]> = {}) =>
    openPostgresStore({
      url: backend.postgres!.url(),
      bufferPath: path.join(backend.dir(), 'buffer.db'),
      logger: pino(
        { level: 'info' },
        { write: (l: string) => void logged.push(JSON.parse(l) as (typeof logged)[0]) },
      ),
      flushIntervalMs: 10,
      maxRetryDelayMs: 100,
      connectTimeoutMs: 1_000,
      ...options,
    });

  it('keeps a refused result with its SQLSTATE beside the buffer, and writes the rest of its batch', async () => {
    logged.length = 0;
    const store = await open();
    const before = result('r', T0);
    const refused = result('r', T0 + 0.5);
    const after = result('r', T0 + 1);
    for (const r of [before, refused, after]) store.save(r);
    await store.flush();

    expect((await store.runs({ probeId: 'r' })).map((r) => r.runId)).toEqual([
      after.runId,
      before.runId,
    ]);
    // Missing from the store: counted where the alert on lost history looks.
    expect(store.dropped()).toBe(1);
    const [line, ...more] = lines(rejectedFile());
    expect(more).toEqual([]);
    expect(line).toMatchObject({ runId: refused.runId, probeId: 'r', code: '22P02' });
    expect(line?.error).toMatch(/invalid input syntax for type bigint/);
    expect(line?.result).toEqual(refused);
    const said = logged.find((l) => l.run === refused.runId);
    expect(said?.msg).toBe('result rejected by the store; kept in the rejected-results file');
    expect(said?.file).toBe(rejectedFile());
    await store.close();
  });

  it('keeps a refused result that waited in the disk buffer, and empties the buffer', async () => {
    const store = await open();
    const server = backend.postgres!.server();
    await server.pause();
    const refused = result('b', T0 + 0.25);
    try {
      store.save(result('b', T0));
      store.save(refused);
      store.save(result('b', T0 + 1));
      await store.flush();
      expect(store.buffered().results).toBe(3);
    } finally {
      await server.resume();
    }
    await until(() => store.buffered().results === 0);
    expect(await store.runs({ probeId: 'b' })).toHaveLength(2);
    expect(lines(rejectedFile()).map((l) => l.runId)).toEqual([refused.runId]);
    expect(store.dropped()).toBe(1);
    await store.close();
  }, 60_000);

  it('a result JSON cannot hold (a cycle, a bug) is set aside and does not keep the others from the buffer', async () => {
    const store = await open();
    const server = backend.postgres!.server();
    const cyclic = result('e', T0 + 1, { http: { status: 200 } as Result['http'] });
    (cyclic.http as unknown as { self: unknown }).self = cyclic;
    await server.pause();
    try {
      store.save(result('e', T0));
      store.save(cyclic);
      store.save(result('e', T0 + 2));
      await store.flush();
      // Before, the append of the whole batch failed at the cycle: all three stayed in memory.
      expect(store.buffered().results).toBe(2);
      expect(store.pending()).toBe(0);
      expect(store.healthy()).toBe(true);
    } finally {
      await server.resume();
    }
    await until(() => store.buffered().results === 0);
    expect(await store.runs({ probeId: 'e' })).toHaveLength(2);
    const [line] = lines(rejectedFile());
    expect(line).toMatchObject({
      runId: cyclic.runId,
      result: { http: { self: '[repeated object]' } },
    });
    expect(line?.error).toMatch(/circular/i);
    expect(store.dropped()).toBe(1);
    await store.close();
  }, 60_000);

  it('writes results put back as postgres-retry.jsonl at the next start, once the cause is gone', async () => {
    const server = backend.postgres!.server();
    const db = new URL(backend.postgres!.url()).pathname.slice(1);
    let store = await open();
    // A DBA's rule the daemon does not know of refuses long messages.
    await server.query(
      db,
      'ALTER TABLE runs ADD CONSTRAINT short_message CHECK (length(message) < 40)',
    );
    const long = result('c', T0, {
      message: 'status 503 ∈ [200], body "Wartungsarbeiten bis 18 Uhr"',
    });
    store.save(long);
    store.save(result('c', T0 + 1));
    await store.flush();
    expect(lines(rejectedFile())).toMatchObject([{ runId: long.runId, code: '23514' }]);
    await store.close();

    // What docs/operations.md tells the operator: remove the cause, move the file, restart.
    await server.query(db, 'ALTER TABLE runs DROP CONSTRAINT short_message');
    renameSync(rejectedFile(), path.join(backend.dir(), 'postgres-retry.jsonl'));
    store = await open();
    await until(async () => (await store.runs({ probeId: 'c' })).length === 2);
    expect(await store.run(long.runId)).toEqual(long);
    expect(existsSync(path.join(backend.dir(), 'postgres-retry.jsonl'))).toBe(false);
    expect(existsSync(rejectedFile())).toBe(false);
    expect(store.dropped()).toBe(0);
    await store.close();
  });

  it('leaves a retry file it cannot read in place, and starts', async () => {
    const { writeFileSync } = await import('node:fs');
    const retry = path.join(backend.dir(), 'postgres-retry.jsonl');
    writeFileSync(retry, '{"result": {"runId": "x", "probeId": "p"}}\nnot json\n');
    logged.length = 0;
    const store = await open();
    expect(existsSync(retry)).toBe(true);
    expect(store.buffered().results).toBe(0);
    expect(logged.find((l) => l.msg.startsWith('cannot take the results put back'))).toBeDefined();
    await store.close();
  });

  it('past the bound of the file, a refused result is lost, and the log says so', async () => {
    logged.length = 0;
    const store = await open({ rejectedMaxBytes: 100 });
    const refused: Result = result('d', T0 + 0.5);
    store.save(refused);
    store.save(result('d', T0 + 1));
    await store.flush();
    expect(await store.runs({ probeId: 'd' })).toHaveLength(1);
    expect(store.dropped()).toBe(1);
    expect(existsSync(rejectedFile())).toBe(false);
    expect(logged.find((l) => l.run === refused.runId)?.msg).toBe(
      'result rejected by the store; dropped, the rejected-results file cannot take it',
    );
    await store.close();
  });
});
