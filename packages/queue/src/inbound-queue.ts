// The inbound queue: one job per message apps/inbound spooled, carrying only the two ids (the bytes stay
// in PostgreSQL's inbound_messages), with a job id made from the message's id, so the start-up sweep
// that re-queues spooled messages adds nothing for one already queued.
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { RedisSource } from './redis-source';
import { closeOwnConnectionWithQueue, createRedisConnection } from './redis-connection';

/** Queue name used when REPLY_SYNC_INBOUND_QUEUE is not set. */
export const DEFAULT_INBOUND_QUEUE_NAME = 'reply-sync-inbound';
/** One hash tag: on a Redis Cluster every key of the queue shares a slot, as BullMQ's scripts need. */
export const INBOUND_QUEUE_PREFIX = '{reply-sync:inbound}';
export const INBOUND_JOB_NAME = 'process-inbound';

export interface InboundJobData {
  accountId: string;
  inboundMessageId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The job's data as InboundJobData, or null for anything else (a crafted or older job is refused unread). */
export function parseInboundJobData(data: unknown): InboundJobData | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { accountId, inboundMessageId, ...rest } = data as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof accountId !== 'string' || !UUID.test(accountId)) return null;
  if (typeof inboundMessageId !== 'string' || !UUID.test(inboundMessageId)) return null;
  return { accountId, inboundMessageId };
}

export const inboundJobId = (inboundMessageId: string): string => `inb-${inboundMessageId}`;

/** Failures (the database away) are retried with backoff; the spooled row stays until processed. */
export const INBOUND_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

export type InboundJob = Job<InboundJobData, unknown, typeof INBOUND_JOB_NAME>;
export type InboundQueue = Queue<InboundJobData, unknown, typeof INBOUND_JOB_NAME> & {
  enqueue(messages: InboundJobData[]): Promise<void>;
};

export function createInboundQueue(options: RedisSource & { name?: string }): InboundQueue {
  const connection = options.connection ?? createRedisConnection(options.redisUrl, { forWorker: false });
  const queue = new Queue<InboundJobData, unknown, typeof INBOUND_JOB_NAME>(options.name ?? DEFAULT_INBOUND_QUEUE_NAME, {
    connection,
    prefix: INBOUND_QUEUE_PREFIX,
    defaultJobOptions: INBOUND_JOB_OPTIONS,
  }) as InboundQueue;
  queue.enqueue = async (messages) => {
    if (messages.length === 0) return;
    await queue.addBulk(
      messages.map((m) => ({
        name: INBOUND_JOB_NAME,
        data: { accountId: m.accountId, inboundMessageId: m.inboundMessageId },
        opts: { jobId: inboundJobId(m.inboundMessageId) },
      })),
    );
  };
  return closeOwnConnectionWithQueue(queue, connection, !options.connection);
}
