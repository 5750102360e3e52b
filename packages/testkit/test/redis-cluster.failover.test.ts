// The stack's Redis Cluster and the testkit's handle on it: three primaries with a replica each, a key's
// primary promoted away by CLUSTER FAILOVER, and a primary killed outright, after which the replica serves
// its slots and the killed node comes back as that replica's replica.
import { afterEach, describe, expect, it } from 'vitest';
import { redisCluster, uniqueName, type RedisClusterHelper } from '../src/index';

let cluster: RedisClusterHelper | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('the Redis Cluster of the stack', () => {
  it('is three primaries covering all 16384 slots, each with one replica', async () => {
    cluster = redisCluster();
    const nodes = await cluster.nodes();
    const primaries = nodes.filter((n) => n.role === 'primary');
    expect(primaries).toHaveLength(3);
    expect(nodes.filter((n) => n.failing)).toEqual([]);
    for (const p of primaries) expect(nodes.filter((n) => n.primaryId === p.id)).toHaveLength(1);
    const covered = primaries.flatMap((p) => p.slots).reduce((sum, [first, last]) => sum + last - first + 1, 0);
    expect(covered).toBe(16384);
  });

  it('failover(key) hands the key to the replica, with the data, and the client follows', async () => {
    cluster = redisCluster();
    const client = await cluster.client();
    const key = `{${uniqueName('failover')}}:value`;
    await client.set(key, 'before');
    const before = await cluster.primaryOf(key);

    const result = await cluster.failover(key);
    expect(result.from).toBe(before.address);
    expect(result.to).not.toBe(before.address);
    expect((await cluster.primaryOf(key)).address).toBe(result.to);
    expect(result.ms).toBeLessThan(10_000);
    // A manual failover waits for the replica to catch up: nothing written before is lost.
    expect(await client.get(key)).toBe('before');
    await client.set(key, 'after');
    expect(await client.get(key)).toBe('after');
  });

  it('killPrimary(key): the replica takes over after the node timeout, and the killed node rejoins as its replica', { timeout: 240_000 }, async () => {
    cluster = redisCluster();
    const client = await cluster.client();
    const key = `{${uniqueName('crash')}}:value`;
    await client.set(key, 'v');
    const result = await cluster.killPrimary(key);
    expect((await cluster.primaryOf(key)).address).toBe(result.to);
    const nodes = await cluster.nodes();
    const killed = nodes.find((n) => n.address === result.from)!;
    expect(killed.role).toBe('replica');
    expect(killed.primaryId).toBe(nodes.find((n) => n.address === result.to)!.id);
    expect(nodes.filter((n) => n.failing)).toEqual([]);
    // ioredis found the new primary by itself.
    await client.set(key, 'after');
    expect(await client.get(key)).toBe('after');
  });
});
