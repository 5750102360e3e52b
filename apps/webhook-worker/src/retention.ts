// The webhook worker's retention pass: every WEBHOOK_PRUNE_INTERVAL_MS (first one a minute after start),
// finished events and attempts older than WEBHOOK_RETENTION_MS (30 days) are deleted in short batches
// (packages/db webhook-retention.ts). A pass that fails is logged and tried again at the next interval;
// close() waits for a running pass to end its batch.
import { pruneWebhookHistory, type Db } from '@reply-sync/db';
import type { Logger } from './logger';

export interface RetentionOptions {
  db: Db;
  logger: Logger;
  retentionMs: number;
  intervalMs: number;
  /** Before the first pass (default a minute: start-up is the relay's and the deliveries' time). */
  firstDelayMs?: number;
  batchSize?: number;
  now?: () => Date;
}

export interface RunningRetention {
  close(): Promise<void>;
}

export function startRetention(options: RetentionOptions): RunningRetention {
  const now = options.now ?? (() => new Date());
  let closed = false;
  let running: Promise<void> | null = null;
  const pass = async () => {
    const started = Date.now();
    try {
      const pruned = await pruneWebhookHistory(options.db, {
        olderThan: new Date(now().getTime() - options.retentionMs),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        betweenBatches: () => new Promise<void>((resolve) => setImmediate(resolve)),
      });
      if (pruned.events + pruned.attempts > 0) {
        options.logger.info({ event: 'webhook_history_pruned', ...pruned, ms: Date.now() - started }, 'pruned old webhook events and attempts');
      }
    } catch (error) {
      options.logger.warn({ event: 'webhook_prune_failed', err: error instanceof Error ? error.message : String(error) }, 'could not prune old webhook history; trying again later');
    }
  };
  let timer: NodeJS.Timeout;
  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      if (closed) return;
      running = pass().finally(() => {
        running = null;
        if (!closed) schedule(options.intervalMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? Math.min(60_000, options.intervalMs));
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
