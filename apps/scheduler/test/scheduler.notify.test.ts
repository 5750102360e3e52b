import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@reply-sync/db';
import { waitFor } from '@reply-sync/testkit';
import { startScheduler, type Scheduler } from '../src/index';
import {
  capturingLogger,
  createAccount,
  deleteAccount,
  insertInboxes,
  migrateOnce,
  openDb,
  openFleet,
  registryEntry,
  setInboxStatus,
  stack,
  type TestFleet,
} from './helpers';

const LONG = 10 * 60_000; // the periodic reconcile never runs during these tests: NOTIFY does the work

describe('scheduler: LISTEN/NOTIFY', () => {
  let db: DbHandle;
  let fleet: TestFleet;
  let scheduler: Scheduler | undefined;
  let accountId: string;
  beforeAll(migrateOnce);
  afterEach(async () => {
    await scheduler?.stop();
    await fleet.close();
    await deleteAccount(db, accountId);
    await db.close();
  });

  async function start(): Promise<ReturnType<typeof capturingLogger>> {
    db = openDb();
    accountId = await createAccount(db);
    fleet = openFleet('notify');
    const captured = capturingLogger();
    scheduler = await startScheduler({
      db,
      redisUrl: stack.redisUrl,
      queueName: fleet.name,
      reconcileIntervalMs: LONG,
      logger: captured.logger,
    });
    // Let the start-up reconcile finish first, so only a notification can add what comes next.
    await waitFor(() => captured.lines.some((l) => l.event === 'reconcile' && l.trigger === 'start'), {
      what: 'the start-up reconcile',
    });
    return captured;
  }

  it('registers a newly connected inbox within a second', async () => {
    const { lines } = await start();
    const startedAt = Date.now();
    const [inboxId] = await insertInboxes(db, accountId);

    await waitFor(async () => (await registryEntry(fleet, inboxId!)) !== null, {
      what: 'the registry entry',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(await registryEntry(fleet, inboxId!)).toBe(accountId);
    expect(lines.filter((l) => l.event === 'reconcile')).toHaveLength(1); // only the start-up one
  });

  it('unregisters an inbox that is disconnected, removed or deleted', async () => {
    await start();
    const ids = await insertInboxes(db, accountId, 3);
    await waitFor(async () => (await fleet.registered()).filter((id) => ids.includes(id)).length === 3, {
      what: 'three registry entries',
    });

    await setInboxStatus(db, [ids[0]!], 'disconnected');
    await setInboxStatus(db, [ids[1]!], 'removed');
    await db.sql`DELETE FROM inboxes WHERE id = ${ids[2]!}::uuid`;

    await waitFor(async () => (await fleet.registered()).filter((id) => ids.includes(id)).length === 0, {
      what: 'the three entries to be dropped',
      timeoutMs: 3_000,
      intervalMs: 20,
    });
  });

  it('registers a reconnected inbox again', async () => {
    await start();
    const [inboxId] = await insertInboxes(db, accountId, 1, 'disconnected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await registryEntry(fleet, inboxId!)).toBeNull();

    await setInboxStatus(db, [inboxId!], 'connected');

    await waitFor(async () => (await registryEntry(fleet, inboxId!)) === accountId, {
      what: 'the entry of the reconnected inbox',
      timeoutMs: 3_000,
    });
  });
});
