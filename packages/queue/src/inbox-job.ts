// Names and ids of the one-job-per-inbox queue: the contract the scheduler and the sync worker share.

/** Queue name used when REPLY_SYNC_QUEUE is not set. */
export const DEFAULT_QUEUE_NAME = 'reply-sync-inboxes';

/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every queue under this
 * prefix hashes to the same slot, which BullMQ's multi-key Lua scripts require on a cluster.
 */
export const QUEUE_PREFIX = '{reply-sync}';
/** Same as QUEUE_PREFIX (camel-case alias). */
export const queuePrefix = QUEUE_PREFIX;

/** Every job on the queue has this name; the id, not the name, says which inbox it is. */
export const INBOX_JOB_NAME = 'inbox-session';

/** Payload of an inbox job. Ids only: the worker reads everything else from the database. */
export interface InboxJobData {
  accountId: string;
  inboxId: string;
}

const JOB_ID_PREFIX = 'inbox-';

/**
 * The stable job id of an inbox. BullMQ ignores an add whose job id already exists, so two
 * schedulers adding the same inbox at once still make one job.
 */
export function inboxJobId(inboxId: string): string {
  return `${JOB_ID_PREFIX}${inboxId}`;
}

/** The inbox id inside a job id made by inboxJobId(), or undefined for any other id. */
export function inboxIdFromJobId(jobId: string): string | undefined {
  return jobId.startsWith(JOB_ID_PREFIX) ? jobId.slice(JOB_ID_PREFIX.length) : undefined;
}
