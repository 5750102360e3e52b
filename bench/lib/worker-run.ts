// One scenario's worker set-up: its own queue, the real worker as a child process, the inboxes' jobs
// added directly (what the scheduler would do; the scheduler itself is measured in its own scenario).
import { randomUUID } from 'node:crypto';
import { createInboxQueue, ensureInboxJobs, type InboxQueue } from '@reply-sync/queue';
import { stack } from '@reply-sync/testkit';
import type { BenchContext } from './context';
import { startWorkerProcess, until, type WorkerProcess } from './processes';
import type { SeededInbox } from './seed';

export function benchQueueName(ctx: BenchContext, scenario: string): string {
  return `bench-${scenario}-${ctx.runId}-${randomUUID().slice(0, 6)}`;
}

export function openQueue(name: string): InboxQueue {
  const queue = createInboxQueue({ redisUrl: stack.redisUrl, name });
  queue.on('error', () => undefined);
  return queue;
}

export async function addJobs(queue: InboxQueue, accountId: string, inboxes: readonly SeededInbox[]): Promise<void> {
  await ensureInboxJobs(
    queue,
    inboxes.map((i) => ({ accountId, inboxId: i.inboxId })),
  );
}

/** Removes every key of the queue (jobs, locks, events). */
export async function destroyQueue(queue: InboxQueue): Promise<void> {
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close().catch(() => undefined);
}

export async function startWorker(
  ctx: BenchContext,
  name: string,
  queueName: string,
  concurrency: number,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  return startWorkerProcess({
    databaseUrl: ctx.db.url,
    queueName,
    concurrency: Math.max(concurrency, 1),
    logDir: ctx.logDir,
    name,
    env,
  });
}

/** Waits until the worker holds `n` sessions (its reply_sync_inboxes_connected gauge). */
export function waitConnected(worker: WorkerProcess, n: number, timeoutMs: number): Promise<number> {
  return until(`${n} inboxes connected on worker ${worker.pid}`, () => worker.connected(), (v) => v >= n, timeoutMs, 250);
}
