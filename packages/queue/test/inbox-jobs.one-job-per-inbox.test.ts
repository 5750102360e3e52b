import { afterEach, describe, expect, it } from 'vitest';
import {
  createInboxQueue,
  createInboxWorker,
  dropInboxJobs,
  ensureInboxJobs,
  inboxJobId,
  listInboxJobIds,
  type InboxQueue,
} from '../src/index';
import { inbox, openTestQueue, redisUrl, waitFor } from './helpers';

describe('ensureInboxJobs / dropInboxJobs / listInboxJobIds', () => {
  let cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups) await cleanup();
    cleanups = [];
  });
  function open(label: string): InboxQueue {
    const { queue, cleanup } = openTestQueue(label);
    cleanups.push(cleanup);
    return queue;
  }

  it('makes one job per inbox even when two producers add the same inboxes concurrently, many times', async () => {
    const queue = open('concurrent-add');
    // A second Queue object on its own connection stands in for a second scheduler process.
    const other = createInboxQueue({ redisUrl, name: queue.name });
    cleanups.push(() => other.close());
    const inboxes = Array.from({ length: 200 }, (_, i) => inbox(i));

    await Promise.all([
      ensureInboxJobs(queue, inboxes),
      ensureInboxJobs(other, inboxes),
      ensureInboxJobs(queue, inboxes.slice(50)),
      ensureInboxJobs(other, [...inboxes].reverse()),
    ]);

    const ids = await listInboxJobIds(queue);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(new Set(inboxes.map((i) => i.inboxId)));
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(200);
    const job = await queue.getJob(inboxJobId(inbox(7).inboxId));
    expect(job?.data).toEqual(inbox(7));
  });

  it('leaves a delayed job alone when the inbox is ensured again (an existing id is never replaced)', async () => {
    const queue = open('keep-delayed');
    await queue.add('inbox-session', inbox(1), { jobId: inboxJobId(inbox(1).inboxId), delay: 60_000 });

    await ensureInboxJobs(queue, [inbox(1), inbox(2)]);

    expect(await queue.getJobState(inboxJobId(inbox(1).inboxId))).toBe('delayed');
    expect(await queue.getJobState(inboxJobId(inbox(2).inboxId))).toBe('waiting');
    expect((await listInboxJobIds(queue)).sort()).toEqual([inbox(1).inboxId, inbox(2).inboxId]);
  });

  it('replaces a finished job left behind under the inbox id (BullMQ would otherwise ignore the add)', async () => {
    const queue = open('finished-leftover');
    const id = inboxJobId(inbox(3).inboxId);
    // A failed job kept in Redis: what happens if someone turns removeOnFail off.
    await queue.add('inbox-session', inbox(3), { jobId: id, removeOnFail: false });
    const worker = createInboxWorker({ redisUrl }, async () => {
      throw new Error('boom');
    }, { name: queue.name, concurrency: 1 });
    await waitFor(async () => (await queue.getJobState(id)) === 'failed', { what: 'the job to fail' });
    await worker.close();
    expect(await listInboxJobIds(queue)).toEqual([]);

    await ensureInboxJobs(queue, [inbox(3)]);

    expect(await queue.getJobState(id)).toBe('waiting');
    expect(await listInboxJobIds(queue)).toEqual([inbox(3).inboxId]);
  });

  it('drops waiting and delayed jobs, and reports an active job instead of removing it', async () => {
    const queue = open('drop');
    const activeId = inboxJobId(inbox(3).inboxId);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    // Inbox 3's job runs first and stays active (locked) in a worker until released.
    await ensureInboxJobs(queue, [inbox(3)]);
    const worker = createInboxWorker({ redisUrl }, async () => released, { name: queue.name, concurrency: 1 });
    await waitFor(async () => (await queue.getJobState(activeId)) === 'active', { what: 'the job to be active' });
    await ensureInboxJobs(queue, [inbox(1), inbox(2)]);
    await queue.add('inbox-session', inbox(4), { jobId: inboxJobId(inbox(4).inboxId), delay: 60_000 });

    const result = await dropInboxJobs(queue, [inbox(1).inboxId, inbox(3).inboxId, inbox(4).inboxId, inbox(9).inboxId]);

    expect(result.dropped.sort()).toEqual([inbox(1).inboxId, inbox(4).inboxId, inbox(9).inboxId].sort());
    expect(result.active).toEqual([inbox(3).inboxId]);
    expect((await listInboxJobIds(queue)).sort()).toEqual([inbox(2).inboxId, inbox(3).inboxId].sort());
    // The session ends by returning (inbox disconnected): the job completes and is deleted.
    release();
    await waitFor(async () => (await queue.getJobState(activeId)) === 'unknown', { what: 'the job to be gone' });
    await worker.close();
  });
});
