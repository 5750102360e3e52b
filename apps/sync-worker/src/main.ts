// `tsx apps/sync-worker/src/main.ts` (and the CLI's `reply-sync worker`): run one worker process from
// the environment until SIGTERM/SIGINT. A separate process, so tests can spawn it and SIGKILL it.
import { fileURLToPath } from 'node:url';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let env: WorkerEnv;
  try {
    env = parseWorkerEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  runWorker(env).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
