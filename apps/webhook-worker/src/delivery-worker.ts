// The BullMQ worker that delivers: per job (one event × endpoint) it loads the delivery, signs the body
// per Standard Webhooks (webhook-id = the event's stable id, so a receiver de-duplicates retries),
// POSTs it, and records the attempt; a failure is retried on the schedule (retry-schedule.ts) until it
// succeeds or has failed for 3 days, and an endpoint failing for 3 days is disabled with a sentence.
import {
  abandonWebhookDelivery,
  loadWebhookDeliveries,
  openWebhookSecret,
  recordWebhookAttempts,
  webhookDeliveryKey,
  type Db,
  type EncryptionKeys,
  type LoadedWebhookDelivery,
  type WebhookAttemptRecord,
} from '@reply-sync/db';
import { closeWorkers, countRuns, DEFAULT_WEBHOOK_QUEUE_NAME, parseWebhookJobData, WEBHOOK_QUEUE_PREFIX, type ClosedWorkers, type RedisConnection, type WebhookJobData } from '@reply-sync/queue';
import { webhookBody } from '@reply-sync/webhooks';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { createBatcher } from './batcher';
import type { Logger } from './logger';
import { postWebhook } from './post-webhook';
import { DEFAULT_DISABLE_AFTER_MS, DEFAULT_RETRY_SCHEDULE_MS, retryDelay } from './retry-schedule';

export interface DeliveryWorkerOptions {
  db: Db;
  connection: RedisConnection;
  keys: EncryptionKeys;
  logger: Logger;
  queueName?: string;
  concurrency?: number;
  timeoutMs?: number;
  allowPrivate?: boolean;
  retryScheduleMs?: readonly number[];
  disableAfterMs?: number;
  lockDurationMs?: number;
  /** The clock attempts are judged and recorded by (tests move it days ahead). */
  now?: () => Date;
}

export type DeliveryOutcome = 'delivered' | 'already_delivered' | 'endpoint_gone' | 'endpoint_disabled';

/** Carries the wait the processor chose to BullMQ's `webhook` backoff. */
class RetryLater extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
  }
}

const days = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${Math.round(ms / 1000)} s`);

export interface DeliveryWorker {
  readonly worker: Worker<WebhookJobData>;
  /** Lets the running deliveries finish, then gives BullMQ 5 s (close-workers.ts: a Redis down at SIGTERM does not hold the process). */
  close(): Promise<ClosedWorkers>;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, keys, logger } = options;
  const now = options.now ?? (() => new Date());
  const schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const disableAfterMs = options.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS;
  // Decrypting and decoding a secret per POST is wasted work at a thousand events a second.
  const signers = new Map<string, Webhook>();
  const signerFor = (accountId: string, endpointId: string, sealed: string): Webhook => {
    const cacheKey = `${endpointId}:${sealed}`;
    let signer = signers.get(cacheKey);
    if (!signer) {
      if (signers.size >= 10_000) signers.clear();
      signer = new Webhook(openWebhookSecret(sealed, keys, { accountId, endpointId }));
      signers.set(cacheKey, signer);
    }
    return signer;
  };

  // The jobs running at once load together and record together: two statements per batch, not per event.
  const load = createBatcher<WebhookJobData, LoadedWebhookDelivery | null>(async (keys) => {
    const found = await loadWebhookDeliveries(db, keys);
    return keys.map((k) => found.get(webhookDeliveryKey(k)) ?? null);
  });
  const record = createBatcher<WebhookAttemptRecord, void>(async (records) => {
    await recordWebhookAttempts(db, records);
    return records.map(() => undefined);
  });

  async function deliver(job: Job<WebhookJobData>): Promise<DeliveryOutcome> {
    const key = parseWebhookJobData(job.data);
    if (!key) throw new UnrecoverableError('invalid_job: a webhook job carries exactly accountId, eventId and endpointId; this one was not made by the relay.');
    const loaded = await load(key);
    if (!loaded) return 'endpoint_gone';
    if (loaded.status === 'succeeded') return 'already_delivered';
    if (!loaded.endpoint.enabled || loaded.status === 'failed') {
      await abandonWebhookDelivery(db, loaded.deliveryId);
      return 'endpoint_disabled';
    }
    const signer = signerFor(key.accountId, key.endpointId, loaded.endpoint.sealedSecret);
    const body = webhookBody(loaded.event);
    const at = now();
    const result = await postWebhook({
      url: loaded.endpoint.url,
      body,
      headers: {
        'webhook-id': key.eventId,
        'webhook-timestamp': Math.floor(at.getTime() / 1000).toString(),
        'webhook-signature': signer.sign(key.eventId, at, body),
      },
      timeoutMs: options.timeoutMs ?? 10_000,
      allowPrivate: options.allowPrivate ?? false,
    });
    const attempt = loaded.attempts + 1;
    const base = { ...key, deliveryId: loaded.deliveryId, attempt, durationMs: result.durationMs, at, responseStatus: result.status };
    if (result.ok) {
      const endpointChange = loaded.endpoint.failingSince ? 'clear' : null;
      await record({ ...base, status: 'succeeded', errorCode: null, error: null, nextAttemptAt: null, final: true, endpointChange, disableReason: null });
      return 'delivered';
    }
    const failingFor = at.getTime() - (loaded.endpoint.failingSince ?? at).getTime();
    const disable = failingFor >= disableAfterMs;
    const final = disable || at.getTime() - (loaded.firstAttemptAt ?? at).getTime() >= disableAfterMs;
    const delayMs = retryDelay(attempt, schedule);
    const disableReason = disable
      ? `Disabled on ${at.toISOString()}: every delivery failed for ${days(disableAfterMs)} (since ${loaded.endpoint.failingSince!.toISOString()}); the last: ${result.error} Fix the receiver, then enable it again (\`reply-sync webhook enable ${key.endpointId}\`).`
      : null;
    await record({
      ...base,
      status: 'failed',
      errorCode: result.code,
      error: result.error,
      nextAttemptAt: final ? null : new Date(at.getTime() + delayMs),
      final,
      endpointChange: disable ? 'disable' : loaded.endpoint.failingSince ? null : 'start',
      disableReason,
    });
    logger.info({ eventId: key.eventId, endpointId: key.endpointId, attempt, code: result.code, status: result.status, final, disabled: disable }, 'webhook attempt failed');
    if (disable) logger.warn({ endpointId: key.endpointId, accountId: key.accountId }, 'webhook endpoint disabled');
    if (final) throw new UnrecoverableError(`${result.code}: ${result.error}`);
    throw new RetryLater(`${result.code}: ${result.error}`, delayMs);
  }

  const runs = countRuns(deliver);
  const worker = new Worker<WebhookJobData>(options.queueName ?? DEFAULT_WEBHOOK_QUEUE_NAME, runs.processor, {
    connection: options.connection,
    prefix: WEBHOOK_QUEUE_PREFIX,
    concurrency: options.concurrency ?? 100,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: Math.min(options.lockDurationMs ?? 30_000, 30_000),
    // A killed worker's jobs are taken back as stalled; they must never count as failed for that.
    maxStalledCount: 1000,
    settings: { backoffStrategy: (attemptsMade, _type, error) => (error instanceof RetryLater ? error.delayMs : retryDelay(attemptsMade, schedule)) },
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'webhook queue worker error'));
  let closing: Promise<ClosedWorkers> | null = null;
  return { worker, close: () => (closing ??= closeWorkers([worker], runs)) };
}
