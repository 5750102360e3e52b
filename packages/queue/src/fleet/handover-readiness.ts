// Handover readiness. A new owner of a shard, once it holds the shard's sessions, says so under its own
// name (one key per shard and member, so an old owner finishing its own, older start can never
// overwrite it), and takes the word back when it lets the shard go; the previous owner keeps its
// sessions until the shard's owner by its current view has said so. The key also expires on its own
// (a crashed member never takes it back), since it matters only during a handover.
import type { RedisConnection as Redis } from '../redis-connection';
import { fleetKeys } from './fleet-keys';

/** Long enough for any handover; the key is not needed after it. */
const READY_TTL_MS = 5 * 60_000;

export async function markShardReady(redis: Redis, fleet: string, shard: number, member: string): Promise<void> {
  await redis.set(fleetKeys(fleet).ready(shard, member), '1', 'PX', READY_TTL_MS);
}

/** Takes back what markShardReady said (the member let the shard go). */
export async function unmarkShardReady(redis: Redis, fleet: string, shard: number, member: string): Promise<void> {
  await redis.del(fleetKeys(fleet).ready(shard, member));
}

/** For each shard, whether `owners.get(shard)` has said it holds the shard's sessions. */
export async function shardsReady(redis: Redis, fleet: string, owners: ReadonlyMap<number, string>): Promise<Map<number, boolean>> {
  const keys = fleetKeys(fleet);
  const entries = [...owners];
  const found = await Promise.all(entries.map(([shard, member]) => redis.exists(keys.ready(shard, member))));
  return new Map(entries.map(([shard], i) => [shard, found[i] === 1]));
}
