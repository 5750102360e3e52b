// Test helpers: the stack's Redis, a fleet name of each test's own, deleted afterwards.
import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from '../src/index';
import { createRedisConnection, deleteFleet } from '../src/index';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:56379';

export function uniqueQueueName(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

/** A connection and a fleet name of this test's own; call cleanup in afterEach. */
export function openTestFleet(label: string): { redis: Redis; fleet: string; cleanup: () => Promise<void> } {
  const fleet = uniqueQueueName(label);
  const redis = createRedisConnection(redisUrl, { forWorker: false });
  return {
    redis,
    fleet,
    cleanup: async () => {
      await deleteFleet(redis, fleet).catch(() => undefined);
      redis.disconnect();
    },
  };
}

export function inbox(n: number): { accountId: string; inboxId: string } {
  return { accountId: 'acct-test', inboxId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` };
}
