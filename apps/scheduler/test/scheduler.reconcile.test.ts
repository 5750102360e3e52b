import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@reply-sync/db';
import { fleetKeys, registerInboxes, shardOf, unregisterInboxes } from '@reply-sync/queue';
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
  stack,
  type TestFleet,
} from './helpers';

describe('scheduler: full reconcile', () => {
  let dbs: DbHandle[] = [];
  let schedulers: Scheduler[] = [];
  let fleet: TestFleet;
  let accountId: string;
  beforeAll(migrateOnce);
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    schedulers = [];
    await fleet.close();
    await deleteAccount(dbs[0]!, accountId);
    await Promise.all(dbs.map((db) => db.close()));
    dbs = [];
  });

  async function setUp(label: string): Promise<DbHandle> {
    const db = openDb();
    dbs.push(db);
    accountId = await createAccount(db);
    fleet = openFleet(label);
    return db;
  }

  async function start(reconcileIntervalMs: number): Promise<Scheduler> {
    // Each scheduler gets its own pool and LISTEN connection, like a separate process.
    const db = openDb();
    dbs.push(db);
    const { logger, lines } = capturingLogger();
    const scheduler = await startScheduler({ db, redisUrl: stack.redisUrl, queueName: fleet.name, reconcileIntervalMs, logger });
    schedulers.push(scheduler);
    // Wait out the start-up reconcile so it cannot do (or undo) what a test is about to check.
    await waitFor(() => lines.some((l) => l.event === 'reconcile' && l.trigger === 'start'), { what: 'the start-up reconcile' });
    return scheduler;
  }

  it('two schedulers reconciling at once, over and over, register exactly the connected inboxes', async () => {
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

    // (The shared test database has other tests' connected inboxes too: they are registered as well.)
    const registered = await fleet.registered();
    expect(registered.filter((id) => ours.includes(id)).sort()).toEqual([...ours].sort());
    expect(new Set(registered).size).toBe(registered.length);
    for (const inboxId of ours) expect(await registryEntry(fleet, inboxId)).toBe(accountId);
  });

  it('re-creates an entry deleted behind its back, and drops an entry whose inbox is not connected', async () => {
    const db = await setUp('heal');
    const scheduler = await start(60_000);
    const [kept, lost] = await insertInboxes(db, accountId, 2);
    const [stray] = await insertInboxes(db, accountId, 1, 'disconnected');
    await waitFor(async () => (await fleet.registered()).includes(lost!), { what: 'the entry to exist' });
    await unregisterInboxes(fleet.redis, fleet.name, [lost!]);
    // An entry for a disconnected inbox (written by hand, or left by a lost notification).
    await registerInboxes(fleet.redis, fleet.name, [{ accountId, inboxId: stray! }]);

    const result = await scheduler.reconcileNow();

    expect(result.added).toBeGreaterThanOrEqual(1);
    expect(result.dropped).toBeGreaterThanOrEqual(1);
    const live = await fleet.registered();
    expect(live).toEqual(expect.arrayContaining([kept, lost]));
    expect(live).not.toContain(stray);
    expect(await registryEntry(fleet, lost!)).toBe(accountId);
  });

  it('heals a lost entry on its own at the reconcile interval (two schedulers sharing the interval lock)', async () => {
    const db = await setUp('interval');
    await start(500);
    await start(500);
    const [inboxId] = await insertInboxes(db, accountId, 1);
    await waitFor(async () => (await fleet.registered()).includes(inboxId!), { what: 'the entry to exist' });

    // What a Redis restart without persistence does to the registry; nothing notifies about it.
    await fleet.redis.hdel(fleetKeys(fleet.name).shard(shardOf(inboxId!)), inboxId!);

    await waitFor(async () => (await fleet.registered()).includes(inboxId!), {
      what: 'the periodic reconcile to re-create the entry',
      timeoutMs: 5_000,
    });
  });
});
