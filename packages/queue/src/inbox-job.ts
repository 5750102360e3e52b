// Names shared by the scheduler and the sync worker: the fleet's default name, the BullMQ prefix of the
// send queue, and what the registry holds for an inbox.

/** Fleet (and registry) name used when REPLY_SYNC_QUEUE is not set. */
export const DEFAULT_QUEUE_NAME = 'reply-sync-inboxes';

/**
 * BullMQ key prefix of the send queue. The braces are a Redis Cluster hash tag: every key of one
 * BullMQ queue must hash to one slot, which its multi-key Lua scripts require on a cluster.
 */
export const QUEUE_PREFIX = '{reply-sync}';

/** A registry entry: ids only, the worker reads everything else from the database. */
export interface InboxJobData {
  accountId: string;
  inboxId: string;
}
