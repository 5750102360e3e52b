import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@reply-sync/db';
import { inboxJobId, listInboxJobIds, type InboxQueue } from '@reply-sync/queue';
import { waitFor } from '@reply-sync/testkit';
import { startScheduler, type Scheduler } from '../src/index';
import {
  capturingLogger,
  createAccount,
  deleteAccount,
  insertInboxes,
  migrateOnce,
  openDb,
  openQueue,
  setInboxStatus,
  stack,
} from './helpers';

const LONG = 10 * 60_000; // the periodic reconcile never runs during these tests: NOTIFY does the work

describe('scheduler: LISTEN/NOTIFY', () => {
  let db: DbHandle;
  let queue: InboxQueue;
  let scheduler: Scheduler | undefined;
  let accountId: string;
  beforeAll(migrateOnce);
  afterEach(async () => {
    await scheduler?.stop();
    await queue.obliterate({ force: true });
    await queue.close();
    await deleteAccount(db, accountId);
    await db.close();
  });

  async function start(): Promise<ReturnType<typeof capturingLogger>> {
    db = openDb();
    accountId = await createAccount(db);
    queue = openQueue('notify');
    const captured = capturingLogger();
    scheduler = await startScheduler({
      db,
      redisUrl: stack.redisUrl,
      queueName: queue.name,
      reconcileIntervalMs: LONG,
      logger: captured.logger,
    });
    // Let the start-up reconcile finish first, so only a notification can add what comes next.
    await waitFor(() => captured.lines.some((l) => l.event === 'reconcile' && l.trigger === 'start'), {
      what: 'the start-up reconcile',
    });
    return captured;
  }

  it('gives a newly connected inbox its job within a second', async () => {
    const { lines } = await start();
    const startedAt = Date.now();
    const [inboxId] = await insertInboxes(db, accountId);

    await waitFor(async () => (await queue.getJobState(inboxJobId(inboxId!))) === 'waiting', {
      what: 'the inbox job',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const job = await queue.getJob(inboxJobId(inboxId!));
    expect(job?.data).toEqual({ accountId, inboxId });
    expect(lines.filter((l) => l.event === 'reconcile')).toHaveLength(1); // only the start-up one
  });

  it('drops the waiting job of an inbox that is disconnected, removed or deleted', async () => {
    await start();
    const ids = await insertInboxes(db, accountId, 3);
    await waitFor(async () => (await listInboxJobIds(queue)).filter((id) => ids.includes(id)).length === 3, {
      what: 'three inbox jobs',
    });

    await setInboxStatus(db, [ids[0]!], 'disconnected');
    await setInboxStatus(db, [ids[1]!], 'removed');
    await db.sql`DELETE FROM inboxes WHERE id = ${ids[2]!}::uuid`;

    await waitFor(async () => (await listInboxJobIds(queue)).filter((id) => ids.includes(id)).length === 0, {
      what: 'the three jobs to be dropped',
      timeoutMs: 3_000,
      intervalMs: 20,
    });
  });

  it('gives a reconnected inbox its job back', async () => {
    await start();
    const [inboxId] = await insertInboxes(db, accountId, 1, 'disconnected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queue.getJobState(inboxJobId(inboxId!))).toBe('unknown');

    await setInboxStatus(db, [inboxId!], 'connected');

    await waitFor(async () => (await queue.getJobState(inboxJobId(inboxId!))) === 'waiting', {
      what: 'the job of the reconnected inbox',
      timeoutMs: 3_000,
    });
  });
});
