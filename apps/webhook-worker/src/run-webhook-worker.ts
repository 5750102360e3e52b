// Runs a webhook worker process from its env until SIGTERM/SIGINT: what `reply-sync webhooks` and
// src/main.ts call.
import { parseWebhookWorkerEnv, type WebhookWorkerEnv } from './env';
import { createLogger } from './logger';
import { startWebhookWorker } from './webhook-worker';

export async function runWebhookWorker(env: WebhookWorkerEnv = parseWebhookWorkerEnv()): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  // One listener from before the start to the end, as the worker and scheduler do: a signal during
  // start-up stops the process once started.
  let signalled = false;
  let onStop: (() => void) | null = null;
  const onSignal = (): void => {
    if (onStop) onStop();
    else signalled = true;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const running = await startWebhookWorker({ env, logger });
    await new Promise<void>((resolve) => {
      let closing = false;
      onStop = () => {
        if (closing) return;
        closing = true;
        running.close().then(resolve, (error: unknown) => {
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          resolve();
        });
      };
      if (signalled) onStop();
    });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
