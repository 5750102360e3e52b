// Runs one worker process from its env until SIGTERM/SIGINT: what `reply-sync worker` and src/main.ts call.
import { parseWorkerEnv, type WorkerEnv } from './env';
import { createLogger } from './logger';
import { startWorker, type RunningWorker } from './worker';

/** Starts the worker and resolves once a SIGTERM/SIGINT has shut it down cleanly. */
export async function runWorker(env: WorkerEnv = parseWorkerEnv()): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  // One listener from before the start to the end (see apps/scheduler/src/run-scheduler.ts): a signal
  // during start-up stops the worker once started, and none is lost to a listener swap.
  let signalled: NodeJS.Signals | null = null;
  let onStop: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (onStop) onStop(signal);
    else signalled ??= signal;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const running: RunningWorker = await startWorker({ env, logger });
    await new Promise<void>((resolve) => {
      let closing = false;
      onStop = (signal) => {
        logger.info({ signal }, 'signal received');
        if (closing) return;
        closing = true;
        running.close().then(resolve, (error: unknown) => {
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          resolve();
        });
      };
      if (signalled) onStop(signalled);
    });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
