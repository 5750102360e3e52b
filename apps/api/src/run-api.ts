// Runs the API as a process from its env: database, Redis (rate limits), listening, signals, and the
// hourly purge of expired Idempotency-Keys. `reply-sync api` and dist/app/api.js call this.
import { createDb } from '@reply-sync/db';
import { purgeExpiredIdempotencyKeys } from '@reply-sync/db/system-queries';
import { providersFromEnv, type ProvidersFromEnvOptions } from '@reply-sync/mail';
import { createLoginBudget, createRedisConnection, createSendQueue } from '@reply-sync/queue';
import type { DestinationStream } from 'pino';
import { loadTrackingRanges } from '@reply-sync/tracking';
import { buildApp } from './app';
import type { ApiEnv } from './env';
import { redisSignInStore } from './web-sign-in/sign-in-store';
import type { WebSignInConfig } from './web-sign-in/web-sign-in-config';

const PURGE_INTERVAL_MS = 3600_000;

export interface RunningApi {
  /** http://host:port, as it listens. */
  url: string;
  stop(): Promise<void>;
  /** Resolves once stopped (by stop() or SIGTERM/SIGINT). */
  stopped: Promise<void>;
}

export interface RunApiOptions {
  handleSignals?: boolean;
  logStream?: DestinationStream;
  /** Settings of the OAuth providers no variable names (the local stack's IMAP/SMTP hosts under --stack). */
  oauthProviderOptions?: Pick<ProvidersFromEnvOptions, 'gmail' | 'office365'>;
}

export async function runApi(env: ApiEnv, options: RunApiOptions = {}): Promise<RunningApi> {
  const db = createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  const redis = createRedisConnection(env.REDIS_URL, { forWorker: false, connectionName: 'reply-sync-api' });
  const sendQueue = createSendQueue({ redisUrl: env.REDIS_URL, name: env.REPLY_SYNC_SEND_QUEUE });
  const webSignIn: WebSignInConfig = {
    publicUrl: env.publicUrl,
    stateKey: env.oauthStateKey,
    stateTtlSeconds: env.API_OAUTH_STATE_TTL_SECONDS,
    successUrls: env.oauthSuccessUrls,
    providers: providersFromEnv(env, { ...(env.tlsCa ? { ca: env.tlsCa } : {}), ...options.oauthProviderOptions }),
    store: redisSignInStore(redis),
    tlsCa: env.tlsCa,
  };
  const tracking = env.trackingKeys ? { keys: env.trackingKeys, ...loadTrackingRanges({ apple: env.TRACKING_APPLE_RANGES_FILE, scanners: env.TRACKING_SCANNER_RANGES_FILE }) } : null;
  const app = await buildApp({ tracking, live: { databaseUrl: env.DATABASE_URL }, db: db.db, redis, env, encryptionKeys: env.encryptionKeys, tlsCa: env.tlsCa, sendQueue, webSignIn, allowPrivateWebhooks: env.allowPrivateWebhooks, inboundDomain: env.INBOUND_DOMAIN ?? null, lookBudget: createLoginBudget(redis, env.loginBudget), ...(options.logStream ? { logStream: options.logStream } : {}) });
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
