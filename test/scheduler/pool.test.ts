import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { Pool } from '../../src/scheduler/pool.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('Pool', () => {
  it('runs at most `limit` at once, in arrival order', async () => {
    const pool = new Pool('http', 2);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      pool.run(async () => {
        started.push(i);
        await g.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(pool.waiting).toBe(1);
    gates[1]!.open();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await Promise.all(runs);
    expect(pool.active).toBe(0);
  });

  it('gives up waiting when the signal aborts', async () => {
    const pool = new Pool('http', 1);
    const g = gate();
    const first = pool.run(() => g.promise);
    const controller = new AbortController();
    const second = pool.run(() => Promise.resolve('ran'), controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(second).rejects.toThrow('shutdown');
    g.open();
    await first;
    expect(pool.active).toBe(0);
  });
});

describe('HostLimiter', () => {
  it('limits concurrent work per host, not across hosts', async () => {
    const limiter = new HostLimiter(2);
    const signal = new AbortController().signal;
    const g = gate();
    const runs = ['a', 'a', 'a', 'b'].map((host) => limiter.run(host, signal, () => g.promise));
    await Promise.resolve();
    expect(limiter.active('a')).toBe(2);
    expect(limiter.active('b')).toBe(1);
    g.open();
    await Promise.all(runs);
    expect(limiter.active('a')).toBe(0);
  });
});
