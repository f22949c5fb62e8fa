import { hash } from 'node:crypto';

/** This instance's part of the probe set: instance `index` of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Which of `count` instances runs a probe: rendezvous (highest-random-weight) hashing.
 * Every instance scores every (instance, probe) pair with the same hash and the highest
 * score wins, so all instances agree without talking to each other, each gets about
 * 1/count of the probes, and going from N to N+1 instances moves only the probes the new
 * instance wins — about 1/(N+1) — while every other probe stays where it was.
 */
export function ownerOf(probeId: string, count: number): number {
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < count; i++) {
    const score = weight(i, probeId);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** Whether `shard` runs the probe; every probe when there is no sharding. */
export function owns(shard: Shard | undefined, probeId: string): boolean {
  return shard === undefined || shard.count === 1 || ownerOf(probeId, shard.count) === shard.index;
}

/** `2/5` → instance 2 of 5. */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new Error(`expected INDEX/COUNT with 0 ≤ INDEX < COUNT, like 2/5; got "${text}"`);
  }
  return { index, count };
}

/**
 * The shard of a StatefulSet pod: its name ends in its ordinal (`ozgwatch-2` → 2), and the
 * replica count comes from the configuration.
 */
export function shardOfInstance(instance: string, count: number): Shard {
  const match = /-(\d+)$/.exec(instance);
  if (!match) {
    throw new Error(
      `instance name "${instance}" does not end in an ordinal like "ozgwatch-2"; set shard: INDEX/COUNT instead`,
    );
  }
  const index = Number(match[1]);
  if (index >= count) {
    throw new Error(
      `instance "${instance}" has ordinal ${index}, but there are only ${count} shards`,
    );
  }
  return { index, count };
}

/**
 * A 53-bit score of (instance, probe) from SHA-1: uniform enough that shares are even,
 * and the same on every machine and Node version.
 */
function weight(instance: number, probeId: string): number {
  const digest = hash('sha1', `${instance}\u0000${probeId}`, 'buffer');
  return digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11);
}
