// 6. Scheduler: time for one full reconcile of N connected inbox rows into jobs (cold: queue empty;
// warm: nothing to do), and Redis memory per inbox job (INFO memory used_memory before/after).
import { Redis } from 'ioredis';
import { createDb } from '@reply-sync/db';
import { reconcile } from '@reply-sync/scheduler';
import { stack } from '@reply-sync/testkit';
import type { Scenario } from '../lib/context';
import { registeredInboxIds } from '@reply-sync/queue';
import { benchQueueName, destroyQueue, openQueue } from '../lib/worker-run';

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

export const schedulerScenario: Scenario = {
  name: 'scheduler',
  title: 'reconcile N inbox rows into jobs; Redis memory per inbox',
  async run(ctx) {
    const n = ctx.options.quick ? 5_000 : 100_000;
    const [account] = await ctx.db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${`${ctx.runId}-sched`}) RETURNING id`;
    const accountId = account!.id;
    const insertStart = performance.now();
    // Team inboxes need no user; nothing connects to them (no worker runs in this scenario).
    await ctx.db.sql`
      INSERT INTO inboxes (account_id, kind, address, imap_host, imap_port, imap_tls, username)
      SELECT ${accountId}, 'team', 'team-' || g || '@sched.bench.test', '127.0.0.1', 1, 'none', 'team-' || g
      FROM generate_series(1, ${n}) AS g`;
    const insertMs = performance.now() - insertStart;
    const db = createDb(ctx.db.url, { max: 2 });
    const fleet = openQueue(benchQueueName(ctx, 'sched'));
    const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 3 });
    try {
      const before = await usedMemory(redis);
      ctx.log(`scheduler: reconciling ${n} inboxes`);
      const cold = await reconcile(db, fleet.redis, fleet.name);
      const after = await usedMemory(redis);
      const warm = await reconcile(db, fleet.redis, fleet.name);
      const jobs = (await registeredInboxIds(fleet.redis, fleet.name)).length;
      const perInbox = (after - before) / n;
      ctx.row({ scenario: 'scheduler', figure: `reconcile ${n.toLocaleString('en-US')} rows → registry (cold)`, value: cold.durationMs / 1000, unit: 's' });
      ctx.row({ scenario: 'scheduler', figure: `reconcile ${n.toLocaleString('en-US')} rows (warm, nothing to do)`, value: warm.durationMs / 1000, unit: 's' });
      ctx.row({ scenario: 'scheduler', figure: 'Redis memory per registered inbox', value: perInbox, unit: 'B', goal: `one entry per row (${n.toLocaleString('en-US')})`, met: jobs === n && cold.added === n });
      return {
        n,
        insertMs: Math.round(insertMs),
        cold,
        warm,
        jobsInQueue: jobs,
        redisUsedMemoryBefore: before,
        redisUsedMemoryAfter: after,
        redisBytesPerInbox: perInbox,
        note: 'Redis is shared with other processes on the stack; used_memory is read just before and after the cold reconcile',
      };
    } finally {
      redis.disconnect();
      await destroyQueue(fleet);
      await db.close();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${accountId}`;
    }
  },
};
