import { it } from 'vitest';
import { createRedisConnection, createWebhookQueue } from '@reply-sync/queue';
import { stack } from '@reply-sync/testkit';
import { createWebhookFixture } from './test/helpers/webhook-fixture';
it('dbg', async () => {
  const fx = await createWebhookFixture('dbg');
  await fx.subscribe('http://127.0.0.1:1/x');
  await fx.startWorker();
  await fx.connectInbox();
  await new Promise((r) => setTimeout(r, 3000));
  const c = createRedisConnection(stack.redisUrl, { forWorker: false });
  const q = createWebhookQueue({ connection: c, name: fx.queueName });
  console.log(await q.getJobCounts());
  const jobs = await q.getJobs(['failed', 'waiting', 'delayed', 'active']);
  console.log(jobs.map((j) => [j.id, j.failedReason, j.attemptsMade]));
  await q.close(); await c.quit();
  await fx.cleanup();
});
