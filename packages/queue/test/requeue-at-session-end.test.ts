import { afterEach, describe, expect, it } from 'vitest';
import {
  createInboxWorker,
  ensureInboxJobs,
  inboxJobId,
  listInboxJobIds,
  requeueAtSessionEnd,
  type InboxWorker,
} from '../src/index';
import { inbox, openTestQueue, redisUrl, waitFor } from './helpers';

describe('requeueAtSessionEnd', () => {
  let cleanup: () => Promise<void> = async () => {};
  let workers: InboxWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    workers = [];
    await cleanup();
  });

  it('runs session after session under the same job id, and the inbox never has zero or two jobs', async () => {
    const t = openTestQueue('requeue');
    cleanup = t.cleanup;
    const { queue } = t;
    const jobId = inboxJobId(inbox(1).inboxId);
    await ensureInboxJobs(queue, [inbox(1)]);

    const sessions: Array<{ id: string | undefined; data: unknown }> = [];
    const worker = createInboxWorker(
      { redisUrl },
      async (job, token) => {
        sessions.push({ id: job.id, data: job.data });
        await new Promise((resolve) => setTimeout(resolve, 20)); // the "IMAP session"
        if (sessions.length < 8) await requeueAtSessionEnd(job, token, 0);
        // 8th session: the inbox was "disconnected", so the session returns and the job completes.
      },
      { name: queue.name, concurrency: 1 },
    );
    workers.push(worker);

    // Sample the live job ids (one atomic script per sample) while the sessions run.
    const liveCounts = new Set<number>();
    while (sessions.length < 8) {
      liveCounts.add((await listInboxJobIds(queue)).length);
    }

    expect(liveCounts).toEqual(new Set([1]));
    expect(sessions.every((s) => s.id === jobId)).toBe(true);
    expect(sessions.every((s) => JSON.stringify(s.data) === JSON.stringify(inbox(1)))).toBe(true);
    await waitFor(async () => (await queue.getJobState(jobId)) === 'unknown', { what: 'the job to complete and be deleted' });
    expect(await queue.getJobCounts('failed', 'completed')).toEqual({ failed: 0, completed: 0 });
  });

  it('holds the job in delayed for the given delay, then a worker runs it again', async () => {
    const t = openTestQueue('requeue-delay');
    cleanup = t.cleanup;
    const { queue } = t;
    const jobId = inboxJobId(inbox(2).inboxId);
    await ensureInboxJobs(queue, [inbox(2)]);
    const starts: number[] = [];
    workers.push(
      createInboxWorker(
        { redisUrl },
        async (job, token) => {
          starts.push(Date.now());
          if (starts.length === 1) await requeueAtSessionEnd(job, token, 1_000);
          await new Promise(() => {}); // second session: stays active until the worker closes
        },
        { name: queue.name, concurrency: 1 },
      ),
    );

    await waitFor(async () => (await queue.getJobState(jobId)) === 'delayed', { what: 'the job to be delayed' });
    await waitFor(() => starts.length === 2, { what: 'the second session' });
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(900);
    expect(await listInboxJobIds(queue)).toEqual([inbox(2).inboxId]);
  });
});
