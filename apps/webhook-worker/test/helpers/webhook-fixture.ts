// One test's world for webhooks: its own account, queue name and endpoint on a real receiver; a webhook
// worker in this process (startWebhookWorker) or as a process of its own (src/main.ts); and changes
// that write events (inboxes connected and disconnected: cheap, real outbox writes).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import { createRedisConnection, createWebhookQueue } from '@reply-sync/queue';
import { stack, uniqueName } from '@reply-sync/testkit';
import { addWebhook, type AddedWebhook } from '@reply-sync/webhooks';
import { parseWebhookWorkerEnv } from '../../src/env';
import { createLogger } from '../../src/logger';
import { startWebhookWorker, type RunningWebhookWorker } from '../../src/webhook-worker';

let migrated: Promise<void> | null = null;

/** Short retries by configuration, not by changing the production schedule. */
export const TEST_WORKER_ENV = {
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,300ms',
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_RELAY_POLL_MS: '500',
  WEBHOOK_LOCK_MS: '1500',
  LOG_LEVEL: 'silent',
};

export function workerEnvSource(queueName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
    REPLY_SYNC_WEBHOOK_QUEUE: queueName,
    ...TEST_WORKER_ENV,
    ...extra,
  };
}

export interface WebhookFixture {
  db: DbHandle;
  s: Scoped;
  queueName: string;
  subscribe(url: string, events?: string[]): Promise<AddedWebhook>;
  /** One committed change that writes one `inbox.connected` event; returns the inbox id. */
  connectInbox(): Promise<string>;
  startWorker(extra?: Record<string, string>, now?: () => Date): Promise<RunningWebhookWorker>;
  spawnWorker(extra?: Record<string, string>): ChildProcess & { exited: Promise<void> };
  eventIds(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function createWebhookFixture(name: string): Promise<WebhookFixture> {
  migrated ??= migrate(stack.databaseUrl);
  await migrated;
  const db = createDb(stack.databaseUrl, { max: 4 });
  const account = await createAccount(db.db, uniqueName(name));
  const s = scoped(db.db, account.id);
  const queueName = uniqueName(`webhooks-${name}`);
  const keys = parseEncryptionKeys(workerEnvSource(queueName).REPLY_SYNC_ENCRYPTION_KEYS);
  const workers: RunningWebhookWorker[] = [];
  const children: ChildProcess[] = [];
  let n = 0;
  return {
    db,
    s,
    queueName,
    subscribe: (url, events = ['all']) => addWebhook(s, keys, { url, events }, { allowPrivate: true }),
    async connectInbox() {
      const inbox = await s.inboxes.create(
        { kind: 'team', address: `team-${++n}-${account.id.slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'x', credentials: { password: 'p' } },
        keys,
      );
      return inbox.id;
    },
    async startWorker(extra = {}, now) {
      const env = parseWebhookWorkerEnv(workerEnvSource(queueName, extra));
      const worker = await startWebhookWorker({ env, logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...(now ? { now } : {}) });
      workers.push(worker);
      return worker;
    },
    spawnWorker(extra = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
        env: { ...process.env, ...workerEnvSource(queueName, { LOG_LEVEL: 'info', ...extra }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & { exited: Promise<void> };
      child.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdout!.resume();
      child.stderr!.resume();
      children.push(child);
      return child;
    },
    async eventIds() {
      const rows = await db.sql<{ id: string }[]>`SELECT id FROM webhook_events WHERE account_id = ${account.id} ORDER BY created_at`;
      return rows.map((r) => r.id);
    },
    async cleanup() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.close().catch(() => {})));
      const connection = createRedisConnection(stack.redisUrl, { forWorker: false });
      const queue = createWebhookQueue({ connection, name: queueName });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await connection.quit();
      await db.close();
    },
  };
}
