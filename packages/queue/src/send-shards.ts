// The send queue is sharded: SEND_SHARD_COUNT BullMQ queues, each under its own Redis Cluster hash tag, so
// on a cluster the shards' keys (and their load) spread over the primaries. An inbox's sends always go to
// the same shard, chosen by a stable hash of the inbox id.
import { createHash } from 'node:crypto';
import { QUEUE_PREFIX } from './inbox-job';

/**
 * How many shards. Eight spread the sends over up to eight primaries (the local cluster has three) while
 * what the send worker costs Redis stays small and fixed: one BullMQ Worker per shard (a blocking
 * connection, a stalled-job check every 30 s), whatever the number of inboxes. Changing it moves inboxes
 * to other shards and leaves the jobs waiting in dropped shards unread: let the queue drain first.
 */
export const SEND_SHARD_COUNT = 8;

/**
 * The shard an inbox's sends go to: the same for every submit naming the inbox, on every machine and
 * release (sha256, not a hash that depends on the process), so one inbox's sends stay in one queue, in order.
 */
export function sendShardOf(inboxId: string): number {
  return createHash('sha256').update(inboxId).digest().readUInt32BE(0) % SEND_SHARD_COUNT;
}

/**
 * BullMQ prefix of a shard: the braces make its hash tag, so all keys of one shard share a slot (BullMQ's
 * scripts need that on a cluster) and different shards hash to different slots.
 */
export function sendShardPrefix(shard: number): string {
  if (!Number.isInteger(shard) || shard < 0 || shard >= SEND_SHARD_COUNT) {
    throw new RangeError(`${shard} is not a send shard (0-${SEND_SHARD_COUNT - 1}).`);
  }
  return `{reply-sync:sends:${shard}}`;
}

/** Every shard's prefix, by shard number. */
export const SEND_SHARD_PREFIXES: readonly string[] = Array.from({ length: SEND_SHARD_COUNT }, (_, shard) => sendShardPrefix(shard));

/**
 * Where the send queue lived before it was sharded (the inbox queue's prefix). The send worker still
 * empties it, so a send queued before an upgrade is not stranded; producers no longer add to it.
 */
export const UNSHARDED_SEND_PREFIX = QUEUE_PREFIX;
