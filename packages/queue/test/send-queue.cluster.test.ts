// The sharded send queue on the stack's real Redis Cluster (3 primaries, 3 replicas): the shards' keys
// spread over the primaries, jobs added to every shard are consumed, a key submitted twice is one job, and
// a primary failing over in the middle of a flood of sends loses and repeats none of them. Each job's
// effect is a row in PostgreSQL under a unique constraint, so a second run of a job cannot hide.
import { randomUUID } from 'node:crypto';
import { createDb, type DbHandle } from '@reply-sync/db';
import { redisCluster, stack, TAKE_OVER_AFTER_CRASH_TIMEOUT_MS, uniqueName, waitFor, type RedisClusterHelper } from '@reply-sync/testkit';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeRedisConnection,
  createRedisConnection,
  createSendQueue,
  createSendWorkers,
  enqueueSend,
  SEND_SHARD_COUNT,
  sendShardOf,
  sendShardPrefix,
  type SendJobData,
  type SendJobResult,
  type SendQueue,
  type SendRequest,
} from '../src/index';

const closers: (() => Promise<unknown>)[] = [];
// Closing the workers and queues after a failover can take over a minute in CI, while another
// package's test has a cluster primary down (the same as the CLI's cluster send test).
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
}, 150_000);

function cluster(): RedisClusterHelper {
  const c = redisCluster();
  closers.push(() => c.close());
  return c;
}

function sendQueue(): SendQueue {
  const queue = createSendQueue({ redisUrl: stack.redisClusterUrl, name: uniqueName('cluster-sends') });
  closers.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return queue;
}

interface Effects {
  /** Rows written (one per job id, ever). */
  count(): Promise<number>;
  ids(): Promise<string[]>;
  /** Runs of the processor, and runs that found their job's row already written. */
  runs: number;
  repeats: number;
  /** When each job's row was written (ms, performance.now()). */
  doneAt: number[];
}

/** The send workers (one per shard, as the sync worker runs them) with a processor that records each job once in PostgreSQL. */
async function recordingWorkers(queue: SendQueue, db: DbHandle): Promise<Effects> {
  const table = `send_effects_${randomUUID().replace(/-/g, '')}`;
  await db.sql`create table ${db.sql(table)} (job_id text primary key)`;
  closers.push(() => db.sql`drop table if exists ${db.sql(table)}`);
  const effects: Effects = {
    count: async () => Number((await db.sql`select count(*)::int as n from ${db.sql(table)}`)[0]!.n),
    ids: async () => (await db.sql<{ job_id: string }[]>`select job_id from ${db.sql(table)}`).map((r) => r.job_id),
    runs: 0,
    repeats: 0,
    doneAt: [],
  };
  const processor = async (job: Job<SendJobData, SendJobResult>): Promise<SendJobResult> => {
    effects.runs++;
    const written = await db.sql`insert into ${db.sql(table)} (job_id) values (${job.id!}) on conflict do nothing returning job_id`;
    if (written.length === 0) effects.repeats++;
    else effects.doneAt.push(performance.now());
    return { emailId: job.data.outgoingEmailId, threadId: 't', messageId: `<${job.id}@test>`, sentCopyStatus: 'appended', rejected: [], alreadySent: false };
  };
  const connection = createRedisConnection(stack.redisClusterUrl, { forWorker: true });
  connection.on('error', () => undefined);
  const sendWorkers = createSendWorkers(connection, processor, { name: queue.name, concurrency: 16 });
  closers.push(async () => {
    await sendWorkers.close();
    await closeRedisConnection(connection);
  });
  await Promise.all(sendWorkers.workers.map((w) => w.waitUntilReady()));
  return effects;
}

function database(): DbHandle {
  const db = createDb(stack.databaseUrl, { max: 8 });
  closers.push(() => db.close());
  return db;
}

const account = randomUUID();
/** One send per inbox round-robin: inboxes spread over the shards. */
function requests(n: number, inboxes: string[]): SendRequest[] {
  return Array.from({ length: n }, (_, i) => ({ accountId: account, inboxId: inboxes[i % inboxes.length]!, outgoingEmailId: randomUUID(), sendId: `s-${i}` }));
}

async function totals(queue: SendQueue): Promise<Record<string, number>> {
  const all: Record<string, number> = {};
  for (const shard of queue.shards) {
    for (const [state, n] of Object.entries(await shard.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed', 'prioritized'))) {
      all[state] = (all[state] ?? 0) + n;
    }
  }
  return all;
}

/**
 * A producer's command, tried again until it lands (tries a second apart, for as long as a takeover may
 * take). Another package's test may crash a primary meanwhile, and until its replica takes over
 * (TAKE_OVER_AFTER_CRASH_TIMEOUT_MS on a loaded machine)
 * a producer's command on that primary's slots fails fast, by design: its caller retries, as a CRM
 * retrying its submit would. Adds carry their key, so a retry of an add that did land is still one job.
 */
async function retried<T>(command: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (error) {
      if (attempt >= TAKE_OVER_AFTER_CRASH_TIMEOUT_MS / 1_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

const submitted = (queue: SendQueue, request: SendRequest): ReturnType<typeof enqueueSend> => retried(() => enqueueSend(queue, request));

/** What `redis-cli --cluster create` gives three primaries (the stack's cluster): their slot ranges. */
const SLOT_RANGES_OF_THREE_PRIMARIES: [number, number][] = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

describe('the send queue on a Redis Cluster', () => {
  it("keeps each shard's keys in one slot, and spreads the shards over every primary's slot range", async () => {
    const c = cluster();
    const queue = sendQueue();
    const slots = new Set<number>();
    for (const [shard, q] of queue.shards.entries()) {
      expect(q.opts.prefix).toBe(sendShardPrefix(shard));
      const job = await retried(() => q.add('send-email', { accountId: account, outgoingEmailId: randomUUID() }, { jobId: `probe-${shard}` }));
      const keySlots = new Set(await Promise.all([q.keys.wait!, q.keys.meta!, q.keys.events!, q.keys.active!, `${q.qualifiedName}:${job.id}`].map((k) => c.keySlot(k))));
      expect(keySlots.size).toBe(1);
      const [slot] = keySlots;
      slots.add(slot!);
    }
    expect(slots.size).toBe(SEND_SHARD_COUNT);
    // Which node serves a range moves with a failover (other tests make some on the same cluster), the
    // ranges do not: the shards land in every primary's range, so in any layout on every primary.
    const ranges = SLOT_RANGES_OF_THREE_PRIMARIES;
    expect(ranges.every(([from, to]) => [...slots].some((slot) => slot >= from && slot <= to))).toBe(true);
  }, 120_000);

  it('consumes jobs of every shard, once each, and makes one job of a key submitted twice', async () => {
    const queue = sendQueue();
    const effects = await recordingWorkers(queue, database());
    // Random inboxes until every shard has three (24 random ones miss a shard about one time in three).
    const inboxes: string[] = [];
    const perShard = new Map<number, number>();
    while (perShard.size < SEND_SHARD_COUNT || [...perShard.values()].some((n) => n < 3)) {
      const id = randomUUID();
      if ((perShard.get(sendShardOf(id)) ?? 0) >= 3) continue;
      perShard.set(sendShardOf(id), (perShard.get(sendShardOf(id)) ?? 0) + 1);
      inboxes.push(id);
    }
    const sends = requests(48, inboxes);

    // Both submits of each key at once, as two CLI runs with the same --key would (each retried).
    const added = await Promise.all(sends.flatMap((r) => [submitted(queue, r), submitted(queue, r)]));
    expect(new Set(added.map((j) => `${j.queueQualifiedName}:${j.id}`)).size).toBe(sends.length);
    for (const [i, r] of sends.entries()) expect(added[2 * i]!.queueQualifiedName).toBe(queue.forInbox(r.inboxId).qualifiedName);

    await waitFor(async () => (await effects.count()) === sends.length, { what: 'every send job to run', timeoutMs: TAKE_OVER_AFTER_CRASH_TIMEOUT_MS });
    expect(effects.runs).toBe(sends.length);
    expect(effects.repeats).toBe(0);
    await waitFor(async () => (await totals(queue)).completed === sends.length, { what: 'every job completed', timeoutMs: TAKE_OVER_AFTER_CRASH_TIMEOUT_MS });
  }, 240_000);

  it('a primary failover in the middle of a flood of sends: every job runs and completes exactly once', async () => {
    const c = cluster();
    const queue = sendQueue();
    const effects = await recordingWorkers(queue, database());
    const inboxes = Array.from({ length: 64 }, () => randomUUID());
    const added: SendRequest[] = [];
    let producerErrors = 0;
    let stopAt = Infinity;
    let stopped = false;

    // Four producers add sends until told to stop (or the test ends, passed or not). A failed add is
    // retried with the same key, as a CRM retrying its submit would: the same job id, so a retry of an
    // add that did land is still one job.
    const produce = async (): Promise<void> => {
      while (!stopped && added.length < stopAt) {
        const [r] = requests(1, [inboxes[added.length % inboxes.length]!]);
        const request = { ...r!, sendId: `s-${added.length}` };
        added.push(request);
        for (;;) {
          try {
            await enqueueSend(queue, request);
            break;
          } catch {
            producerErrors++;
            if (stopped) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      }
    };
    const producing = Promise.all([produce(), produce(), produce(), produce()]);
    closers.push(() => {
      stopped = true;
      return producing;
    });

    // Fail over the primary holding the most shards once the flood is well under way, and keep adding
    // sends after it: some are added and run before, during and after the failover.
    // Slow only while another package's test has a primary down: its slots wait for the replica (up to TAKE_OVER_AFTER_CRASH_TIMEOUT_MS).
    await waitFor(async () => (await effects.count()) >= 300, { what: 'the flood to be under way', timeoutMs: TAKE_OVER_AFTER_CRASH_TIMEOUT_MS, intervalMs: 10 });
    const before = await effects.count();
    const startedAt = performance.now();
    const failover = await c.failover(`${sendShardPrefix(0)}:x`);
    const endedAt = performance.now();
    stopAt = added.length + 300;
    await producing;

    const total = added.length;
    await waitFor(async () => (await effects.count()) === total, { what: 'every send job to run', timeoutMs: TAKE_OVER_AFTER_CRASH_TIMEOUT_MS });
    const ids = new Set(await effects.ids());
    expect(ids.size).toBe(total); // 0 lost
    expect(effects.repeats).toBe(0); // 0 duplicated
    expect(effects.runs).toBe(total);
    await waitFor(async () => (await totals(queue)).completed === total, { what: 'every job completed', timeoutMs: TAKE_OVER_AFTER_CRASH_TIMEOUT_MS });
    expect(await totals(queue)).toMatchObject({ failed: 0, active: 0, wait: 0, delayed: 0 });
    const during = effects.doneAt.filter((t) => t >= startedAt && t <= endedAt).length;
    const after = effects.doneAt.filter((t) => t > endedAt).length;
    expect(after).toBeGreaterThan(0);
    console.log(
      `cluster failover ${failover.from} -> ${failover.to} (slot ${failover.slot}) in ${failover.ms} ms, mid-flood of ${total} sends: ` +
        `${before} ran before it, ${during} during, ${after} after; 0 lost, ${effects.repeats} repeated, ${producerErrors} adds retried`,
    );
  }, 360_000);
});
