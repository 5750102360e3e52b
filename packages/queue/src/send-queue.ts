// The send queue: one job per email the CRM sends, carrying only the ids of the email saved in
// PostgreSQL, with a job id made from the caller's idempotency key (so a double submit makes one job,
// and one send). It is SEND_SHARD_COUNT BullMQ queues (send-shards.ts); a send goes to the shard of the
// inbox it is sent from. The CLI adds jobs; the sync worker runs them.
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { RedisSource } from './redis-source';
import { closeOwnConnectionWithQueue, createRedisConnection } from './redis-connection';
import { SEND_SHARD_PREFIXES, sendShardOf } from './send-shards';

/** Queue name used when REPLY_SYNC_SEND_QUEUE is not set. */
export const DEFAULT_SEND_QUEUE_NAME = 'reply-sync-sends';
export const SEND_JOB_NAME = 'send-email';

/**
 * Payload of a send job: ids only. The email itself (recipients, body, attachments) is a row of
 * `outgoing_emails` saved before the job is added; the worker loads it scoped by `accountId`, so a
 * job written into Redis by anyone else can name nothing but an email its account already saved.
 */
export interface SendJobData {
  accountId: string;
  outgoingEmailId: string;
}

/** What enqueueSend needs: the ids, the inbox (it picks the shard) and the idempotency key the job id is made from. */
export interface SendRequest extends SendJobData {
  /**
   * The inbox the outgoing email is sent from (its `inboxId`). Both submits of one key name the same
   * saved email, hence the same inbox, shard and job id: still one job.
   */
  inboxId: string;
  /**
   * The idempotency key: the same key sends once. [A-Za-z0-9._-], up to 128 characters; the CLI
   * uses a random UUID unless one is given.
   */
  sendId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job's data as SendJobData, or null when it is anything else: a missing or malformed id, or any
 * other field (content or a file path from an older or crafted job is refused, never read).
 */
export function parseSendJobData(data: unknown): SendJobData | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { accountId, outgoingEmailId, ...rest } = data as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof accountId !== 'string' || !UUID.test(accountId)) return null;
  if (typeof outgoingEmailId !== 'string' || !UUID.test(outgoingEmailId)) return null;
  return { accountId, outgoingEmailId };
}

/** What a finished send job returns. */
export interface SendJobResult {
  emailId: string;
  threadId: string;
  messageId: string;
  sentCopyStatus: 'appended' | 'skipped_provider_files_sent' | 'no_sent_folder' | 'pending';
  /** Recipients the server refused while it accepted others (the message went to the others). */
  rejected: string[];
  /** True when an earlier attempt (or submit) had already sent it: nothing was sent this time. */
  alreadySent: boolean;
}

export type SendJob = Job<SendJobData, SendJobResult, typeof SEND_JOB_NAME>;
/** The BullMQ queue of one shard. */
export type SendShardQueue = Queue<SendJobData, SendJobResult, typeof SEND_JOB_NAME>;

/** The send queue: its shards' BullMQ queues, over one connection. */
export interface SendQueue {
  readonly name: string;
  /** By shard number (see send-shards.ts). */
  readonly shards: readonly SendShardQueue[];
  /** The shard an inbox's sends go to. */
  forInbox(inboxId: string): SendShardQueue;
  /** The job with this id, from whichever shard holds it. */
  getJob(jobId: string): Promise<SendJob | undefined>;
  /** Deletes every shard's jobs (tests, demo clean-up). */
  obliterate(opts?: { force?: boolean }): Promise<void>;
  close(): Promise<void>;
}

const SEND_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function isValidSendId(sendId: string): boolean {
  return SEND_ID.test(sendId);
}

/** The stable job id of a send: BullMQ ignores an add whose id exists, so a double submit is one job. */
export function sendJobId(accountId: string, sendId: string): string {
  if (!isValidSendId(sendId)) {
    throw new Error(`"${sendId}" cannot be a send id: use 1-128 characters of letters, digits, ".", "_" or "-".`);
  }
  return `send-${accountId}-${sendId}`;
}

/**
 * Retries with backoff for transient SMTP/IMAP failures (the worker turns permanent ones into
 * UnrecoverableError). Finished jobs are kept for a week; a double submit after that still sends
 * once, because the outgoing email is unique per (account, key) and remembers that it was sent.
 */
export const SEND_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const satisfies JobsOptions;

export function createSendQueue(options: RedisSource & { name?: string }): SendQueue {
  const name = options.name ?? DEFAULT_SEND_QUEUE_NAME;
  const connection = options.connection ?? createRedisConnection(options.redisUrl, { forWorker: false });
  const shards: SendShardQueue[] = SEND_SHARD_PREFIXES.map(
    (prefix) => new Queue(name, { connection, prefix, defaultJobOptions: SEND_JOB_OPTIONS }),
  );
  const queue: SendQueue = {
    name,
    shards,
    forInbox: (inboxId) => shards[sendShardOf(inboxId)]!,
    async getJob(jobId) {
      const found = await Promise.all(shards.map((shard) => shard.getJob(jobId)));
      return found.find((job) => job !== undefined);
    },
    async obliterate(opts) {
      await Promise.all(shards.map((shard) => shard.obliterate(opts)));
    },
    async close() {
      await Promise.all(shards.map((shard) => shard.close()));
    },
  };
  return closeOwnConnectionWithQueue(queue, connection, !options.connection);
}

/**
 * Adds the send of a saved outgoing email to its inbox's shard (or finds the job already added with this
 * key); the job holds the two ids and nothing else. `opts` overrides retries (tests).
 */
export async function enqueueSend(queue: SendQueue, request: SendRequest, opts: Partial<JobsOptions> = {}): Promise<SendJob> {
  const jobId = sendJobId(request.accountId, request.sendId);
  const data: SendJobData = { accountId: request.accountId, outgoingEmailId: request.outgoingEmailId };
  return queue.forInbox(request.inboxId).add(SEND_JOB_NAME, data, { ...opts, jobId });
}
