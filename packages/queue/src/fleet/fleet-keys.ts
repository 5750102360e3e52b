// Where a fleet keeps its state in Redis, and which shard an inbox belongs to.
//
// A fleet (one per REPLY_SYNC_QUEUE name: tests make their own) is a registry of connected inboxes, cut
// into SHARD_COUNT shards, and a membership of live workers. A shard is the unit a worker takes: its
// owner is the live member with the highest rendezvous score for it (ownership.ts). Every shard's keys
// share a hash tag of their own, so on a Redis Cluster the registry spreads over the nodes. The
// membership, a few bytes per worker, is kept in MEMBERSHIP_COPIES copies whose tags sit a third of the
// slot range apart, so on a cluster's usual even layout each copy is on a primary of its own and a
// primary failing over blinds no member (membership.ts: a majority of copies answers).

/**
 * Shards per fleet. Enough that a fleet of a few hundred workers still splits them evenly (each owns
 * SHARD_COUNT / workers), few enough that a worker loads its shards in one round of commands.
 */
export const SHARD_COUNT = 1024;

/** Copies of the membership; a heartbeat or a read needs a majority of them (2 of 3). */
export const MEMBERSHIP_COPIES = 3;

export interface MembershipCopyKeys {
  /** ZSET of live members scored by their last heartbeat (Redis server time, ms). */
  members: string;
  /** STRING: made afresh by the first heartbeat after this copy's state was lost. */
  epoch: string;
}

export interface FleetKeys {
  /** The membership's copies, each under a hash tag of its own (on a different primary of a cluster). */
  membership: MembershipCopyKeys[];
  /** The single membership set of the version before the copies: written and read too, during a rolling upgrade. */
  legacyMembership: MembershipCopyKeys;
  /** Pub/sub channel of registry changes (classic PUBLISH: it reaches every node of a cluster). */
  changes: string;
  /** HASH inboxId → accountId of one shard's connected inboxes. */
  shard(shard: number): string;
  /** STRING with a TTL: `member` holds the shard's sessions now (handover-readiness.ts). */
  ready(shard: number, member: string): string;
}

export function fleetKeys(fleet: string): FleetKeys {
  return {
    membership: membershipTags(fleet).map((tag) => ({ members: `{${tag}}:members`, epoch: `{${tag}}:epoch` })),
    legacyMembership: { members: `{rs:${fleet}:fleet}:members`, epoch: `{rs:${fleet}:fleet}:epoch` },
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

/** Redis Cluster's slot of a hash tag: CRC16 (XMODEM) of it, mod 16384. */
export function slotOfTag(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const SLOTS = 16384;
const membershipTagCache = new Map<string, string[]>();

/**
 * One hash tag per membership copy, copy i's slot in the middle half of the i-th third of the slot
 * range (the first `rs:<fleet>:m<n>` that lands there): with the slots split evenly over three
 * primaries (what `redis-cli --cluster create` and managed services do) the copies are on three
 * different primaries, and still on different ones after any number of failovers, which swap a
 * primary with its replica but move no slot. Deterministic, so every process finds the same tags.
 */
export function membershipTags(fleet: string): string[] {
  const cached = membershipTagCache.get(fleet);
  if (cached) return cached;
  const third = SLOTS / MEMBERSHIP_COPIES;
  const tags = Array.from({ length: MEMBERSHIP_COPIES }, (_, copy) => {
    const low = copy * third + third / 4;
    const high = copy * third + (3 * third) / 4;
    for (let n = 0; ; n++) {
      const tag = `rs:${fleet}:m${n}`;
      const slot = slotOfTag(tag);
      if (slot >= low && slot < high) return tag;
    }
  });
  membershipTagCache.set(fleet, tags);
  return tags;
}
