// The send queue: one job per email the CRM sends, with a job id made from the caller's idempotency key
// (so a double submit makes one job, and one send). The CLI adds jobs; the sync worker runs them.
import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from './inbox-job';
import type { RedisSource } from './inbox-queue';
import { closeOwnConnectionWithQueue, createRedisConnection } from './redis-connection';

/** Queue name used when REPLY_SYNC_SEND_QUEUE is not set. */
export const DEFAULT_SEND_QUEUE_NAME = 'reply-sync-sends';
export const SEND_JOB_NAME = 'send-email';

/** A file to attach: read from `path` by the worker (same host only), or carried as base64 (small files). */
export interface SendAttachment {
  filename: string;
  contentType?: string;
  path?: string;
  contentBase64?: string;
}

export interface SendAssociations {
  contactIds: string[];
  companyIds: string[];
  dealIds: string[];
}

/**
 * What the worker keeps between attempts of one send, inside the job itself (job.updateData): the
 * exact bytes and Message-ID built on the first attempt, and whether an SMTP attempt was started.
 * Set by the worker only; a producer never passes it.
 */
export interface SendJobState {
  messageId: string;
  /** RFC 5322 bytes, base64: what SMTP sent and what goes into the Sent folder. */
  rawBase64: string;
  /** The Date header (ISO). */
  date: string;
  /** Set just before handing the message to SMTP, cleared when SMTP certainly did not take it. */
  smtpStartedAt: string | null;
}

export interface SendJobData {
  accountId: string;
  inboxId: string;
  /**
   * The idempotency key: the same key sends once. [A-Za-z0-9._-], up to 128 characters; the CLI
   * uses a random UUID unless one is given.
   */
  sendId: string;
  to: string[];
  cc?: string[];
  subject: string;
  text?: string | null;
  html?: string | null;
  attachments?: SendAttachment[];
  associations?: SendAssociations;
  state?: SendJobState;
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
export type SendQueue = Queue<SendJobData, SendJobResult, typeof SEND_JOB_NAME>;

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
 * UnrecoverableError). Finished jobs are kept for a week so a late double submit still finds the
 * job id taken (after that, the worker's Message-ID check on the logged email still sends once).
 */
export const SEND_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const satisfies JobsOptions;

export function createSendQueue(options: RedisSource & { name?: string }): SendQueue {
  const connection: Redis = options.connection ?? createRedisConnection(options.redisUrl, { forWorker: false });
  const queue: SendQueue = new Queue(options.name ?? DEFAULT_SEND_QUEUE_NAME, {
    connection,
    prefix: QUEUE_PREFIX,
    defaultJobOptions: SEND_JOB_OPTIONS,
  });
  return closeOwnConnectionWithQueue(queue, connection, !options.connection);
}

/** Adds the send (or finds the job already added with this key). `opts` overrides retries (tests). */
export async function enqueueSend(queue: SendQueue, data: Omit<SendJobData, 'state'>, opts: Partial<JobsOptions> = {}): Promise<SendJob> {
  const jobId = sendJobId(data.accountId, data.sendId);
  return queue.add(SEND_JOB_NAME, data, { ...opts, jobId });
}

/** Completion events of the send queue, for a producer that waits for its send (`email send --wait`). */
export async function createSendEvents(options: { redisUrl: string; name?: string }): Promise<QueueEvents> {
  // QueueEvents blocks on XREAD, so its connection is a worker-style one; closed with it.
  const connection = createRedisConnection(options.redisUrl, { forWorker: true });
  const events = closeOwnConnectionWithQueue(
    new QueueEvents(options.name ?? DEFAULT_SEND_QUEUE_NAME, { connection, prefix: QUEUE_PREFIX }),
    connection,
    true,
  );
  await events.waitUntilReady();
  return events;
}

/**
 * Waits for the send to finish. Rejects with the job's failedReason (`code: sentence`) when it
 * failed for good, or with a message containing "timed out" after `timeoutMs`.
 */
export function waitForSend(job: SendJob, events: QueueEvents, timeoutMs: number): Promise<SendJobResult> {
  return job.waitUntilFinished(events, timeoutMs);
}
