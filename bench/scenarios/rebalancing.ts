// Rebalancing (issue 10, goal 5): two workers hold N inboxes and a third joins: how long until it
// holds its share (rendezvous hashing over the three member ids gives about a third), whether any
// other inbox reconnected (its Dovecot session pid changed), and the longest any inbox went without a
// session. Then one worker leaves by SIGTERM (make-before-break handover) and one dies by SIGKILL
// (its shards move once its heartbeat expires). Sessions are Dovecot's own view (doveadm who).
import { ownerOf, shardOf } from '@reply-sync/queue';
import { fleetSize, type BenchContext, type Scenario } from '../lib/context';
import { openFleetWorld } from '../lib/fleet-world';
import { until, type WorkerProcess } from '../lib/processes';
import { oneSessionEach, sampleSessions } from '../lib/session-sampler';

const SAMPLE_EVERY_MS = 500;
const JOIN_GOAL_S = 120;
const GAP_GOAL_S = 10;
const LEAVE_GOAL_S = 10;
const KILL_GOAL_S = 30;

export const rebalancingScenario: Scenario = {
  name: 'rebalancing',
  title: 'a third worker joins two holding N inboxes; then one leaves (SIGTERM) and one dies (SIGKILL)',
  async run(ctx: BenchContext) {
    const n = fleetSize(ctx.options, { quick: 60, full: 3_000 });
    const world = await openFleetWorld(ctx, { tag: 'rebal', count: n });
    const settle = 60_000 + n * 100;
    try {
      const [a, b] = await Promise.all([world.startWorker('a'), world.startWorker('b')]);
      await world.waitAllHeld(settle);
      const before = await oneSessionEach(world.users, settle);
      ctx.log(`rebalancing: ${n} inboxes held by two workers; a third joins`);

      // Join.
      let sampler = sampleSessions(world.users, SAMPLE_EVERY_MS);
      const joinedAt = Date.now();
      const c = await world.startWorker('c');
      const members = (await Promise.all([a, b, c].map((w) => w.health()))).map((h) => h.memberId);
      const share = new Set(world.seeded.inboxes.filter((i) => ownerOf(shardOf(i.inboxId), members) === members[2]).map((i) => i.mail.user));
      // Of its share, the inboxes still connected (a server fault may disconnect one meanwhile).
      const stillShared = async () => (await world.connectedUsers()).filter((u) => share.has(u)).length;
      await until(`the joining worker to hold its ${share.size} inboxes`, async () => ({ held: await c.connected(), want: await stillShared() }), (v) => v.held >= v.want, JOIN_GOAL_S * 1000 * 2);
      const joinS = (Date.now() - joinedAt) / 1000;
      let users = await world.connectedUsers();
      const afterJoin = await oneSessionEach(users, 60_000);
      const join = await sampler.stop();
      const reconnected = users.filter((u) => !share.has(u) && afterJoin.get(u) !== before.get(u)).length;
      const movedUnchanged = [...share].filter((u) => afterJoin.get(u) === before.get(u)).length;

      // Leave (SIGTERM): a hands its inboxes to b and c.
      sampler = sampleSessions(users, SAMPLE_EVERY_MS);
      const leftAt = Date.now();
      const survivors = [b, c];
      const aHeld = await a.connected();
      await a.stop(30_000);
      const exitedS = (Date.now() - leftAt) / 1000;
      await untilHeldBy(survivors, users.length, 60_000);
      const leaveS = (Date.now() - leftAt) / 1000;
      users = await world.connectedUsers();
      await oneSessionEach(users, 60_000);
      const leave = await sampler.stop();

      // Death (SIGKILL): c takes b's inboxes once b's heartbeat expires.
      sampler = sampleSessions(users, SAMPLE_EVERY_MS);
      const bHeld = await b.connected();
      const killedAt = Date.now();
      b.kill();
      await untilHeldBy([c], users.length, 90_000);
      const killS = (Date.now() - killedAt) / 1000;
      users = await world.connectedUsers();
      await oneSessionEach(users, 60_000);
      const kill = await sampler.stop();

      const row = (figure: string, value: number, unit: string, goal?: string, met?: boolean) =>
        ctx.row({ scenario: 'rebalancing', figure, value, unit, ...(goal === undefined ? {} : { goal, met }) });
      row(`N=${n} join: time until the new worker holds its share`, joinS, 's', `≤ ${JOIN_GOAL_S} s`, joinS <= JOIN_GOAL_S);
      row('join: share moved to the new worker', (100 * share.size) / n, '%', '≈ 33 %', Math.abs(share.size / n - 1 / 3) <= 0.1);
      row('join: other inboxes that reconnected', reconnected, '', '0', reconnected === 0);
      row('join: longest gap without a session', join.longestGapMs / 1000, 's', `≤ ${GAP_GOAL_S} s`, join.longestGapMs <= GAP_GOAL_S * 1000);
      row('join: max sessions per inbox (handover overlap)', join.maxPerInbox, '', '≤ 2', join.maxPerInbox <= 2);
      row(`leave (SIGTERM, ${aHeld} inboxes): handed over`, leaveS, 's', `≤ ${LEAVE_GOAL_S} s`, leaveS <= LEAVE_GOAL_S);
      row('leave: longest gap without a session', leave.longestGapMs / 1000, 's', `≤ ${GAP_GOAL_S} s`, leave.longestGapMs <= GAP_GOAL_S * 1000);
      row(`kill (SIGKILL, ${bHeld} inboxes): every inbox held again`, killS, 's', `≤ ${KILL_GOAL_S} s`, killS <= KILL_GOAL_S);
      row('kill: longest gap without a session', kill.longestGapMs / 1000, 's');
      row('inboxes disconnected during the run (a server fault)', n - users.length, '', '0', users.length === n);
      return {
        n,
        disconnectedDuringRun: n - users.length,
        join: { seconds: joinS, share: share.size, reconnectedOthers: reconnected, movedButSameSession: movedUnchanged, sessions: join },
        leave: { seconds: leaveS, processExitedAfterS: exitedS, handedOver: aHeld, sessions: leave },
        kill: { seconds: killS, lost: bHeld, sessions: kill },
        note: `"holds its share" = the new worker's reply_sync_inboxes_connected gauge reaches the number of inboxes rendezvous hashing gives it over the three member ids (from /healthz); "reconnected" = an inbox outside that share whose Dovecot session pid changed; gaps and overlaps from doveadm who every ${SAMPLE_EVERY_MS} ms (a gap shorter than that, or than the slowest doveadm call, is not seen); "handed over" = SIGTERM until the survivors' gauges add up to N`,
      };
    } finally {
      await world.close();
    }
  },
};

/** Waits until `workers`' gauges add up to `n`. */
async function untilHeldBy(workers: WorkerProcess[], n: number, timeoutMs: number): Promise<void> {
  const held = async () => (await Promise.all(workers.map((w) => w.connected()))).reduce((x, y) => x + y, 0);
  await until(`${n} inboxes held by the remaining workers`, held, (v) => v >= n, timeoutMs, 100);
}
