// The control plane: keeps one registry entry per connected inbox (the fleet's sharded registry, which
// the workers take by shard), fast via NOTIFY and surely via reconcile.
import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import type { DbHandle } from '@reply-sync/db';
import { closeRedisConnection, createRedisConnection, registerInboxes, unregisterInboxes } from '@reply-sync/queue';
import type { Logger } from 'pino';
import { INBOX_CHANNEL, parseInboxNotification, type InboxNotification } from './inbox-notification';
import { reconcile, type ReconcileResult } from './reconcile';

/** How long a stop waits for work in flight. */
const STOP_GRACE_MS = 10_000;

export interface SchedulerOptions {
  /** From createDb(); the scheduler uses its pool and its LISTEN connection, and does not close it. */
  db: DbHandle;
  redisUrl: string;
  /** The fleet (REPLY_SYNC_QUEUE) whose registry this scheduler keeps. */
  queueName: string;
  /** Period of the full reconcile. */
  reconcileIntervalMs: number;
  logger: Logger;
}

export interface Scheduler {
  /** Runs a full reconcile now (not subject to the shared once-per-interval lock) and reports it. */
  reconcileNow(): Promise<ReconcileResult>;
  /** Stops listening and reconciling, waits for work in flight, closes Redis. Idempotent. */
  stop(): Promise<void>;
  /** The scheduler's Redis connection (tests read the registry through it). */
  readonly redis: Redis;
}

/**
 * Starts the scheduler and resolves once it is LISTENing, so a change committed after that is seen.
 *
 * Two mechanisms, on purpose:
 * - NOTIFY (`reply_sync_inboxes`) registers a newly connected inbox, or unregisters a disconnected or
 *   removed one, within a second (the registry publishes the change to the shard's owner).
 *   Notifications arriving together are coalesced per inbox (the last one wins) and applied in bulk.
 * - A full reconcile every reconcileIntervalMs heals whatever NOTIFY cannot: a notification lost
 *   while the LISTEN connection was down, a registry lost with Redis (a restart) or edited by hand.
 *   It also runs at start and whenever LISTEN reconnects.
 *
 * Several schedulers may run at once: registering is idempotent (a hash field per inbox). The
 * periodic reconcile takes a short Redis lock so that only one of them does the full pass per
 * interval; each one still applies the notifications it receives (cheap and idempotent).
 */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { db, queueName, reconcileIntervalMs } = options;
  const log = options.logger.child({ component: 'scheduler', queue: queueName });
  const redis = createRedisConnection(options.redisUrl, { forWorker: false, connectionName: 'reply-sync-scheduler' });
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection error'));
  // Redis back after a loss (a restart empties a registry without persistence): rebuild it now rather
  // than at the next interval. Set up below, once reconcileInBackground exists.
  let redisReadies = 0;

  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };

  // --- full reconcile -------------------------------------------------------------------------
  const runReconcile = async (trigger: string): Promise<ReconcileResult> => {
    const result = await reconcile(db, redis, queueName);
    const changed = result.added > 0 || result.dropped > 0;
    log[changed ? 'info' : 'debug']({ event: 'reconcile', trigger, ...result }, 'reconciled the inbox registry');
    return result;
  };

  // Shared by every scheduler on this queue: "somebody did the periodic pass in this interval".
  // Never released early; it expires a little before the next tick so the next pass can start.
  const lockKey = `{rs:${queueName}:fleet}:reconcile-lock`;
  const lockToken = randomUUID();
  const lockTtlMs = Math.max(1, Math.floor(reconcileIntervalMs * 0.8));

  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const acquired = await redis.set(lockKey, lockToken, 'PX', lockTtlMs, 'NX');
      if (acquired) await runReconcile('interval');
      else log.trace({ event: 'reconcile_skipped' }, 'another scheduler reconciled in this interval');
    } catch (error) {
      log.error({ event: 'reconcile_failed', err: errorMessage(error) }, 'reconcile failed; retrying next interval');
    }
  };
  const scheduleTick = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void track(tick()).finally(scheduleTick);
    }, reconcileIntervalMs);
    timer.unref?.();
  };

  const reconcileInBackground = (trigger: string): void => {
    void track(runReconcile(trigger)).catch((error: unknown) =>
      log.error({ event: 'reconcile_failed', trigger, err: errorMessage(error) }, 'reconcile failed; retrying next interval'),
    );
  };

  // --- notifications ----------------------------------------------------------------------------
  const pending = new Map<string, InboxNotification>();
  let flushing: Promise<void> | undefined;

  const applyPending = async (): Promise<void> => {
    while (pending.size > 0 && !stopped) {
      // Let a burst (e.g. a bulk UPDATE of many inboxes) arrive before applying it in one go.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = [...pending.values()];
      pending.clear();
      const connect = batch.filter((n) => n.connected);
      const disconnect = batch.filter((n) => !n.connected).map((n) => n.inboxId);
      try {
        await registerInboxes(redis, queueName, connect);
        await unregisterInboxes(redis, queueName, disconnect);
        log.info({ event: 'notified', added: connect.length, dropped: disconnect.length }, 'applied inbox notifications');
      } catch (error) {
        // Not retried here: the next full reconcile applies the same changes from the database.
        log.error({ event: 'notify_apply_failed', err: errorMessage(error), inboxes: batch.length }, 'could not apply inbox notifications');
      }
    }
  };

  const onNotify = (payload: string): void => {
    if (stopped) return;
    const notification = parseInboxNotification(payload);
    if (!notification) {
      log.warn({ event: 'notify_unparsed', payload: payload.slice(0, 200) }, 'ignored a notification that is not an inbox change');
      return;
    }
    pending.set(notification.inboxId, notification);
    flushing ??= track(applyPending()).finally(() => {
      flushing = undefined;
    });
  };

  let listens = 0;
  const onListen = (): void => {
    listens += 1;
    // After a reconnect of the LISTEN connection, notifications sent meanwhile are lost: reconcile.
    if (listens > 1 && !stopped) {
      log.warn({ event: 'listen_reconnected' }, 'LISTEN connection re-established; reconciling');
      reconcileInBackground('listen_reconnected');
    }
  };

  let listener: { unlisten(): Promise<void> };
  try {
    listener = await db.sql.listen(INBOX_CHANNEL, onNotify, onListen);
  } catch (error) {
    await closeRedisConnection(redis);
    throw error;
  }
  log.info({ event: 'started', reconcileIntervalMs }, 'scheduler listening for inbox changes');

  redis.on('ready', () => {
    if (redisReadies++ > 0 && !stopped) {
      log.warn({ event: 'redis_reconnected' }, 'Redis connection re-established; reconciling the registry');
      reconcileInBackground('redis_reconnected');
    }
  });
  if (redis.status === 'ready') redisReadies = 1;
  reconcileInBackground('start');
  scheduleTick();

  let stopping: Promise<void> | undefined;
  return {
    redis,
    reconcileNow: () => track(runReconcile('manual')),
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await listener.unlisten().catch(() => {});
        // Work in flight finishes, but a reconcile that hangs (Redis or PostgreSQL away) does not hold
        // the stop: whatever it did not do, the next scheduler's start-up reconcile does.
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS)))]);
        clearTimeout(grace);
        await closeRedisConnection(redis);
        log.info({ event: 'stopped' }, 'scheduler stopped');
      })()),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
