// One scenario's worker set-up: its own fleet, the real worker as a child process, the inboxes
// registered directly (what the scheduler would do; the scheduler itself is measured in its own scenario).
import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { createRedisConnection, deleteFleet, registerInboxes } from '@reply-sync/queue';
import { stack } from '@reply-sync/testkit';
import type { BenchContext } from './context';
import { startWorkerProcess, until, type WorkerProcess } from './processes';
import type { SeededInbox } from './seed';

export function benchQueueName(ctx: BenchContext, scenario: string): string {
  return `bench-${scenario}-${ctx.runId}-${randomUUID().slice(0, 6)}`;
}

/** A scenario's fleet: its name and a connection to its registry. */
export interface BenchFleet {
  name: string;
  redis: Redis;
}

/** `redisUrl`: the stack's shared Redis by default; the fleet scenarios give a redis-server of their own, cluster-failover the cluster's. */
export function openQueue(name: string, redisUrl: string = stack.redisUrl): BenchFleet {
  const redis = createRedisConnection(redisUrl, { forWorker: false });
  redis.on('error', () => undefined);
  return { name, redis };
}

export async function addJobs(fleet: BenchFleet, accountId: string, inboxes: readonly SeededInbox[]): Promise<void> {
  await registerInboxes(
    fleet.redis,
    fleet.name,
    inboxes.map((i) => ({ accountId, inboxId: i.inboxId })),
  );
}

/** Removes every key of the fleet (registry, membership, holders). */
export async function destroyQueue(fleet: BenchFleet): Promise<void> {
  await deleteFleet(fleet.redis, fleet.name).catch(() => undefined);
  fleet.redis.disconnect();
}

export async function startWorker(
  ctx: BenchContext,
  name: string,
  queueName: string,
  concurrency: number,
  env: Record<string, string> = {},
  productionTimers = false,
): Promise<WorkerProcess> {
  return startWorkerProcess({
    databaseUrl: ctx.db.url,
    queueName,
    concurrency: Math.max(concurrency, 1),
    logDir: ctx.logDir,
    name,
    env,
    productionTimers,
  });
}

/** Waits until the worker holds `n` sessions (its reply_sync_inboxes_connected gauge). */
export function waitConnected(worker: WorkerProcess, n: number, timeoutMs: number): Promise<number> {
  return until(`${n} inboxes connected on worker ${worker.pid}`, () => worker.connected(), (v) => v >= n, timeoutMs, 250);
}
