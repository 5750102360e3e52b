// Who holds a shard's sessions now. A new owner writes itself here once it holds the shard's sessions;
// the previous owner keeps its sessions until then, so a handover never leaves an inbox without a
// session (and has two only for the moments in between).
import type { Redis } from 'ioredis';
import { fleetKeys } from './fleet-keys';

export async function setShardHolder(redis: Redis, fleet: string, shard: number, member: string): Promise<void> {
  await redis.set(fleetKeys(fleet).holder(shard), member);
}

/** Holders of several shards (one GET each; keys of different shards live in different slots). */
export async function shardHolders(redis: Redis, fleet: string, shards: readonly number[]): Promise<Map<number, string | null>> {
  const keys = fleetKeys(fleet);
  const values = await Promise.all(shards.map((shard) => redis.get(keys.holder(shard))));
  return new Map(shards.map((shard, i) => [shard, values[i] ?? null]));
}
