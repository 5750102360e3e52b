// Logins per IMAP host across the fleet: many acquirers on two connections (two workers) never log in
// faster than the host's rate (N logins in T seconds ≤ rate·T + burst), a fleet restart of 2,000
// inboxes finishes at the configured rate, a busy host does not hold back another, and an abandoned
// wait gives its slot back.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoginBudget, createRedisConnection, LoginBudgetError } from '../src/index';
import { PACING_SHARE } from '../src/login-budget';
import { budgetWorld, maxInWindow, type BudgetWorld } from './login-budget.helpers';

let world: BudgetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Storm {
  /** When each waiter went on to log in (ms, this process's clock). */
  times: number[];
  /** The slot Redis gave each (ms, Redis's clock). */
  slots: number[];
  /** The longest this process's event loop was blocked during the storm (ms). */
  lagMs: number;
}

/** `count` logins to `host`, spread over the budgets, all asking at once. */
async function loginStorm(w: BudgetWorld, host: string, count: number): Promise<Storm> {
  const storm: Storm = { times: [], slots: [], lagMs: 0 };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const grant = await w.budgets[i % w.budgets.length]!.acquireLogin(host);
      storm.times.push(performance.now());
      storm.slots.push(grant.slotUs / 1000);
    }),
  );
  lag.disable();
  storm.lagMs = lag.max / 1e6;
  return storm;
}

/** At most rate·L + burst logins in any window of L. */
function expectWithinRate(storm: Storm, perSecond: number, burst: number): void {
  const allowed = (windowMs: number) => Math.floor((perSecond * windowMs) / 1000) + burst;
  for (const windowMs of [20, 100, 500, 1_000]) {
    // The slots Redis handed out keep the rate exactly.
    expect(maxInWindow(storm.slots, windowMs), `slots in ${windowMs} ms`).toBeLessThanOrEqual(allowed(windowMs));
    // The waiters' wake-ups: a timer that fires late (thousands are pending in this one process, on
    // shared cores that the rest of the suite loads too) joins the next ones, so a window holds at
    // most what the rate allows in 150 ms more plus the longest stall of this process's event loop
    // (seen: up to ~110 ms late under a full test run, ~240 ms with every package's tests at once in CI).
    const lateMs = 150 + storm.lagMs;
    expect(maxInWindow(storm.times, windowMs), `logins in ${windowMs} ms (event loop stalled up to ${Math.round(storm.lagMs)} ms)`).toBeLessThanOrEqual(allowed(windowMs + lateMs) + 2);
  }
}

describe('acquireLogin: the fleet-wide rate per host', () => {
  it('600 logins from two workers at once keep 200/s with a burst of 20', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 200, burst: 20 } });
    const start = performance.now();
    const storm = await loginStorm(world, 'imap.example.test', 600);
    const tookMs = Math.max(...storm.times) - start;
    const achieved = (600 - 20) / (tookMs / 1000);
    // The turns are paced at PACING_SHARE of the rate (180/s here): 580 after the burst take 3.22 s.
    const expectedMs = ((600 - 20) / (200 * PACING_SHARE)) * 1000;
    console.log(`600 logins at 200/s burst 20: ${Math.round(tookMs)} ms, ${achieved.toFixed(1)} logins/s after the burst (expected ${(expectedMs / 1000).toFixed(2)} s)`);
    expectWithinRate(storm, 200, 20);
    expect(tookMs).toBeGreaterThan(expectedMs - 50);
    expect(tookMs).toBeLessThan(expectedMs + 600);
  });

  it('a fleet restart: 2,000 logins for one host finish at the configured rate (1,000/s, burst 50)', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 1_000, burst: 50 } });
    const start = performance.now();
    const storm = await loginStorm(world, 'imap.restart.test', 2_000);
    const tookMs = Math.max(...storm.times) - start;
    // Paced at PACING_SHARE of the rate (900/s): 1,950 after the burst take 2.17 s.
    const expectedMs = ((2_000 - 50) / (1_000 * PACING_SHARE)) * 1000;
    console.log(
      `fleet restart, 2,000 logins at 1,000/s burst 50: ${Math.round(tookMs)} ms (expected ${Math.round(expectedMs)} ms); most in 100 ms: ${maxInWindow(storm.slots, 100)} slots, ${maxInWindow(storm.times, 100)} wake-ups (rate allows 150)`,
    );
    expectWithinRate(storm, 1_000, 50);
    expect(tookMs).toBeGreaterThan(expectedMs - 50);
    expect(tookMs).toBeLessThan(expectedMs + 850);
  });

  it('turns made late by a stalled event loop are admitted at most the rate in any second, counted when they are let go', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 100, burst: 1 } });
    const host = 'imap.stalled-loop.test';
    const admitted: number[] = [];
    const wokeAt: number[] = [];
    const storm = Promise.all(
      Array.from({ length: 250 }, async (_, i) => {
        const grant = await world!.budgets[i % 2]!.acquireLogin(host);
        wokeAt.push(performance.now());
        admitted.push(grant.admittedUs! / 1000);
      }),
    );
    // A worker busy for 400 ms a moment into the storm (a catch-up's parsing, a GC pause): about 40
    // turns pass meanwhile, and their waiters all ask at once when it ends, beside the turns then due.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const busyUntil = performance.now() + 400;
    while (performance.now() < busyUntil);
    await storm;
    expect(admitted).toHaveLength(250);
    // Counted by Redis when each login was let go: never more than the rate in any second, however late
    // the turns came. (The GCRA turns alone, without the admission, let 140 go in one second here.)
    expect(maxInWindow(admitted, 1_000), 'logins admitted in any 1 s').toBeLessThanOrEqual(100);
    // As this process saw them let go: a figure, not a bound. Replies already admitted can still be
    // delivered together after a stall (163 in one of two local runs with an 800 ms stall; CI 127 at 400 ms).
    console.log(`stalled-loop storm: most logins let go in any 1 s, as this process saw them: ${maxInWindow(wokeAt, 1_000)}`);
  });

  it('each host has its own rate: a queue on one host does not slow another, and named hosts get their own', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 10, burst: 1 }, hostRates: new Map([['imap.fast.test', { perSecond: 1_000, burst: 100 }]]) });
    const [a, b] = world.budgets as [typeof world.budgets[0], typeof world.budgets[0]];
    const busy = Promise.all(Array.from({ length: 10 }, () => a.acquireLogin('imap.busy.test')));
    const start = performance.now();
    await Promise.all(Array.from({ length: 50 }, () => b.acquireLogin('IMAP.Fast.test.')));
    expect(performance.now() - start).toBeLessThan(300);
    expect((await b.acquireLogin('imap.other.test')).waitedMs).toBe(0);
    await busy;
  });

  it('connects are paced by a budget of their own: a connection opened at its turn does not take the LOGIN turn after it', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 2, burst: 1 } });
    const [a, b] = world.budgets as [typeof world.budgets[0], typeof world.budgets[0]];
    const host = 'imap.connect-then-login.test';
    // A session: its connect's turn, then (after the greeting) its login's turn; neither waits.
    expect((await a.acquireConnect(host)).waitedMs).toBe(0);
    expect((await a.acquireLogin(host)).waitedMs).toBe(0);
    // The next session on another worker waits its turn for both: ~556 ms each at 2/s (paced at 90 %).
    const connect = await b.acquireConnect(host);
    expect(connect.waitedMs).toBeGreaterThan(300);
    expect(connect.waitedMs).toBeLessThanOrEqual(556);
    expect((await b.acquireLogin(host)).waitedMs).toBeLessThanOrEqual(556);
  });

  it('an aborted wait rejects at once and gives its slot back to the next login', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 2, burst: 1 } });
    const [a, b] = world.budgets as [typeof world.budgets[0], typeof world.budgets[0]];
    expect((await a.acquireLogin('imap.abort.test')).waitedMs).toBe(0);
    const stop = new AbortController();
    const waiting = a.acquireLogin('imap.abort.test', { signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    const started = performance.now();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(200);
    // without the give-back this one would queue behind the abandoned slot: ~1.1 s
    expect((await b.acquireLogin('imap.abort.test')).waitedMs).toBeLessThanOrEqual(556);
  });

  it('waits aborted in the middle of the queue (a handover ending many at once) never push the rate over', async () => {
    world = budgetWorld({ defaultRate: { perSecond: 50, burst: 1 } });
    const [a, b] = world.budgets as [ReturnType<typeof createLoginBudget>, ReturnType<typeof createLoginBudget>];
    const host = 'imap.abort-middle.test';
    const granted: number[] = [];
    const stops = Array.from({ length: 100 }, () => new AbortController());
    const first = stops.map((stop, i) =>
      (i % 2 ? a : b).acquireLogin(host, { signal: stop.signal }).then(
        (g) => void granted.push(g.slotUs / 1000),
        () => undefined,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Every other one of the last 90 gives up, from the middle of the queue.
    for (let i = 10; i < 100; i += 2) stops[i]!.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const later = Array.from({ length: 45 }, (_, i) => (i % 2 ? a : b).acquireLogin(host).then((g) => void granted.push(g.slotUs / 1000)));
    await Promise.all([...first, ...later]);
    expect(granted).toHaveLength(100);
    // Before the fix, the 45 later logins took the given-back slots between ones still granted: 70 in one second.
    for (const windowMs of [100, 500, 1_000]) {
      expect(maxInWindow(granted, windowMs), `slots in ${windowMs} ms`).toBeLessThanOrEqual(Math.floor((50 * windowMs) / 1000) + 1);
    }
  });

  it('an unreachable Redis is a LoginBudgetError saying so, not a login without a budget', async () => {
    const redis = createRedisConnection('redis://127.0.0.1:1', { forWorker: false });
    redis.on('error', () => undefined);
    try {
      const budget = createLoginBudget(redis, { defaultRate: { perSecond: 10, burst: 1 }, hostRates: new Map(), extraConnectionsPerAccount: 3 });
      const failed = await budget.acquireLogin('imap.example.test').catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(LoginBudgetError);
      expect(failed).toMatchObject({ code: 'login_budget_unavailable', message: expect.stringContaining('Redis could not be asked') });
      await expect(budget.acquireLogin('bad{host}')).rejects.toMatchObject({ code: 'login_budget_invalid_host' });
    } finally {
      redis.disconnect();
    }
  });
});
