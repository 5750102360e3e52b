// The webhook delivery queue: one job per event × endpoint, carrying only the three ids (the event's
// payload and the endpoint's URL and secret stay in PostgreSQL), with a job id made from them, so a
// relay that runs again for the same event adds nothing. The relay adds jobs; apps/webhook-worker runs them.
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { RedisSource } from './redis-source';
import { closeOwnConnectionWithQueue, createRedisConnection } from './redis-connection';

/** Queue name used when REPLY_SYNC_WEBHOOK_QUEUE is not set. */
export const DEFAULT_WEBHOOK_QUEUE_NAME = 'reply-sync-webhooks';
/** One hash tag: on a Redis Cluster every key of the queue shares a slot, as BullMQ's scripts need. */
export const WEBHOOK_QUEUE_PREFIX = '{reply-sync:webhooks}';
export const WEBHOOK_JOB_NAME = 'deliver-webhook';

export interface WebhookJobData {
  accountId: string;
  /** `evt_…`, the Standard Webhooks webhook-id. */
  eventId: string;
  endpointId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^evt_[0-9a-z]{1,64}$/;

/** The job's data as WebhookJobData, or null for anything else (a crafted or older job is refused unread). */
export function parseWebhookJobData(data: unknown): WebhookJobData | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { accountId, eventId, endpointId, ...rest } = data as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof accountId !== 'string' || !UUID.test(accountId)) return null;
  if (typeof endpointId !== 'string' || !UUID.test(endpointId)) return null;
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) return null;
  return { accountId, eventId, endpointId };
}

/** The stable job id of a delivery (BullMQ ids may not hold `:`). */
export function webhookJobId(key: Pick<WebhookJobData, 'eventId' | 'endpointId'>): string {
  return `whk-${key.eventId}-${key.endpointId}`;
}

/**
 * The delivery worker decides each retry's delay (its schedule, in the error it throws: the `webhook`
 * backoff); the attempt count only bounds it. Finished jobs stay a day, so a re-relay meanwhile is
 * folded into them; after that the delivery row (unique per event × endpoint) says it was delivered.
 */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 1000,
  backoff: { type: 'webhook' },
  removeOnComplete: { age: 24 * 3600, count: 200_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;

export type WebhookJob = Job<WebhookJobData, unknown, typeof WEBHOOK_JOB_NAME>;
export type WebhookQueue = Queue<WebhookJobData, unknown, typeof WEBHOOK_JOB_NAME> & {
  /** Adds one job per delivery, in one round-trip. */
  enqueue(deliveries: WebhookJobData[]): Promise<void>;
};

export function createWebhookQueue(options: RedisSource & { name?: string }): WebhookQueue {
  const connection = options.connection ?? createRedisConnection(options.redisUrl, { forWorker: false });
  const queue = new Queue<WebhookJobData, unknown, typeof WEBHOOK_JOB_NAME>(options.name ?? DEFAULT_WEBHOOK_QUEUE_NAME, {
    connection,
    prefix: WEBHOOK_QUEUE_PREFIX,
    defaultJobOptions: WEBHOOK_JOB_OPTIONS,
  }) as WebhookQueue;
  queue.enqueue = async (deliveries) => {
    await queue.addBulk(
      deliveries.map((d) => ({
        name: WEBHOOK_JOB_NAME,
        data: { accountId: d.accountId, eventId: d.eventId, endpointId: d.endpointId },
        opts: { jobId: webhookJobId(d) },
      })),
    );
  };
  return closeOwnConnectionWithQueue(queue, connection, !options.connection);
}
