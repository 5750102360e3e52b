// The set-up every fleet scenario shares: a redis-server of its own (so INFO commandstats and the
// login budget see only this fleet), N seeded inboxes whose IMAP port is a counting proxy in front of
// Dovecot (logins and IDLEs counted on the wire), the inboxes registered in the fleet's registry, and
// worker processes on that Redis. close() undoes all of it, also after a failure half-way.
import { startCountingProxy, startPrivateRedis, stack, type CountingProxy, type PrivateRedis } from '@reply-sync/testkit';
import type { BenchContext } from './context';
import { usedMemory } from './redis-commandstats';
import type { WorkerProcess } from './processes';
import { until } from './processes';
import { seedInboxes, type SeededAccount } from './seed';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker, type BenchFleet } from './worker-run';

export interface FleetWorld {
  queueName: string;
  redis: PrivateRedis;
  fleet: BenchFleet;
  proxy: CountingProxy;
  seeded: SeededAccount;
  /** used_memory the registry of N inboxes added, per inbox (bytes). */
  registryBytesPerInbox: number;
  /** Dovecot login names of the inboxes, in seeding order. */
  users: string[];
  workers: WorkerProcess[];
  /** Starts one more worker process of this fleet. */
  startWorker(label: string, options?: { env?: Record<string, string>; productionTimers?: boolean }): Promise<WorkerProcess>;
  /**
   * Dovecot login names of the inboxes still connected in the database: a server fault (an auth
   * process crashing mid-login) can get one disconnected, and the fleet rightly stops holding it.
   */
  connectedUsers(): Promise<string[]>;
  /** Sessions the live workers hold (sum of their gauges; a handover counts both sides). */
  held(): Promise<number>;
  /** Waits until the live workers' gauges add up to N. */
  waitAllHeld(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface FleetWorldOptions {
  tag: string;
  count: number;
  /** Where the counting proxy forwards (default Dovecot's plaintext IMAP port): e.g. an outage proxy. */
  upstreamPort?: number;
}

export async function openFleetWorld(ctx: BenchContext, options: FleetWorldOptions): Promise<FleetWorld> {
  const undo: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const step of undo.reverse()) await step().catch((error: unknown) => ctx.log(`${options.tag}: clean-up step failed: ${String(error)}`));
  };
  try {
    const redis = await startPrivateRedis();
    undo.push(() => redis.close());
    const profile = stack.profiles.standard;
    const proxy = await startCountingProxy({ host: profile.host, port: options.upstreamPort ?? profile.imapPort }, { commands: true });
    undo.push(() => proxy.close());
    ctx.log(`${options.tag}: seeding ${options.count} inboxes (own redis-server on ${redis.port}, counting proxy on ${proxy.port})`);
    const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-${options.tag}`, count: options.count, imapPort: proxy.port });
    undo.push(() => seeded.removeMailUsers());
    undo.push(() => ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`);
    const queueName = benchQueueName(ctx, options.tag);
    const fleet = openQueue(queueName, redis.url);
    undo.push(() => destroyQueue(fleet));
    const memoryBefore = await usedMemory(fleet.redis);
    await addJobs(fleet, seeded.accountId, seeded.inboxes);
    const registryBytesPerInbox = ((await usedMemory(fleet.redis)) - memoryBefore) / options.count;
    const workers: WorkerProcess[] = [];
    // Workers stop first (SIGTERM, so they log out), before Redis and the proxy go.
    undo.push(() => Promise.all(workers.map((w) => w.stop())));
    const live = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const held = async () => (await Promise.all(live().map((w) => w.connected().catch(() => 0)))).reduce((a, b) => a + b, 0);
    return {
      queueName,
      redis,
      fleet,
      proxy,
      seeded,
      registryBytesPerInbox,
      users: seeded.inboxes.map((i) => i.mail.user),
      workers,
      async startWorker(label, workerOptions = {}) {
        const worker = await startWorker(ctx, `worker-${options.tag}-${label}`, queueName, options.count, { REDIS_URL: redis.url, ...workerOptions.env }, workerOptions.productionTimers ?? false);
        workers.push(worker);
        return worker;
      },
      async connectedUsers() {
        const rows = await ctx.db.sql<{ id: string }[]>`SELECT id FROM inboxes WHERE account_id = ${seeded.accountId} AND status = 'connected'`;
        const connected = new Set(rows.map((r) => r.id));
        return seeded.inboxes.filter((i) => connected.has(i.inboxId)).map((i) => i.mail.user);
      },
      held,
      async waitAllHeld(timeoutMs) {
        await until(`${options.count} inboxes held by the fleet`, held, (v) => v >= options.count, timeoutMs, 250);
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Logins the proxy saw in [from, to) (ms since epoch), over every connection. */
export function loginsBetween(proxy: CountingProxy, from: number, to = Infinity): number[] {
  return proxy.connections.flatMap((c) => c.logins.filter((t) => t >= from && t < to));
}
