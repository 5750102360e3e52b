// Closing the send workers on a Redis of the test's own: a send that is running finishes before the close
// returns, and a Redis that went away does not hold the close (and so a SIGTERM) forever: BullMQ's own
// close awaits its blocking connection's end, which a client parked in reconnecting never emits.
import { randomUUID } from 'node:crypto';
import { startPrivateRedis, uniqueName, waitFor, type PrivateRedis } from '@reply-sync/testkit';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeRedisConnection,
  createRedisConnection,
  createSendQueue,
  createSendWorkers,
  enqueueSend,
  SEND_SHARD_COUNT,
  type SendJobData,
  type SendJobResult,
} from '../src/index';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

async function privateRedis(): Promise<PrivateRedis> {
  const redis = await startPrivateRedis();
  closers.push(() => redis.close());
  return redis;
}

const result = (job: Job<SendJobData>): SendJobResult => ({
  emailId: job.data.outgoingEmailId,
  threadId: 't',
  messageId: `<${job.id}@test>`,
  sentCopyStatus: 'appended',
  rejected: [],
  alreadySent: false,
});

function workersOn(url: string, name: string, processor: (job: Job<SendJobData, SendJobResult>) => Promise<SendJobResult>) {
  const connection = createRedisConnection(url, { forWorker: true });
  connection.on('error', () => undefined);
  const sendWorkers = createSendWorkers(connection, processor, { name, concurrency: SEND_SHARD_COUNT });
  for (const worker of sendWorkers.workers) worker.on('error', () => undefined);
  closers.push(async () => {
    await sendWorkers.close(500);
    await closeRedisConnection(connection);
  });
  return { connection, sendWorkers };
}

describe('closing the send workers', () => {
  it('lets a running send finish, then closes every worker', async () => {
    const redis = await privateRedis();
    const queue = createSendQueue({ redisUrl: redis.url, name: uniqueName('close-sends') });
    closers.push(() => queue.close());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    let finished = 0;
    const { sendWorkers } = workersOn(redis.url, queue.name, async (job) => {
      started++;
      await released;
      finished++;
      return result(job);
    });
    await Promise.all(sendWorkers.workers.map((w) => w.waitUntilReady()));
    await enqueueSend(queue, { accountId: randomUUID(), inboxId: randomUUID(), outgoingEmailId: randomUUID(), sendId: 's-1' });
    await waitFor(() => started === 1, { what: 'the send to start', timeoutMs: 10_000 });

    let closed: Awaited<ReturnType<typeof sendWorkers.close>> | null = null;
    const settleMs = 200;
    const closing = sendWorkers.close(settleMs).then((c) => (closed = c));
    // Closing, with the send still running: the close waits for it, well past the settle time (which
    // starts once the last send has ended). Something not happening is only seen by waiting.
    await new Promise((resolve) => setTimeout(resolve, 4 * settleMs));
    expect(closed).toBeNull();
    release();
    await closing;
    expect(finished).toBe(1);
    expect(closed).toEqual({ closed: sendWorkers.workers.length, abandoned: 0 });
    const counts = await Promise.all(queue.shards.map((shard) => shard.getJobCounts('active', 'completed')));
    expect(counts.reduce((n, c) => n + c.completed!, 0)).toBe(1);
    expect(counts.reduce((n, c) => n + c.active!, 0)).toBe(0);
  });

  it('returns within the settle time when Redis went away, instead of waiting for it forever', async () => {
    const redis = await privateRedis();
    const { connection, sendWorkers } = workersOn(redis.url, uniqueName('close-sends'), async (job) => result(job));
    await Promise.all(sendWorkers.workers.map((w) => w.waitUntilReady()));
    await redis.stop();
    await waitFor(() => connection.status === 'reconnecting', { what: 'the connection to notice Redis is gone', timeoutMs: 10_000 });

    const settleMs = 1_000;
    const startedAt = performance.now();
    const closed = await sendWorkers.close(settleMs);
    const ms = performance.now() - startedAt;
    expect(closed.closed + closed.abandoned).toBe(sendWorkers.workers.length);
    expect(ms).toBeLessThan(settleMs + 2_000);
    console.log(`send workers closed with Redis gone: ${closed.closed} closed, ${closed.abandoned} left closing, in ${Math.round(ms)} ms`);
  });
});
