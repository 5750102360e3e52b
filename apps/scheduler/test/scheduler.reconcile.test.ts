import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@reply-sync/db';
import { ensureInboxJobs, inboxJobId, listInboxJobIds, type InboxQueue } from '@reply-sync/queue';
import { waitFor } from '@reply-sync/testkit';
import { startScheduler, type Scheduler } from '../src/index';
import {
  capturingLogger,
  createAccount,
  deleteAccount,
  insertInboxes,
  liveOccurrences,
  migrateOnce,
  openDb,
  openQueue,
  stack,
} from './helpers';

describe('scheduler: full reconcile', () => {
  let dbs: DbHandle[] = [];
  let schedulers: Scheduler[] = [];
  let queue: InboxQueue;
  let accountId: string;
  beforeAll(migrateOnce);
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    schedulers = [];
    await queue.obliterate({ force: true });
    await queue.close();
    await deleteAccount(dbs[0]!, accountId);
    await Promise.all(dbs.map((db) => db.close()));
    dbs = [];
  });

  async function setUp(label: string): Promise<DbHandle> {
    const db = openDb();
    dbs.push(db);
    accountId = await createAccount(db);
    queue = openQueue(label);
    return db;
  }

  async function start(reconcileIntervalMs: number): Promise<Scheduler> {
    // Each scheduler gets its own pool and LISTEN connection, like a separate process.
    const db = openDb();
    dbs.push(db);
    const { logger, lines } = capturingLogger();
    const scheduler = await startScheduler({ db, redisUrl: stack.redisUrl, queueName: queue.name, reconcileIntervalMs, logger });
    schedulers.push(scheduler);
    // Wait out the start-up reconcile so it cannot do (or undo) what a test is about to check.
    await waitFor(() => lines.some((l) => l.event === 'reconcile' && l.trigger === 'start'), { what: 'the start-up reconcile' });
    return scheduler;
  }

  it('two schedulers reconciling at once, over and over, make exactly one job per inbox', async () => {
    const db = await setUp('two');
    const [a, b] = [await start(60_000), await start(60_000)];
    const first = await insertInboxes(db, accountId, 40);

    for (let round = 0; round < 5; round++) {
      // More inboxes connect while both reconcile, so NOTIFY adds and reconcile adds race too.
      await Promise.all([
        a.reconcileNow(),
        b.reconcileNow(),
        a.reconcileNow(),
        b.reconcileNow(),
        insertInboxes(db, accountId, 4),
      ]);
    }
    const ours = (await db.sql<{ id: string }[]>`SELECT id::text AS id FROM inboxes WHERE account_id = ${accountId}::uuid`).map((r) => r.id);
    expect(ours).toHaveLength(60);
    expect(ours).toEqual(expect.arrayContaining(first));
    await Promise.all([a.reconcileNow(), b.reconcileNow()]);

    const occurrences = await liveOccurrences(queue);
    for (const inboxId of ours) expect(occurrences.get(inboxJobId(inboxId)), inboxId).toBe(1);
    expect([...occurrences.values()].every((n) => n === 1)).toBe(true);
  });

  it('re-creates a job deleted behind its back, and drops a job whose inbox is not connected', async () => {
    const db = await setUp('heal');
    const scheduler = await start(60_000);
    const [kept, lost] = await insertInboxes(db, accountId, 2);
    const [stray] = await insertInboxes(db, accountId, 1, 'disconnected');
    await waitFor(async () => (await listInboxJobIds(queue)).includes(lost!), { what: 'the job to exist' });
    await queue.remove(inboxJobId(lost!));
    // A job for a disconnected inbox, e.g. left by a requeue that raced the disconnect.
    await ensureInboxJobs(queue, [{ accountId, inboxId: stray! }]);

    const result = await scheduler.reconcileNow();

    expect(result.added).toBeGreaterThanOrEqual(1);
    expect(result.dropped).toBeGreaterThanOrEqual(1);
    const live = await listInboxJobIds(queue);
    expect(live).toEqual(expect.arrayContaining([kept, lost]));
    expect(live).not.toContain(stray);
    expect((await queue.getJob(inboxJobId(lost!)))?.data).toEqual({ accountId, inboxId: lost });
  });

  it('heals a lost job on its own at the reconcile interval (two schedulers sharing the interval lock)', async () => {
    const db = await setUp('interval');
    await start(500);
    await start(500);
    const [inboxId] = await insertInboxes(db, accountId, 1);
    await waitFor(async () => (await listInboxJobIds(queue)).includes(inboxId!), { what: 'the job to exist' });

    await queue.remove(inboxJobId(inboxId!));
    // Nothing notifies about a lost job: only the periodic reconcile can bring it back.

    await waitFor(async () => (await listInboxJobIds(queue)).includes(inboxId!), {
      what: 'the periodic reconcile to re-create the job',
      timeoutMs: 5_000,
    });
    expect((await liveOccurrences(queue)).get(inboxJobId(inboxId!))).toBe(1);
  });
});
