// Test helpers: the stack's Redis and a unique queue per test, obliterated afterwards.
import { randomUUID } from 'node:crypto';
import { createInboxQueue, type InboxQueue } from '../src/index';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:56379';

export function uniqueQueueName(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Opens a queue with a unique name; call the returned cleanup in afterEach. */
export function openTestQueue(label: string): { queue: InboxQueue; name: string; cleanup: () => Promise<void> } {
  const name = uniqueQueueName(label);
  const queue = createInboxQueue({ redisUrl, name });
  return {
    queue,
    name,
    cleanup: async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function inbox(n: number): { accountId: string; inboxId: string } {
  return { accountId: 'acct-test', inboxId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` };
}
