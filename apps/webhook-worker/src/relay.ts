// The relay: moves committed outbox events into the delivery queue. It LISTENs on
// reply_sync_webhook_events (the outbox's INSERT trigger notifies at commit) for latency and polls as
// the fallback (a notification sent while the LISTEN connection was down is lost). Several relays may
// run: each pass claims its events with SKIP LOCKED (relayWebhookEvents).
import { openNotifyConnection, relayWebhookEvents, WEBHOOK_EVENTS_CHANNEL, type Db, type NotifyConnection, type WebhookDeliveryKey } from '@reply-sync/db';
import type { Logger } from './logger';

export interface RelayOptions {
  db: Db;
  databaseUrl: string;
  enqueue: (deliveries: WebhookDeliveryKey[]) => Promise<void>;
  logger: Logger;
  pollMs?: number;
  batchSize?: number;
}

export interface Relay {
  /** Resolves once the LISTEN is in place (or failed, then the poll carries on alone). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function startRelay(options: RelayOptions): Relay {
  const { db, logger } = options;
  const batch = options.batchSize ?? 500;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let listener: NotifyConnection | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const { events } = await relayWebhookEvents(db, options.enqueue, batch);
        if (events < batch || closed) break;
      }
    } while (again && !closed);
  }

  function kick(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'webhook relay pass failed; the next poll retries'))
      .finally(() => {
        running = null;
        if (again) kick(); // a notification that came as the pass was ending
      });
  }

  async function listen(delayMs = 1_000): Promise<void> {
    if (closed) return;
    const connection = openNotifyConnection(options.databaseUrl, {
      onNotify: () => kick(),
      onClose: () => {
        if (closed || listener !== connection) return;
        listener = null;
        logger.warn('webhook relay lost its LISTEN connection; polling until it is back');
        reconnectTimer = setTimeout(() => void listen(Math.min(delayMs * 2, 30_000)), delayMs);
      },
    });
    listener = connection;
    try {
      await connection.listen(WEBHOOK_EVENTS_CHANNEL);
      kick(); // what was committed while nobody listened
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'webhook relay could not LISTEN; polling');
      await connection.close().catch(() => {});
    }
  }

  const poll = setInterval(kick, options.pollMs ?? 1_000);
  const ready = listen();
  kick();

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(poll);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const l = listener;
      listener = null;
      await l?.close().catch(() => {});
      await running;
    },
  };
}
