// Runs the scheduler as a process from its env: database, logger, signals. `reply-sync scheduler` calls this.
import { createDb } from '@reply-sync/db';
import { pino, type Logger } from 'pino';
import type { SchedulerEnv } from './env';
import { startScheduler, type Scheduler } from './scheduler';

export interface RunSchedulerOptions {
  /** Default: pino JSON to stdout at env.LOG_LEVEL. */
  logger?: Logger;
  /** Stop cleanly on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
}

export interface RunningScheduler {
  scheduler: Scheduler;
  /** Stops the scheduler and closes the database pool. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once stopped (by stop() or a signal). */
  stopped: Promise<void>;
}

export async function runScheduler(env: SchedulerEnv, options: RunSchedulerOptions = {}): Promise<RunningScheduler> {
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL, base: { app: 'scheduler' } });
  // One signal listener from the start to the end. A signal during start-up stops the scheduler right
  // after it started (the default action would kill it without its clean stop). And never swapping
  // listeners: removing a signal's last listener stops Node's handle for it, and a signal already
  // caught but not yet delivered is then lost (seen: a SIGTERM sent right after start-up ignored).
  let stopRequested: NodeJS.Signals | null = null;
  let onStopRequest: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (onStopRequest) onStopRequest(signal);
    else stopRequested ??= signal;
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  const unlistenSignals = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  // Two pooled connections cover the reconcile queries; LISTEN gets its own connection.
  const db = createDb(env.DATABASE_URL, { max: 2 });
  let scheduler: Scheduler;
  try {
    scheduler = await startScheduler({
      db,
      redisUrl: env.REDIS_URL,
      queueName: env.REPLY_SYNC_QUEUE,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      logger,
    });
  } catch (error) {
    unlistenSignals();
    await db.close();
    throw error;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await scheduler.stop();
      await db.close();
      unlistenSignals();
      resolveStopped();
    })());
  onStopRequest = (signal) => {
    logger.info({ event: 'signal', signal }, 'stopping scheduler');
    stop().catch((error: unknown) => {
      logger.error({ event: 'stop_failed', err: error instanceof Error ? error.message : String(error) }, 'unclean stop');
      process.exitCode = 1;
      resolveStopped();
    });
  };
  if (stopRequested) onStopRequest(stopRequested);
  return { scheduler, stop, stopped };
}
