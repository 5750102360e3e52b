// Rendezvous ownership of shards: every member computes the same owner from the same list, the shards
// spread evenly, and a member joining or leaving moves only the shards it gains or loses.
import { describe, expect, it } from 'vitest';
import { ownedShards, ownerOf, SHARD_COUNT, shardOf } from '../src/index';

const workers = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i}-${(i * 7919).toString(36)}`);

describe('shard ownership', () => {
  it('gives every shard exactly one owner, the same whichever member computes it and in whatever order the list comes', () => {
    const members = workers(5);
    const owned = members.map((m) => ownedShards(m, members));
    const total = owned.reduce((sum, s) => sum + s.size, 0);
    expect(total).toBe(SHARD_COUNT);
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      expect(owned.filter((s) => s.has(shard))).toHaveLength(1);
      expect(ownerOf(shard, [...members].reverse())).toBe(ownerOf(shard, members));
    }
  });

  it('spreads shards evenly (each of 3 members within 15 % of a third)', () => {
    const members = workers(3);
    for (const m of members) {
      const n = ownedShards(m, members).size;
      expect(Math.abs(n - SHARD_COUNT / 3) / (SHARD_COUNT / 3)).toBeLessThan(0.15);
    }
  });

  it('a member joining takes about 1/N of the shards, all from the others, and no other shard moves', () => {
    const before = workers(2);
    const after = [...before, 'worker-new'];
    let moved = 0;
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const was = ownerOf(shard, before);
      const is = ownerOf(shard, after);
      if (was !== is) {
        moved++;
        expect(is).toBe('worker-new');
      }
    }
    expect(moved / SHARD_COUNT).toBeGreaterThan(0.25);
    expect(moved / SHARD_COUNT).toBeLessThan(0.42);
  });

  it('a member leaving hands only its own shards to the others', () => {
    const before = workers(4);
    const after = before.slice(1);
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const was = ownerOf(shard, before);
      if (was !== before[0]) expect(ownerOf(shard, after)).toBe(was);
    }
  });

  it('puts an inbox in the same shard every time, and spreads inboxes over the shards', () => {
    const id = '3f1c2a9e-8c1b-4d5e-9f00-1234567890ab';
    expect(shardOf(id)).toBe(shardOf(id));
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const s = shardOf(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.size).toBeGreaterThan(SHARD_COUNT * 0.99);
  });
});
