// SIGTERM on a worker process (src/main.ts, as deployed): it stops taking jobs, ends its sessions
// (LOGOUT), puts each job back on the queue for another worker, and exits 0. A worker started next
// picks the inbox up and logs what arrived meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

describe('SIGTERM', () => {
  it('ends the sessions, releases the jobs and exits 0', async () => {
    fx = await createFixture('sigterm');
    await fx.enqueue();
    const worker = spawnWorkerProcess(fx.queueName, { LOG_LEVEL: 'info' });
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the session baseline', timeoutMs: 20_000 });
    await waitFor(async () => (await fx.queue.getJobCounts('active')).active === 1, { what: 'the job active' });

    worker.child.kill('SIGTERM');
    const code = await Promise.race([worker.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, worker.output()).toBe(0);
    const counts = await fx.queue.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed');
    expect(counts.active).toBe(0);
    expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBe(1);
    expect(worker.output()).toContain('sync worker stopped');
    // Nothing ever went to stdout but JSON lines, and no password among them.
    expect(worker.output()).not.toContain(fx.mailUser.password);

    // The reply that arrives while no worker runs is logged by the next one.
    const reply = await fx.deliverReply();
    await fx.startWorker();
    await waitFor(async () => fx.q.emails.getByMessageId(reply), { what: 'the reply logged by the next worker', timeoutMs: 15_000 });
  });
});
