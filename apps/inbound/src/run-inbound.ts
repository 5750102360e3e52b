// Runs an inbound process from its env until SIGTERM/SIGINT: what `reply-sync inbound` and src/main.ts call.
import { parseInboundEnv, type InboundEnv } from './env';
import { startInbound } from './inbound-service';
import { createLogger } from './logger';

export async function runInbound(env: InboundEnv = parseInboundEnv()): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  let signalled = false;
  let onStop: (() => void) | null = null;
  const onSignal = (): void => {
    if (onStop) onStop();
    else signalled = true;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const running = await startInbound({ env, logger });
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
    logger.flush();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
