// Extra connections per mailbox account (the send path's Sent copy, `explain --look`): a semaphore in
// Redis shared by every process. It never admits more holders than the cap, a released slot goes to
// a waiter, a holder whose process died frees its slot when its lease runs out, and a waiter that
// cannot get one in time is told why.
import { afterEach, describe, expect, it } from 'vitest';
import { budgetWorld, type BudgetWorld } from './login-budget.helpers';

let world: BudgetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const account = { host: 'imap.example.test', username: 'Ana@Example.test' };
const fastLogins = { defaultRate: { perSecond: 1_000, burst: 100 } };

describe('extra connections per account', () => {
  it('12 short connections from two workers never hold more than the cap of 3 at once (whatever the username\'s case), and all get their turn', async () => {
    world = budgetWorld({ ...fastLogins, extraConnectionsPerAccount: 3 });
    let open = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        world!.budgets[i % 2]!.withExtraConnection(i % 3 === 0 ? { ...account, username: 'ana@example.test' } : account, async () => {
          most = Math.max(most, ++open);
          await new Promise((r) => setTimeout(r, 120));
          open--;
          return i;
        }),
      ),
    );
    expect(done).toHaveLength(12);
    expect(most).toBe(3);
  });

  it('another account of the same host has slots of its own', async () => {
    world = budgetWorld({ ...fastLogins, extraConnectionsPerAccount: 1 });
    const [a] = world.budgets as [typeof world.budgets[0]];
    const held = await a.acquireConnection(account);
    const other = await a.acquireConnection({ ...account, username: 'bo@example.test' }, { maxWaitMs: 200 });
    await Promise.all([held.release(), other.release()]);
  });

  it("a holder whose process died frees its slot once its lease runs out; a live holder's lease is renewed", async () => {
    world = budgetWorld({ ...fastLogins, extraConnectionsPerAccount: 1 }, 2, { leaseMs: 400 });
    const [dying, other] = world.budgets as [typeof world.budgets[0], typeof world.budgets[0]];
    const live = await other.acquireConnection({ ...account, username: 'live@example.test' });
    await dying.acquireConnection(account);
    world.connections[0]!.disconnect(); // the process is gone: no release, no renewal
    const started = performance.now();
    const lease = await other.acquireConnection(account, { maxWaitMs: 5_000 });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(250);
    expect(waited).toBeLessThan(1_500);
    // the live holder renewed through 3 lease lengths: its slot is still taken
    await new Promise((r) => setTimeout(r, 1_200));
    await expect(other.acquireConnection({ ...account, username: 'live@example.test' }, { maxWaitMs: 200 })).rejects.toMatchObject({ code: 'connection_slots_busy' });
    await Promise.all([lease.release(), live.release()]);
  });

  it('a waiter that gets no slot in time is told the account has all its connections in use', async () => {
    world = budgetWorld({ ...fastLogins, extraConnectionsPerAccount: 2 });
    const [a, b] = world.budgets as [typeof world.budgets[0], typeof world.budgets[0]];
    const held = [await a.acquireConnection(account), await a.acquireConnection(account)];
    const failed = await b.acquireConnection(account, { maxWaitMs: 300 }).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      name: 'LoginBudgetError',
      code: 'connection_slots_busy',
      message: expect.stringContaining('All 2 extra IMAP connections allowed for Ana@Example.test on imap.example.test are in use'),
    });
    await held[0]!.release();
    const lease = await b.acquireConnection(account, { maxWaitMs: 2_000 });
    await Promise.all([lease.release(), held[1]!.release(), held[1]!.release()]);
  });

  it('a wait for a slot stops when its signal aborts', async () => {
    world = budgetWorld({ ...fastLogins, extraConnectionsPerAccount: 1 });
    const [a] = world.budgets as [typeof world.budgets[0]];
    const held = await a.acquireConnection(account);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    await expect(a.acquireConnection(account, { signal: stop.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await held.release();
  });
});
