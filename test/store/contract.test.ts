/**
 * What every store backend must do alike: the same tests run against SQLite and
 * PostgreSQL (test/store/backends.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/results/result.ts';
import { storeBackends } from './backends.ts';
import { fullResult, result, T0 } from './sample-results.ts';

const backends = storeBackends();

describe.each(backends)('$name store', (backend) => {
  it('round-trips a full result and lists its summary', async () => {
    const store = await backend.open();
    const full = fullResult();
    store.save(full);
    await store.flush();
    expect(await store.run(full.runId)).toEqual(full);
    expect(await store.run('no-such-run')).toBeUndefined();
    expect(await store.runs({ probeId: full.probeId })).toEqual([
      {
        runId: full.runId,
        probeId: full.probeId,
        kind: 'http',
        startedAt: T0,
        duration: 1.234,
        status: 'fail',
        reportedStatus: 'degraded',
        reason: 'http_status',
        message: 'status 503 ∈ [200]',
        maintenance: true,
      },
    ]);
  });

  it('lists runs newest first, limited, and by time range', async () => {
    const store = await backend.open();
    for (let i = 0; i < 10; i++) store.save(result('a', T0 + i * 60_000));
    store.save(result('b', T0 + 30_000));
    const all = await store.runs({ probeId: 'a' });
    expect(all.map((r) => r.startedAt)).toEqual(
      Array.from({ length: 10 }, (_, i) => T0 + (9 - i) * 60_000),
    );
    expect((await store.runs({ probeId: 'a', limit: 3 })).map((r) => r.startedAt)).toEqual([
      T0 + 9 * 60_000,
      T0 + 8 * 60_000,
      T0 + 7 * 60_000,
    ]);
    // from inclusive, to exclusive.
    const range = await store.runs({ probeId: 'a', from: T0 + 2 * 60_000, to: T0 + 5 * 60_000 });
    expect(range.map((r) => r.startedAt)).toEqual([
      T0 + 4 * 60_000,
      T0 + 3 * 60_000,
      T0 + 2 * 60_000,
    ]);
    expect(await store.runs({ probeId: 'nobody' })).toEqual([]);
  });

  it('orders runs that started in the same millisecond by save order, newest first', async () => {
    const store = await backend.open();
    const first = result('a', T0);
    const second = result('a', T0);
    store.save(first);
    store.save(second);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.runId)).toEqual([
      second.runId,
      first.runId,
    ]);
  });

  it('returns the latest result per probe, also when results arrive out of order', async () => {
    const store = await backend.open();
    const newest = result('a', T0 + 120_000, { status: 'fail', reportedStatus: 'fail' });
    store.save(result('a', T0));
    store.save(newest);
    store.save(result('a', T0 + 60_000)); // late arrival of an older run
    const b = result('b', T0);
    store.save(b);
    const latest = await store.latest();
    expect([...latest.keys()].sort()).toEqual(['a', 'b']);
    expect(latest.get('a')).toEqual(newest);
    expect(latest.get('b')).toEqual(b);
    const some = await store.latest(['b', 'nobody']);
    expect([...some.keys()]).toEqual(['b']);
    expect((await store.latest([])).size).toBe(0);
  });

  it('ignores a second save of the same run', async () => {
    const store = await backend.open();
    const r = result('a', T0);
    store.save(r);
    store.save({ ...r, message: 'changed' });
    expect(await store.runs({ probeId: 'a' })).toHaveLength(1);
    expect((await store.run(r.runId))?.message).toBe(r.message);
  });

  it('prunes runs before a time and keeps latest consistent', async () => {
    const store = await backend.open();
    for (let i = 0; i < 5; i++) store.save(result('a', T0 + i * 1000));
    store.save(result('gone', T0 - 1000));
    expect(await store.prune(T0 + 3000)).toBe(4);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.startedAt)).toEqual([
      T0 + 4000,
      T0 + 3000,
    ]);
    // A probe with no run left has no latest result either.
    expect([...(await store.latest()).keys()]).toEqual(['a']);
    expect(await store.prune(T0 + 3000)).toBe(0);
  });

  it('prunes large histories in several transactions', async () => {
    const store = await backend.open();
    for (let i = 0; i < 5_000; i++) store.save(result(`p-${i % 3}`, T0 + i));
    expect(await store.prune(T0 + 4_500)).toBe(4_500);
    let left = 0;
    for (const id of ['p-0', 'p-1', 'p-2']) {
      left += (await store.runs({ probeId: id, limit: 10_000 })).length;
    }
    expect(left).toBe(500);
  });

  it('batches writes: commits by itself after the interval, and everything on close', async () => {
    const store = await backend.open({ flushIntervalMs: 20 });
    store.save(result('a', T0));
    expect(store.pending()).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(store.pending()).toBe(0);

    for (let i = 1; i <= 1234; i++) store.save(result('a', T0 + i));
    await store.close();
    await store.close(); // idempotent
    expect(() => store.save(result('a', T0))).toThrow(/closed/);
    await expect(store.runs({ probeId: 'a' })).rejects.toThrow(/closed/);

    const reopened = await backend.open();
    expect(await reopened.runs({ probeId: 'a', limit: 10_000 })).toHaveLength(1235);
  });

  it('commits at once when a full batch is queued', async () => {
    const store = await backend.open({ flushIntervalMs: 60_000, batchSize: 10 });
    for (let i = 0; i < 10; i++) store.save(result('a', T0 + i));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.pending()).toBe(0);
  });

  it('drops a result it cannot store alone instead of blocking the queue', async () => {
    const store = await backend.open();
    const good = result('a', T0);
    const bad = result('a', T0 + 1) as Result & { self?: unknown };
    bad.self = bad; // cannot be serialised
    const alsoGood = result('a', T0 + 2);
    store.save(good);
    store.save(bad);
    store.save(alsoGood);
    await store.flush();
    expect(store.pending()).toBe(0);
    expect(store.dropped()).toBe(1);
    expect((await store.runs({ probeId: 'a' })).map((r) => r.runId)).toEqual([
      alsoGood.runId,
      good.runId,
    ]);
  });
});
