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
  // Signals are taken from the start: one that arrives while the scheduler is still starting stops it
  // right after (the default action would kill the process without its clean stop).
  let signalledEarly: NodeJS.Signals | null = null;
  const early = (signal: NodeJS.Signals): void => {
    signalledEarly = signal;
  };
  if (options.handleSignals ?? true) {
    process.once('SIGTERM', early);
    process.once('SIGINT', early);
  }
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
    process.off('SIGTERM', early);
    process.off('SIGINT', early);
    await db.close();
    throw error;
  }
  process.off('SIGTERM', early);
  process.off('SIGINT', early);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await scheduler.stop();
      await db.close();
      resolveStopped();
    })());
  function onSignal(signal: NodeJS.Signals): void {
    logger.info({ event: 'signal', signal }, 'stopping scheduler');
    stop().catch((error: unknown) => {
      logger.error({ event: 'stop_failed', err: error instanceof Error ? error.message : String(error) }, 'unclean stop');
      process.exitCode = 1;
      resolveStopped();
    });
  }
  if (options.handleSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    if (signalledEarly) onSignal(signalledEarly);
  }
  return { scheduler, stop, stopped };
}
