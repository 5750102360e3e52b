// The registry: one entry per connected inbox, in its shard's hash, kept by the scheduler (from
// PostgreSQL, by NOTIFY and by reconcile). Every change is also published, so the owner of the shard
// starts or ends the inbox's session at once; an owner that missed messages (its subscriber
// reconnected) reloads its shards. Writes are O(1) per inbox; nothing scans the whole registry but
// the scheduler's reconcile.
import type { RedisConnection as Redis } from '../redis-connection';
import type { InboxJobData } from '../inbox-job';
import { fleetKeys, SHARD_COUNT, shardOf } from './fleet-keys';

export type RegistryChange = { op: 'add'; inboxes: InboxJobData[] } | { op: 'remove'; inboxIds: string[] };

/** Inboxes per published message: small enough for a subscriber to handle at once. */
const PUBLISH_BATCH = 500;

/** Adds (or re-adds: idempotent) inboxes to the registry and tells their owners. */
export async function registerInboxes(redis: Redis, fleet: string, inboxes: readonly InboxJobData[]): Promise<void> {
  if (inboxes.length === 0) return;
  const keys = fleetKeys(fleet);
  const byShard = new Map<number, string[]>();
  for (const { inboxId, accountId } of inboxes) {
    const fields = byShard.get(shardOf(inboxId)) ?? [];
    fields.push(inboxId, accountId);
    byShard.set(shardOf(inboxId), fields);
  }
  // One HSET per shard; ioredis pipelines these on one connection (and per node on a cluster).
  await Promise.all([...byShard].map(([shard, fields]) => redis.hset(keys.shard(shard), ...fields)));
  for (let i = 0; i < inboxes.length; i += PUBLISH_BATCH) {
    const change: RegistryChange = { op: 'add', inboxes: inboxes.slice(i, i + PUBLISH_BATCH).map(({ inboxId, accountId }) => ({ inboxId, accountId })) };
    await redis.publish(keys.changes, JSON.stringify(change));
  }
}

/** Removes inboxes from the registry and tells their owners (who end the sessions). */
export async function unregisterInboxes(redis: Redis, fleet: string, inboxIds: readonly string[]): Promise<void> {
  if (inboxIds.length === 0) return;
  const keys = fleetKeys(fleet);
  const byShard = new Map<number, string[]>();
  for (const inboxId of inboxIds) byShard.set(shardOf(inboxId), [...(byShard.get(shardOf(inboxId)) ?? []), inboxId]);
  await Promise.all([...byShard].map(([shard, ids]) => redis.hdel(keys.shard(shard), ...ids)));
  for (let i = 0; i < inboxIds.length; i += PUBLISH_BATCH) {
    const change: RegistryChange = { op: 'remove', inboxIds: inboxIds.slice(i, i + PUBLISH_BATCH) };
    await redis.publish(keys.changes, JSON.stringify(change));
  }
}

/** The registered inboxes of one shard. */
export async function shardInboxes(redis: Redis, fleet: string, shard: number): Promise<InboxJobData[]> {
  const entries = await redis.hgetall(fleetKeys(fleet).shard(shard));
  return Object.entries(entries).map(([inboxId, accountId]) => ({ inboxId, accountId }));
}

/** Every registered inbox id (the scheduler's reconcile; tests). One HKEYS per shard. */
export async function registeredInboxIds(redis: Redis, fleet: string): Promise<string[]> {
  const keys = fleetKeys(fleet);
  const shards = await Promise.all(Array.from({ length: SHARD_COUNT }, (_, shard) => redis.hkeys(keys.shard(shard))));
  return shards.flat();
}

/** Deletes a fleet's registry and membership (tests' clean-up; readiness keys expire on their own). */
export async function deleteFleet(redis: Redis, fleet: string): Promise<void> {
  const keys = fleetKeys(fleet);
  await Promise.all([...[...keys.membership, keys.legacyMembership].map((copy) => redis.del(copy.members, copy.epoch)), ...Array.from({ length: SHARD_COUNT }, (_, shard) => redis.del(keys.shard(shard)))]);
}

export function parseRegistryChange(message: string): RegistryChange | null {
  try {
    const change = JSON.parse(message) as RegistryChange;
    if (change.op === 'add' && Array.isArray(change.inboxes)) return change;
    if (change.op === 'remove' && Array.isArray(change.inboxIds)) return change;
  } catch {
    // not ours
  }
  return null;
}
