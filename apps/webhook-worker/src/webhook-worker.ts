// A webhook worker process: the relay (outbox → queue), the delivery worker (queue → receivers) and the
// retention pass (old finished events and attempts deleted), over one PostgreSQL pool and one Redis connection.
import { createDb } from '@reply-sync/db';
import { closeRedisConnection, createRedisConnection, createWebhookQueue } from '@reply-sync/queue';
import type { WebhookWorkerEnv } from './env';
import type { Logger } from './logger';
import { createDeliveryWorker } from './delivery-worker';
import { startRelay } from './relay';
import { startRetention } from './retention';

export interface RunningWebhookWorker {
  close(): Promise<void>;
}

export interface StartWebhookWorkerOptions {
  env: WebhookWorkerEnv;
  logger: Logger;
  /** The delivery worker's clock (tests). */
  now?: () => Date;
}

export async function startWebhookWorker({ env, logger, now }: StartWebhookWorkerOptions): Promise<RunningWebhookWorker> {
  const database = createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  const connection = createRedisConnection(env.REDIS_URL, { forWorker: true });
  const queue = createWebhookQueue({ connection, name: env.REPLY_SYNC_WEBHOOK_QUEUE });
  const worker = createDeliveryWorker({
    db: database.db,
    connection,
    keys: env.encryptionKeys,
    logger,
    queueName: env.REPLY_SYNC_WEBHOOK_QUEUE,
    concurrency: env.WEBHOOK_CONCURRENCY,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    allowPrivate: env.allowPrivate,
    retryScheduleMs: env.retryScheduleMs,
    disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS,
    lockDurationMs: env.WEBHOOK_LOCK_MS,
    ...(now ? { now } : {}),
  });
  const relay = startRelay({ db: database.db, databaseUrl: env.DATABASE_URL, enqueue: (d) => queue.enqueue(d), logger, pollMs: env.WEBHOOK_RELAY_POLL_MS });
  await Promise.all([relay.ready, worker.worker.waitUntilReady()]);
  const retention = startRetention({ db: database.db, logger, retentionMs: env.WEBHOOK_RETENTION_MS, intervalMs: env.WEBHOOK_PRUNE_INTERVAL_MS, ...(now ? { now } : {}) });
  logger.info({ queue: env.REPLY_SYNC_WEBHOOK_QUEUE, concurrency: env.WEBHOOK_CONCURRENCY, allowPrivate: env.allowPrivate }, 'webhook worker started');
  return {
    async close() {
      await retention.close();
      await relay.close();
      const { abandoned } = await worker.close();
      if (abandoned > 0) logger.warn({}, 'webhook queue worker still closing after its last delivery ended (a Redis connection that does not reconnect); going on');
      await queue.close();
      await closeRedisConnection(connection);
      await database.close();
    },
  };
}
