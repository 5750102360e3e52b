// 9. Webhooks (issue 12): ONE webhook worker process (apps/webhook-worker/src/main.ts: relay + delivery,
// concurrency 100) and a receiver on loopback answering 204. Latency: events written at a steady rate,
// each in its own transaction through recordEvent (the outbox write every change makes); commit
// returned → the receiver's 2xx, both on this process's clock. Throughput: N events committed while the
// worker is stopped, then the worker started: events delivered per second, first 2xx to last.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createDb, newWebhookEventId, recordEvent } from '@reply-sync/db';
import { createWebhookQueue } from '@reply-sync/queue';
import { stack } from '@reply-sync/testkit';
import { addWebhook } from '@reply-sync/webhooks';
import { ms, type BenchContext, type Scenario } from '../lib/context';
import { repoRoot, until } from '../lib/processes';
import { summarize } from '../lib/stats';
import { sleep } from '../lib/concurrency';
import { benchQueueName } from '../lib/worker-run';

const WEBHOOK_MAIN = join(repoRoot, 'apps/webhook-worker/src/main.ts');
const GOALS = { p99Ms: 1_000, perSecond: 1_000 };

interface Receiver {
  url: string;
  /** inboxId of the payload → when it was answered 2xx (ms, this process's clock). */
  answered: Map<string, number>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const answered = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { inboxId: string } }).data.inboxId;
      res.writeHead(204).end(() => {
        if (!answered.has(key)) answered.set(key, Date.now());
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`,
    answered,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The worker process, resolved once it logged that it is started (relay listening, queue worker ready). */
async function startWebhookWorker(ctx: BenchContext, queueName: string, logName: string): Promise<ChildProcess> {
  const log = createWriteStream(join(ctx.logDir, logName), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', WEBHOOK_MAIN], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: ctx.db.url,
      REDIS_URL: stack.redisUrl,
      REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
      REPLY_SYNC_WEBHOOK_QUEUE: queueName,
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOK_CONCURRENCY: '100',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('webhook worker started')) (child.stdout!.off('data', onData), resolve());
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the webhook worker exited (${code}) before it started; see ${logName}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const payload = (inboxId: string) => ({ inboxId, address: 'bench@webhooks.bench.test', userId: null, provider: 'imap' });

export const webhooksScenario: Scenario = {
  name: 'webhooks',
  title: 'outbox → signed POST: commit → receiver 2xx latency; events/s of one webhook worker',
  async run(ctx) {
    const rate = ctx.options.quick ? 20 : 100;
    const seconds = ctx.options.quick ? 5 : 20;
    const bulk = ctx.options.quick ? 2_000 : 20_000;
    const db = createDb(ctx.db.url, { max: 8 });
    const receiver = await startReceiver();
    const queueName = benchQueueName(ctx, 'webhooks');
    const [account] = await ctx.db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${`${ctx.runId}-webhooks`}) RETURNING id`;
    const accountId = account!.id;
    const { scoped } = await import('@reply-sync/db');
    await addWebhook(scoped(db.db, accountId), ctx.keys, { url: receiver.url, events: ['inbox.connected'] }, { allowPrivate: true });
    let worker: ChildProcess | null = null;
    try {
      // Latency at a steady rate.
      worker = await startWebhookWorker(ctx, queueName, 'webhooks-latency.log');
      const committed = new Map<string, number>();
      const started = Date.now();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < rate * seconds; i++) {
        const due = started + (i * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        const key = randomUUID();
        writes.push(db.db.transaction((tx) => recordEvent(tx, accountId, 'inbox.connected', payload(key))).then(() => void committed.set(key, Date.now())));
      }
      await Promise.all(writes);
      await until('every latency event delivered', async () => receiver.answered.size, (n) => n >= committed.size, 30_000).catch(() => undefined);
      const latencies = [...committed].filter(([k]) => receiver.answered.has(k)).map(([k, at]) => receiver.answered.get(k)! - at);
      const lat = summarize(latencies);
      const missing = committed.size - latencies.length;
      ctx.row({ scenario: 'webhooks', figure: `commit → receiver 2xx p50 (${rate}/s × ${seconds} s)`, value: ms(lat.p50), unit: 'ms' });
      ctx.row({ scenario: 'webhooks', figure: 'commit → receiver 2xx p99', value: ms(lat.p99), unit: 'ms', goal: `≤ ${GOALS.p99Ms} ms, 0 missing`, met: lat.p99 <= GOALS.p99Ms && missing === 0 });
      await stop(worker);
      worker = null;

      // Throughput: a backlog of events, then one worker.
      receiver.answered.clear();
      await ctx.db.sql`
        INSERT INTO webhook_events (id, account_id, type, payload)
        SELECT ${newWebhookEventId()} || lpad(g::text, 8, '0'), ${accountId}, 'inbox.connected',
               jsonb_build_object('inboxId', gen_random_uuid(), 'address', 'bench@webhooks.bench.test', 'userId', null, 'provider', 'imap')
        FROM generate_series(1, ${bulk}) AS g`;
      worker = await startWebhookWorker(ctx, queueName, 'webhooks-throughput.log');
      await until('the backlog delivered', async () => receiver.answered.size, (n) => n >= bulk, 180_000).catch(() => undefined);
      const times = [...receiver.answered.values()].sort((a, b) => a - b);
      const spanS = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : Number.NaN;
      const perSecond = Math.round((times.length - 1) / spanS);
      ctx.row({ scenario: 'webhooks', figure: `events/s one webhook worker sustains (${bulk.toLocaleString('en-US')} queued)`, value: perSecond, unit: '/s', goal: `≥ ${GOALS.perSecond}/s`, met: perSecond >= GOALS.perSecond && times.length === bulk });
      return { rate, seconds, latency: lat, missing, bulk, delivered: times.length, spanS, perSecond, note: 'receiver, writer and worker share the machine (2 cores) with the stack' };
    } finally {
      if (worker) await stop(worker);
      await receiver.close();
      const queue = createWebhookQueue({ redisUrl: stack.redisUrl, name: queueName });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await db.close();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${accountId}`;
    }
  },
};
