// Dead links and short outages (issue 10, goal 3). N inboxes on one worker with the production
// watchdog, reaching Dovecot through two proxies: worker → counting proxy (when each connection
// opened and closed) → outage proxy (testkit; the faults) → Dovecot.
// 1. The link freezes silently (nothing crosses, nothing closes): how long until each session notices
//    (the worker closes its socket) and until every inbox is held again on a new connection.
// 2. The server goes away for 3 s (connections reset, new ones refused): how long after it is back
//    until every inbox is held again.
import { sleep } from '../lib/concurrency';
import { stack, startOutageProxy, type ConnectionBytes } from '@reply-sync/testkit';
import { fleetSize, type BenchContext, type Scenario } from '../lib/context';
import { openFleetWorld, type FleetWorld } from '../lib/fleet-world';
import { until } from '../lib/processes';
import { summarize } from '../lib/stats';

const OUTAGE_MS = 3_000;
const NOTICE_GOAL_S = 60;
const OUTAGE_EXTRA_GOAL_S = 5;

/** Connections opened at or after `since` and still open, that logged in. */
const liveSince = (connections: readonly ConnectionBytes[], since: number) =>
  connections.filter((c) => c.openedAt >= since && c.closedAt === null && c.logins.length > 0).length;

/** Waits until the worker holds N sessions, each on a connection opened at or after `since`. */
async function heldAgainSince(world: FleetWorld, n: number, since: number, timeoutMs: number): Promise<number> {
  await until(
    `${n} inboxes held again on new connections`,
    async () => ({ held: await world.held(), fresh: liveSince(world.proxy.connections, since) }),
    (v) => v.held >= n && v.fresh >= n,
    timeoutMs,
    100,
  );
  return Date.now();
}

export const deadLinkScenario: Scenario = {
  name: 'dead-link',
  title: 'a silently frozen link and a 3-s server outage: time until every session notices and is held again',
  async run(ctx: BenchContext) {
    const n = fleetSize(ctx.options, { quick: 20, full: 200 });
    const outage = await startOutageProxy({ host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort });
    let world: FleetWorld | undefined;
    try {
      world = await openFleetWorld(ctx, { tag: 'dead', count: n, upstreamPort: outage.port });
      await world.startWorker('a', { productionTimers: true });
      await world.waitAllHeld(60_000 + n * 100);

      // 1. Frozen link, right after every session's watchdog tick (its NOOP answered, IDLE re-issued):
      // the worst case, a full watchdog interval before the next NOOP can time out.
      const frozenConnections = world.proxy.connections.filter((c) => c.closedAt === null);
      await until('every session in IDLE', async () => frozenConnections.every((c) => c.idles.length > 0), (all) => all, 30_000, 20);
      const idlesBefore = frozenConnections.map((c) => c.idles.length);
      await until('every session to re-issue IDLE after a watchdog NOOP', async () => frozenConnections.every((c, i) => c.idles.length > idlesBefore[i]!), (all) => all, 120_000, 20);
      const frozeAt = Date.now();
      const frozen = outage.freeze();
      ctx.log(`dead-link: froze ${frozen} connections; waiting for the watchdog to notice`);
      await until('every frozen connection closed by the worker', async () => frozenConnections.filter((c) => c.closedAt === null).length, (open) => open === 0, 180_000, 250);
      const noticed = summarize(frozenConnections.map((c) => c.closedAt! - frozeAt));
      const heldAfterFreeze = await heldAgainSince(world, n, frozeAt, 120_000);
      const freezeS = (heldAfterFreeze - frozeAt) / 1000;

      // 2. Short outage: resets, then refused connects for OUTAGE_MS, then back.
      await sleep(1_000);
      const cutAt = Date.now();
      outage.cut({ refuse: true });
      await sleep(OUTAGE_MS); // the outage itself: what the figure subtracts
      await outage.restore();
      const restoredAt = Date.now();
      const heldAfterOutage = await heldAgainSince(world, n, cutAt, 120_000);
      const outageExtraS = (heldAfterOutage - restoredAt) / 1000;
      const refusedAttempts = world.proxy.connections.filter((c) => c.openedAt >= cutAt && c.openedAt < restoredAt).length;

      const label = `N=${n}`;
      ctx.row({ scenario: 'dead-link', figure: `${label} frozen link: noticed (socket closed), p50`, value: noticed.p50 / 1000, unit: 's' });
      ctx.row({ scenario: 'dead-link', figure: 'frozen link: noticed, slowest session', value: noticed.max / 1000, unit: 's', goal: `≤ ${NOTICE_GOAL_S} s`, met: noticed.max <= NOTICE_GOAL_S * 1000 });
      ctx.row({ scenario: 'dead-link', figure: 'frozen link: every inbox held again', value: freezeS, unit: 's', goal: `≤ ${NOTICE_GOAL_S} s`, met: freezeS <= NOTICE_GOAL_S });
      ctx.row({ scenario: 'dead-link', figure: `${OUTAGE_MS / 1000}-s outage: every inbox held again after it ended`, value: outageExtraS, unit: 's', goal: `≤ ${OUTAGE_EXTRA_GOAL_S} s`, met: outageExtraS <= OUTAGE_EXTRA_GOAL_S });
      return {
        n,
        timers: 'the worker defaults: WATCHDOG_INTERVAL_MS 45 s, NOOP timeout 10 s, then LOGOUT given up to 5 s',
        freeze: { frozen, frozenAfter: 'every session\'s watchdog tick (IDLE re-issued at the proxy): the worst case', noticedMs: noticed, heldAgainS: freezeS },
        outage: { outageMs: OUTAGE_MS, heldAgainAfterRestoreS: outageExtraS, heldAgainAfterCutS: (heldAfterOutage - cutAt) / 1000, connectAttemptsDuringOutage: refusedAttempts },
        note: '"noticed" = the worker closed its socket to the counting proxy (after the NOOP timed out and the LOGOUT was given up); "held again" = the worker\'s gauge is N and N logged-in connections opened after the fault are open at the proxy',
      };
    } finally {
      await world?.close();
      await outage.close();
    }
  },
};
