import { describe, expect, it } from 'vitest';
import { ownerOf, owns, parseShard, shardOfInstance } from '../../src/scheduler/shard.ts';

const ids = Array.from({ length: 20_000 }, (_, i) => `kommune-${String(i).padStart(5, '0')}-kfz`);

function owners(count: number): number[] {
  return ids.map((id) => ownerOf(id, count));
}

describe('rendezvous sharding', () => {
  it('gives every probe to exactly one of N instances, each about 1/N', () => {
    const owner = owners(5);
    for (let index = 0; index < 5; index++) {
      const mine = ids.filter((id) => owns({ index, count: 5 }, id));
      // Exactly the probes ownerOf names, so the instances' shares are disjoint and complete.
      expect(mine.length).toBe(owner.filter((o) => o === index).length);
      // 4,000 ± 5 %: an even split.
      expect(Math.abs(mine.length - 4_000)).toBeLessThan(200);
    }
    expect(owner.every((o) => o >= 0 && o < 5)).toBe(true);
  });

  it('going from 5 to 6 instances moves about 1/6 of the probes, all to the new one', () => {
    const before = owners(5);
    const after = owners(6);
    const moved = ids.filter((_, i) => before[i] !== after[i]);
    expect(Math.abs(moved.length / ids.length - 1 / 6)).toBeLessThan(0.01);
    // Nothing moves between the instances that were already there.
    expect(moved.every((id) => ownerOf(id, 6) === 5)).toBe(true);
  });

  it('going from 3 to 2 instances moves only the probes of the one that left', () => {
    const before = owners(3);
    const after = owners(2);
    ids.forEach((_, i) => {
      if (before[i] !== 2) expect(after[i]).toBe(before[i]);
    });
  });

  it('one instance, or none configured, runs everything', () => {
    expect(ids.every((id) => owns(undefined, id) && owns({ index: 0, count: 1 }, id))).toBe(true);
  });

  it('is the same on every machine: fixed owners for known ids', () => {
    // Pinned so that a change of the hash (which would move probes between instances on
    // an upgrade) cannot go unnoticed.
    expect(['a', 'b', 'c', 'kfz-ludwigsburg', 'wohngeld-ulm'].map((id) => ownerOf(id, 4))).toEqual([
      3, 0, 0, 0, 2,
    ]);
  });

  it('parses INDEX/COUNT and StatefulSet pod names, and says what is wrong', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShard('5/5')).toThrow(/0 ≤ INDEX < COUNT.*"5\/5"/);
    expect(() => parseShard('2-5')).toThrow(/like 2\/5/);
    expect(() => parseShard('0/0')).toThrow();
    expect(shardOfInstance('ozgwatch-2', 3)).toEqual({ index: 2, count: 3 });
    expect(() => shardOfInstance('ozgwatch-3', 3)).toThrow(
      /ordinal 3, but there are only 3 shards/,
    );
    expect(() => shardOfInstance('monitoring', 3)).toThrow(/does not end in an ordinal/);
  });
});
