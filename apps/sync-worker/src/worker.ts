// The worker process's core: a member of the fleet that holds one long IMAP session per connected
// inbox of the shards it owns (fleet/), plus the HTTP server for /metrics and /healthz. close() is the
// SIGTERM path: leave the fleet, let the new owners take the sessions over (make-before-break, within
// the handover timeout), end every session (its open transaction committed, LOGOUT), exit.
// OAuth inboxes (gmail, office365) get their access tokens through getAccessToken (a Redis lock per
// inbox) for IMAP and SMTP, and the token health check refreshes them on a timer. One LISTEN per
// process (inbox-change-listener.ts) ends a session within a second of its inbox being disconnected,
// removed or given new credentials, whichever process or tool made the change.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createDb, type Db, type DbHandle, type InboxKey } from '@reply-sync/db';
import { providersFromEnv } from '@reply-sync/mail';
import { closeRedisConnection, createInboundQueue, createLoginBudget, createRedisConnection, fleetKeys, parseMemberJoined, parseRegistryChange } from '@reply-sync/queue';
import type { WorkerEnv } from './env';
import { createFleetSessions } from './fleet/fleet-sessions';
import { startFleetMembership, type FleetMembership } from './fleet/fleet-membership';
import { superviseSession } from './fleet/supervise-session';
import { startHttpServer, type HttpServerHandle } from './http-server';
import { startInboxChangeListener } from './inbox-change-listener';
import type { SessionDeps } from './inbox-session';
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
  /** This process's id in the fleet. */
  readonly memberId: string;
  /** The HTTP server's port, when it runs. */
  readonly httpPort: number | null;
  /** Sessions running now. */
  activeSessions(): number;
  /** Shards this worker holds sessions for now. */
  heldShards(): number[];
  /** Whether this worker holds a session for the inbox now. */
  holds(inboxId: string): boolean;
  /** Leaves the fleet, hands the sessions over, ends them; closes Redis, the HTTP server and the pool. */
  close(): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const metrics = options.metrics ?? createMetrics();
  const dbHandle = options.db ?? createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  let closing: Promise<void> | null = null;
  const memberId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  // A provider without a client id is not configured (its inboxes are not synced; see env.ts).
  const providers = providersFromEnv(env, env.tlsCa ? { ca: env.tlsCa } : {});
  // Locks and health-check claims are short commands: fail them (and retry at the next session or
  // pass) rather than queue them forever while Redis is away.
  const redis = createRedisConnection(env.REDIS_URL, { forWorker: false, connectionName: 'reply-sync-worker-oauth' });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'oauth redis connection error'));
  const tokenDeps: AccessTokenDeps = { db: dbHandle.db, keys: env.encryptionKeys, redis, providers, logger };
  // Listening before the first job is taken: a change committed after a session's first read is heard.
  const inboxChanges = await startInboxChangeListener({ databaseUrl: env.DATABASE_URL, db: dbHandle.db, logger }).catch(async (error: unknown) => {
    await closeRedisConnection(redis);
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
      inboxRecheckMs: env.INBOX_RECHECK_MS,
      catchUpBatchSize: env.CATCH_UP_BATCH_SIZE,
      loggingMaxMessageBytes: env.LOGGING_MAX_MESSAGE_BYTES,
    },
    ...(env.tlsCa ? { tlsCa: env.tlsCa } : {}),
    ...(options.createClient ? { createClient: options.createClient } : {}),
    credentialsFor: options.credentialsFor ?? oauthCredentialsFor(tokenDeps),
    inboxChanges,
    // On the short-command connection: a login turn is one script call, failed fast while Redis is away.
    loginBudget: createLoginBudget(redis, env.loginBudget),
    inboundQueue: createInboundQueue({ connection: redis, name: env.REPLY_SYNC_INBOUND_QUEUE }),
  };

  // The fleet: heartbeats and registry reads on a connection that fails fast while Redis is away (the
  // fence depends on knowing), registry changes on a subscriber connection of their own.
  const fleetRedis = createRedisConnection(env.REDIS_URL, { forWorker: false, connectionName: 'reply-sync-worker-fleet' });
  fleetRedis.on('error', (error: Error) => logger.warn({ err: error.message }, 'fleet redis connection error'));
  const subscriber = createRedisConnection(env.REDIS_URL, { forWorker: true, connectionName: 'reply-sync-worker-changes' });
  subscriber.on('error', (error: Error) => logger.warn({ err: error.message }, 'fleet subscriber connection error'));

  const fleet = createFleetSessions({
    redis: fleetRedis,
    fleet: env.REPLY_SYNC_QUEUE,
    memberId,
    logger,
    startSession: (inbox) => superviseSession(deps, inbox),
    handoverTimeoutMs: env.HANDOVER_TIMEOUT_MS,
  });
  const changes = fleetKeys(env.REPLY_SYNC_QUEUE).changes;
  let membershipRef: FleetMembership | null = null;
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== changes) return;
    const change = parseRegistryChange(message);
    if (change) return fleet.onRegistryChange(change);
    // Another worker joined: see it now, not at the next heartbeat, so its shards' logins stay its own.
    const joined = parseMemberJoined(message);
    if (joined && joined !== memberId) membershipRef?.beatNow();
  });
  let subscriptions = 0;
  // A (re)subscription may have missed changes: reload what we hold.
  subscriber.on('ready', () => {
    if (subscriptions++ > 0) fleet.reloadAll();
  });
  await subscriber.subscribe(changes);
  const membership = startFleetMembership({
    redis: fleetRedis,
    fleet: env.REPLY_SYNC_QUEUE,
    memberId,
    logger,
    onView: (view) => fleet.apply(view),
  });
  membershipRef = membership;
  await membership.started;

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
          loginBudget: env.loginBudget,
          tracking: env.tracking,
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
      healthy: () => closing === null && !membership.view().fenced,
      // listening: false while the LISTEN connection is being re-established (sessions then rely on the watchdog).
      details: () => ({
        memberId,
        sessions: fleet.sessionCount(),
        shards: fleet.heldShards().length,
        members: membership.view().members.length,
        fenced: membership.view().fenced,
        listening: inboxChanges.listening(),
      }),
    });
  }
  logger.info(
    { fleet: env.REPLY_SYNC_QUEUE, memberId, members: membership.view().members.length, httpPort: http?.port ?? null, oauthProviders: Object.keys(providers) },
    'sync worker started',
  );

  return {
    metrics,
    memberId,
    httpPort: http?.port ?? null,
    activeSessions: () => fleet.sessionCount(),
    heldShards: () => fleet.heldShards(),
    holds: (inboxId) => fleet.holds(inboxId),
    close() {
      closing ??= (async () => {
        logger.info({ sessions: fleet.sessionCount() }, 'sync worker stopping: leaving the fleet and handing its sessions over');
        // Leave first: the others take our shards at their next heartbeat; we keep the sessions until
        // each shard's new holder has them (or the handover timeout), then end them.
        membership.stop();
        const others = await membership.leave();
        await Promise.all([fleet.releaseAll(others.filter((m) => m !== memberId)), sendWorker?.close(), healthCheck.stop()]);
        await fleet.close();
        await Promise.all([closeRedisConnection(subscriber), closeRedisConnection(fleetRedis)]);
        await inboxChanges.close();
        await deps.inboundQueue?.close();
        await closeRedisConnection(redis);
        await http?.close();
        if (!options.db) await dbHandle.close();
        logger.info('sync worker stopped');
      })();
      return closing;
    },
  };
}
