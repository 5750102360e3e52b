// The worker process's core: a BullMQ Worker on the inbox queue that runs one bounded IMAP session per
// job, plus the HTTP server for /metrics and /healthz. close() is the SIGTERM path: stop taking jobs,
// let every session finish its open transaction and LOG OUT, put each job back on the queue, exit.
// OAuth inboxes (gmail, office365) get their access tokens through getAccessToken (a Redis lock per
// inbox) for IMAP and SMTP, and the token health check refreshes them on a timer. One LISTEN per
// process (inbox-change-listener.ts) ends a session within a second of its inbox being disconnected,
// removed or given new credentials, whichever process or tool made the change.
import { createDb, type Db, type DbHandle, type InboxKey } from '@reply-sync/db';
import { providersFromEnv } from '@reply-sync/mail';
import { createInboxWorker, createRedisConnection, requeueAtSessionEnd, type InboxJob, type InboxWorker } from '@reply-sync/queue';
import type { WorkerEnv } from './env';
import { startHttpServer, type HttpServerHandle } from './http-server';
import { startInboxChangeListener } from './inbox-change-listener';
import { runInboxSession, type SessionDeps } from './inbox-session';
import { createLogger, type Logger } from './logger';
import { createMetrics, type WorkerMetrics } from './metrics';
import { getAccessToken, oauthCredentialsFor, runTokenHealthCheck, type AccessTokenDeps } from './oauth/index';
import { startSendWorker, type RunningSendWorker } from './send/index';

export interface StartWorkerOptions {
  env: WorkerEnv;
  logger?: Logger;
  metrics?: WorkerMetrics;
  /** A database handle to borrow (not closed by the worker); by default one is opened from the env. */
  db?: DbHandle;
  /** Overrides METRICS_PORT: false = no HTTP server, 0 = any free port (METRICS_PORT=0 means none). */
  metricsPort?: number | false;
  /** For tests: swap the IMAP client factory. */
  createClient?: SessionDeps['createClient'];
  /** Where login credentials come from. Default: oauthCredentialsFor (stored password, or a fresh OAuth token). */
  credentialsFor?: SessionDeps['credentialsFor'];
  /** For tests: which inboxes the token health check refreshes (default: every connected oauth2 inbox). */
  tokenHealthInboxes?: (db: Db) => Promise<InboxKey[]>;
  /** Also run the send queue's worker in this process (default true). */
  sends?: boolean;
}

export interface RunningWorker {
  readonly metrics: WorkerMetrics;
  readonly worker: InboxWorker;
  /** The HTTP server's port, when it runs. */
  readonly httpPort: number | null;
  /** Sessions running now. */
  activeSessions(): number;
  /** Ends every session (each job goes back to the queue), closes Redis, the HTTP server and the pool. */
  close(): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const metrics = options.metrics ?? createMetrics();
  const dbHandle = options.db ?? createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  // One AbortController per session, not one shared signal: every session listens for 'abort', and a
  // shared signal with more than 10 listeners makes Node print MaxListenersExceededWarning at start.
  const sessions = new Map<string, AbortController>();
  let closing: Promise<void> | null = null;

  // A provider without a client id is not configured (its inboxes are not synced; see env.ts).
  const providers = providersFromEnv(env, env.tlsCa ? { ca: env.tlsCa } : {});
  // Locks and health-check claims are short commands: fail them (and retry at the next session or
  // pass) rather than queue them forever while Redis is away.
  const redis = createRedisConnection(env.REDIS_URL, { forWorker: false, connectionName: 'reply-sync-worker-oauth' });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'oauth redis connection error'));
  const tokenDeps: AccessTokenDeps = { db: dbHandle.db, keys: env.encryptionKeys, redis, providers, logger };
  // Listening before the first job is taken: a change committed after a session's first read is heard.
  const inboxChanges = await startInboxChangeListener({ databaseUrl: env.DATABASE_URL, db: dbHandle.db, logger }).catch(async (error: unknown) => {
    await redis.quit().catch(() => redis.disconnect());
    if (!options.db) await dbHandle.close();
    throw error;
  });

  const deps: SessionDeps = {
    db: dbHandle.db,
    keys: env.encryptionKeys,
    logger,
    metrics,
    config: {
      sessionMaxMs: env.SESSION_MAX_MS,
      watchdogIntervalMs: env.WATCHDOG_INTERVAL_MS,
      pollIntervalMs: env.POLL_INTERVAL_MS,
      transientDisconnectAfterMs: env.TRANSIENT_DISCONNECT_AFTER_MS,
      catchUpBatchSize: env.CATCH_UP_BATCH_SIZE,
    },
    ...(env.tlsCa ? { tlsCa: env.tlsCa } : {}),
    ...(options.createClient ? { createClient: options.createClient } : {}),
    credentialsFor: options.credentialsFor ?? oauthCredentialsFor(tokenDeps),
    inboxChanges,
  };

  async function processJob(job: InboxJob, token?: string): Promise<void> {
    const key = job.id ?? job.data.inboxId;
    const stop = new AbortController();
    if (closing) stop.abort();
    sessions.set(key, stop);
    try {
      const outcome = await runInboxSession(deps, job.data, stop.signal);
      logger.debug({ inboxId: job.data.inboxId, outcome }, 'session ended');
      if (outcome.kind === 'requeue') throw await requeueAtSessionEnd(job, token, outcome.delayMs);
      // finished: the job completes and is deleted; the scheduler adds it again on reconnect.
    } catch (error) {
      if ((error as { name?: string }).name === 'DelayedError') throw error;
      logger.error({ inboxId: job.data.inboxId, err: error instanceof Error ? error.message : String(error) }, 'session failed');
      // An unexpected error (database down, a bug): keep the inbox's job, try again shortly.
      throw await requeueAtSessionEnd(job, token, 5_000);
    } finally {
      sessions.delete(key);
    }
  }

  const worker = createInboxWorker({ redisUrl: env.REDIS_URL }, processJob, {
    name: env.REPLY_SYNC_QUEUE,
    concurrency: env.WORKER_CONCURRENCY,
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'queue worker error'));

  const sendWorker: RunningSendWorker | null =
    options.sends === false
      ? null
      : startSendWorker({
          db: dbHandle.db,
          redisUrl: env.REDIS_URL,
          queueName: env.REPLY_SYNC_SEND_QUEUE,
          keys: env.encryptionKeys,
          ca: env.tlsCa,
          logger,
          concurrency: env.SEND_CONCURRENCY,
          getAccessToken: async (inbox, options) =>
            (await getAccessToken({ accountId: inbox.accountId, inboxId: inbox.id }, tokenDeps, options)).accessToken,
        });

  const healthCheck = runTokenHealthCheck({
    ...tokenDeps,
    intervalMs: env.TOKEN_HEALTH_INTERVAL_MS,
    ...(options.tokenHealthInboxes ? { listInboxes: options.tokenHealthInboxes } : {}),
  });

  const port = options.metricsPort ?? (env.METRICS_PORT === 0 ? false : env.METRICS_PORT);
  let http: HttpServerHandle | null = null;
  if (port !== false) {
    http = await startHttpServer({ port, host: env.METRICS_HOST }, metrics, {
      healthy: () => closing === null && worker.isRunning(),
      // listening: false while the LISTEN connection is being re-established (sessions then rely on the watchdog).
      details: () => ({ sessions: sessions.size, concurrency: env.WORKER_CONCURRENCY, listening: inboxChanges.listening() }),
    });
  }
  logger.info(
    { queue: env.REPLY_SYNC_QUEUE, concurrency: env.WORKER_CONCURRENCY, httpPort: http?.port ?? null, oauthProviders: Object.keys(providers) },
    'sync worker started',
  );

  return {
    metrics,
    worker,
    httpPort: http?.port ?? null,
    activeSessions: () => sessions.size,
    close() {
      closing ??= (async () => {
        logger.info({ sessions: sessions.size }, 'sync worker stopping: ending sessions and releasing their jobs');
        // Stop taking jobs and end the running sessions together; close() waits for their requeues.
        const closed = worker.close();
        for (const stop of sessions.values()) stop.abort();
        await Promise.all([closed, sendWorker?.close(), healthCheck.stop()]);
        await inboxChanges.close();
        await redis.quit().catch(() => redis.disconnect());
        await http?.close();
        if (!options.db) await dbHandle.close();
        logger.info('sync worker stopped');
      })();
      return closing;
    },
  };
}
