// Where a fleet keeps its state in Redis, and which shard an inbox belongs to.
//
// A fleet (one per REPLY_SYNC_QUEUE name: tests make their own) is a registry of connected inboxes, cut
// into SHARD_COUNT shards, and a membership of live workers. A shard is the unit a worker takes: its
// owner is the live member with the highest rendezvous score for it (ownership.ts). Every shard's keys
// share a hash tag of their own, so on a Redis Cluster the registry spreads over the nodes; the
// membership, a few bytes per worker, has one tag.

/**
 * Shards per fleet. Enough that a fleet of a few hundred workers still splits them evenly (each owns
 * SHARD_COUNT / workers), few enough that a worker loads its shards in one round of commands.
 */
export const SHARD_COUNT = 1024;

export interface FleetKeys {
  /** ZSET of live members scored by their last heartbeat (Redis server time, ms). */
  members: string;
  /** STRING: made afresh by the first heartbeat after the fleet's state was lost. */
  epoch: string;
  /** Pub/sub channel of registry changes (classic PUBLISH: it reaches every node of a cluster). */
  changes: string;
  /** HASH inboxId → accountId of one shard's connected inboxes. */
  shard(shard: number): string;
  /** STRING with a TTL: `member` holds the shard's sessions now (handover-readiness.ts). */
  ready(shard: number, member: string): string;
}

export function fleetKeys(fleet: string): FleetKeys {
  return {
    members: `{rs:${fleet}:fleet}:members`,
    epoch: `{rs:${fleet}:fleet}:epoch`,
    changes: `rs:${fleet}:changes`,
    shard: (shard) => `{rs:${fleet}:s${shard}}:inboxes`,
    ready: (shard, member) => `{rs:${fleet}:s${shard}}:ready:${member}`,
  };
}

/** FNV-1a (32 bit) with a murmur3 finaliser: fast, stable across processes and versions, well spread. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The shard of an inbox: stable for its life, the same in every process. */
export function shardOf(inboxId: string): number {
  return hash32(inboxId) % SHARD_COUNT;
}
