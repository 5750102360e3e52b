// Runs the API as a process from its env: database, Redis (rate limits), listening, signals, and the
// hourly purge of expired Idempotency-Keys. `reply-sync api` and dist/app/api.js call this.
import { createDb } from '@reply-sync/db';
import { purgeExpiredIdempotencyKeys } from '@reply-sync/db/system-queries';
import { createLoginBudget, createRedisConnection, createSendQueue } from '@reply-sync/queue';
import type { DestinationStream } from 'pino';
import { buildApp } from './app';
import type { ApiEnv } from './env';

const PURGE_INTERVAL_MS = 3600_000;

export interface RunningApi {
  /** http://host:port, as it listens. */
  url: string;
  stop(): Promise<void>;
  /** Resolves once stopped (by stop() or SIGTERM/SIGINT). */
  stopped: Promise<void>;
}

export async function runApi(env: ApiEnv, options: { handleSignals?: boolean; logStream?: DestinationStream } = {}): Promise<RunningApi> {
  const db = createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  const redis = createRedisConnection(env.REDIS_URL, { forWorker: false, connectionName: 'reply-sync-api' });
  const sendQueue = createSendQueue({ redisUrl: env.REDIS_URL, name: env.REPLY_SYNC_SEND_QUEUE });
  const app = await buildApp({ db: db.db, redis, env, encryptionKeys: env.encryptionKeys, tlsCa: env.tlsCa, sendQueue, lookBudget: createLoginBudget(redis, env.loginBudget), ...(options.logStream ? { logStream: options.logStream } : {}) });
  let address: string;
  try {
    address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  } catch (error) {
    await app.close();
    await sendQueue.close();
    redis.disconnect();
    await db.close();
    throw error;
  }
  const purge = setInterval(() => {
    purgeExpiredIdempotencyKeys(db.db).catch((error: unknown) => app.log.warn({ err: error }, 'could not purge expired idempotency keys'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ event: 'signal', signal }, 'stopping api');
    void stop();
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(purge);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await app.close();
      } finally {
        await sendQueue.close().catch(() => undefined);
        redis.disconnect();
        await db.close();
        resolveStopped();
      }
    })());
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { url: address, stop, stopped };
}
