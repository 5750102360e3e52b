// Runs one worker process from its env until SIGTERM/SIGINT: what `reply-sync worker` and src/main.ts call.
import { parseWorkerEnv, type WorkerEnv } from './env';
import { createLogger } from './logger';
import { startWorker, type RunningWorker } from './worker';

/** Starts the worker and resolves once a SIGTERM/SIGINT has shut it down cleanly. */
export async function runWorker(env: WorkerEnv = parseWorkerEnv()): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  const running: RunningWorker = await startWorker({ env, logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      running.close().then(resolve, (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
