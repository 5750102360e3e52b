// The demo's webhook receiver: an HTTP server on loopback subscribed to every event of the demo account,
// which checks each POST's Standard Webhooks signature and keeps what arrived; and a webhook worker
// (relay + delivery) running in the demo process, as `reply-sync webhooks` would.
import http from 'node:http';
import type { Writable } from 'node:stream';
import type { EncryptionKeys, Scoped } from '@reply-sync/db';
import { createWebhookQueue } from '@reply-sync/queue';
import { createLogger, parseWebhookWorkerEnv, startWebhookWorker } from '@reply-sync/webhook-worker';
import { addWebhook } from '@reply-sync/webhooks';
import { Webhook } from 'standardwebhooks';

export interface DemoWebhookEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** The signature checked out with the subscription's secret. */
  verified: boolean;
}

export interface DemoWebhooks {
  url: string;
  received: DemoWebhookEvent[];
  /** Starts the webhook worker on `appEnv` (events committed before it are relayed then). */
  startWorker(appEnv: Record<string, string>, logFile: Writable, logLevel: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoWebhooks(s: Scoped, keys: EncryptionKeys): Promise<DemoWebhooks> {
  const received: DemoWebhookEvent[] = [];
  let verifier: Webhook | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = true;
      try {
        verifier!.verify(body, headers);
      } catch {
        verified = false;
      }
      const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      if (!received.some((e) => e.id === headers['webhook-id'])) received.push({ id: headers['webhook-id']!, type: parsed.type, data: parsed.data, verified });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/crm-webhooks`;
  const added = await addWebhook(s, keys, { url, events: ['all'] }, { allowPrivate: true });
  verifier = new Webhook(added.secret);
  let stopWorker: (() => Promise<void>) | null = null;
  return {
    url,
    received,
    async startWorker(appEnv, logFile, logLevel) {
      const env = parseWebhookWorkerEnv({ ...appEnv, WEBHOOKS_ALLOW_PRIVATE: 'true', WEBHOOK_RELAY_POLL_MS: '500' });
      const worker = await startWebhookWorker({ env, logger: createLogger({ level: logLevel, destination: logFile as never }) });
      stopWorker = async () => {
        await worker.close();
        const queue = createWebhookQueue({ redisUrl: env.REDIS_URL, name: env.REPLY_SYNC_WEBHOOK_QUEUE });
        await queue.obliterate({ force: true }).finally(() => queue.close());
      };
    },
    async close() {
      await stopWorker?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function formatWebhooks(events: DemoWebhookEvent[]): string {
  const lines = [`Webhooks the CRM received (signed per Standard Webhooks; ${events.filter((e) => e.verified).length} of ${events.length} signatures verified):`];
  for (const e of events) {
    const what = e.type === 'email.logged' ? `${e.type} (${String(e.data.source)}) ${String(e.data.messageId)}` : `${e.type} ${String(e.data.outgoingEmailId ?? e.data.inboxId ?? '')}`;
    lines.push(`  ${e.id}  ${what}`);
  }
  return lines.join('\n');
}
