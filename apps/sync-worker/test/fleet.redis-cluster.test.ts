// The fleet on the stack's Redis Cluster through a reply flood: two worker processes (src/main.ts) hold
// 40 inboxes whose shards are on all three primaries, replies arrive by LMTP throughout, and in the
// middle a primary is failed over by hand (CLUSTER FAILOVER) and then another one crashes (SIGKILL;
// its replica takes over, the stack starts it again as a replica). Every reply is logged exactly once,
// no inbox goes without its session, none has two for more than a moment, and no worker fences: the
// IMAP sessions do not depend on Redis, and the membership keeps a majority of its copies answering.
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, deleteFleet, fleetKeys, registerInboxes, shardOf, type RedisConnection } from '@reply-sync/queue';
import { composeEmail, deliver, imapSessionsByUser, redisCluster, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses, type WorkerProcess } from './helpers/worker-process';

let fx: Fixture | undefined;
const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  stopAllWorkerProcesses();
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  closers.length = 0;
  await fx?.cleanup();
  fx = undefined;
});

const INBOXES = 40;
/** Replies per second over the whole flood, and how long it lasts: both events fall inside it. */
const RATE_PER_S = 10;
const FLOOD_MS = 30_000;

interface FloodInbox {
  inboxId: string;
  user: MailUser;
  /** The CRM email (logged as sent from this inbox) the replies answer. */
  outboundId: string;
}

async function world(fixture: Fixture): Promise<FloodInbox[]> {
  const inboxes: FloodInbox[] = [];
  const add = async (inboxId: string, userId: string, user: MailUser) => {
    const outboundId = `${uniqueName('out')}@crm.test`;
    await fixture.q.emails.logOutbound({
      source: 'crm_send',
      messageId: `<${outboundId}>`,
      userId,
      inboxId,
      from: { address: user.address },
      to: [{ address: fixture.contact.email }],
      subject: `Proposal for ${user.address}`,
      sentAt: new Date(),
      textBody: 'Here is our proposal.',
    });
    inboxes.push({ inboxId, user, outboundId });
  };
  await add(fixture.inboxId, fixture.userId, fixture.mailUser);
  for (let i = 1; i < INBOXES; i++) {
    const extra = await fixture.addInbox();
    await add(extra.inboxId, extra.userId, extra.mailUser);
  }
  return inboxes;
}

/** Samples the server's sessions (doveadm who) until stop(): most per inbox, the longest double, the longest gap. */
function sampleSessions(inboxes: FloodInbox[]) {
  let stopped = false;
  let max = 0;
  let longestDoubleMs = 0;
  let longestGapMs = 0;
  const doubleSince = new Map<string, number>();
  const lastSeen = new Map(inboxes.map((i) => [i.inboxId, Date.now()]));
  const loop = (async () => {
    while (!stopped) {
      const byUser = await imapSessionsByUser('standard');
      const now = Date.now();
      for (const inbox of inboxes) {
        const pids = byUser.get(inbox.user.user) ?? [];
        max = Math.max(max, pids.length);
        if (pids.length > 0) lastSeen.set(inbox.inboxId, now);
        longestGapMs = Math.max(longestGapMs, now - lastSeen.get(inbox.inboxId)!);
        if (pids.length > 1) {
          const since = doubleSince.get(inbox.inboxId) ?? now;
          doubleSince.set(inbox.inboxId, since);
          longestDoubleMs = Math.max(longestDoubleMs, now - since);
        } else doubleSince.delete(inbox.inboxId);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { max, longestDoubleMs, longestGapMs };
    },
  };
}

/** Each inbox's one session (server process id), once every inbox has exactly one. */
async function oneEach(inboxes: FloodInbox[], what: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  return waitFor(
    async () => {
      const byUser = await imapSessionsByUser('standard');
      const pids = inboxes.map((i) => byUser.get(i.user.user) ?? []);
      return pids.every((p) => p.length === 1) ? new Map(inboxes.map((i, n) => [i.inboxId, pids[n]![0]!])) : undefined;
    },
    { what, timeoutMs, intervalMs: 100 },
  );
}

/** Delivers replies by LMTP at RATE_PER_S to the inboxes in turn; returns their Message-IDs (normalised). */
async function flood(fixture: Fixture, inboxes: FloodInbox[], count: number): Promise<string[]> {
  const ids: string[] = [];
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < count; n++) {
    const due = started + (n * 1000) / RATE_PER_S;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const inbox = inboxes[n % inboxes.length]!;
    const messageId = `${uniqueName('flood')}@client.test`;
    const raw = await composeEmail({
      from: fixture.contact.email,
      to: inbox.user.address,
      subject: `Re: Proposal for ${inbox.user.address}`,
      messageId,
      inReplyTo: `<${inbox.outboundId}>`,
      references: `<${inbox.outboundId}>`,
      text: `Reply ${n}.`,
    });
    ids.push(messageId.toLowerCase());
    const delivery = deliver(inbox.user, raw).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }
  await Promise.all(inFlight);
  return ids;
}

const fencedIn = (w: WorkerProcess): number => (w.output().match(/"event":"fenced"/g) ?? []).length;

describe('the fleet on a Redis Cluster', () => {
  it('a reply flood through a manual failover and a crash of primaries: every reply once, every inbox held throughout', { timeout: 360_000 }, async () => {
    fx = await createFixture('cluster-flood');
    const inboxes = await world(fx);
    const cluster = redisCluster();
    closers.push(() => cluster.close());
    const redis: RedisConnection = createRedisConnection(stack.redisClusterUrl, { forWorker: false });
    redis.on('error', () => undefined);
    const fleet = fx.queueName;
    closers.push(async () => {
      await deleteFleet(redis, fleet);
      redis.disconnect();
    });

    // The registry is spread over all three primaries (each shard's hash under its own tag).
    const keys = fleetKeys(fleet);
    const shardPrimaries = new Set(await Promise.all(inboxes.map(async (i) => (await cluster.primaryOf(keys.shard(shardOf(i.inboxId)))).id)));
    expect(shardPrimaries.size).toBe(3);
    await registerInboxes(redis, fleet, inboxes.map((i) => ({ accountId: fx!.accountId, inboxId: i.inboxId })));

    const env = { REDIS_URL: stack.redisClusterUrl, SESSION_MAX_MS: String(10 * 60_000), HANDOVER_TIMEOUT_MS: '20000', LOG_LEVEL: 'warn' };
    const workers = [spawnWorkerProcess(fleet, env), spawnWorkerProcess(fleet, env)];
    const before = await oneEach(inboxes, 'one session per inbox with two workers on the cluster', 60_000);

    const sampler = sampleSessions(inboxes);
    const flooding = flood(fx, inboxes, (RATE_PER_S * FLOOD_MS) / 1000);
    // (a) An operator's failover of a membership copy's primary (it holds registry shards too), a few seconds in.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const failover = await cluster.failover(keys.membership[1]!.members);
    const fencedAfterFailover = workers.map(fencedIn);
    const afterFailover = await oneEach(inboxes, 'one session per inbox after the failover');
    // (b) Another primary crashes mid-flood.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const crash = await cluster.killPrimary(keys.membership[2]!.members);
    const ids = await flooding;
    const afterCrash = await oneEach(inboxes, 'one session per inbox after the crash');
    const sessions = await sampler.stop();

    // Every reply logged exactly once (waited for: the last ones arrive ~0.5 s after delivery).
    const counts = await waitFor(
      async () => {
        const rows = await fx!.db.sql<{ norm: string; n: number }[]>`
          SELECT message_id_norm AS norm, count(*)::int AS n FROM logged_emails
          WHERE account_id = ${fx!.accountId} AND message_id_norm = ANY(${ids}) GROUP BY message_id_norm`;
        return rows.length === ids.length ? rows : undefined;
      },
      { what: `all ${ids.length} replies logged`, timeoutMs: 30_000, intervalMs: 250 },
    ).catch(async () => fx!.db.sql<{ norm: string; n: number }[]>`
          SELECT message_id_norm AS norm, count(*)::int AS n FROM logged_emails
          WHERE account_id = ${fx!.accountId} AND message_id_norm = ANY(${ids}) GROUP BY message_id_norm`);
    const lost = ids.length - counts.length;
    const duplicated = counts.reduce((sum, r) => sum + r.n - 1, 0);
    const keptThroughFailover = [...before].filter(([id, pid]) => afterFailover.get(id) === pid).length;
    const keptThroughCrash = [...afterFailover].filter(([id, pid]) => afterCrash.get(id) === pid).length;
    const fenced = workers.map(fencedIn);
    console.info(
      `[figure] fleet on the cluster, ${ids.length} replies to ${INBOXES} inboxes at ${RATE_PER_S}/s: lost ${lost}, duplicated ${duplicated}; ` +
        `failover ${failover.from} -> ${failover.to} (${failover.ms} ms): ${keptThroughFailover}/${INBOXES} sessions kept, fenced ${JSON.stringify(fencedAfterFailover)}; ` +
        `crash of ${crash.from} (${crash.to} serving after ${crash.promotedMs} ms, rejoined after ${crash.rejoinedMs} ms): ${keptThroughCrash}/${INBOXES} sessions kept, fenced ${JSON.stringify(fenced.map((n, i) => n - fencedAfterFailover[i]!))}; ` +
        `sessions per inbox at most ${sessions.max}, longest double ${sessions.longestDoubleMs} ms, longest without one ${sessions.longestGapMs} ms`,
    );

    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    // A manual failover loses nothing: no worker may fence (closing and logging in every session again).
    expect(fencedAfterFailover, workers.map((w) => w.output()).join('\n')).toEqual([0, 0]);
    // Neither event needs a new session: the IMAP sessions do not go through Redis, and the membership
    // kept a majority of its copies. On a loaded machine a delayed heartbeat may still hand a shard
    // over (make-before-break): the goals are two sessions only briefly and no inbox 10 s without one.
    expect(sessions.max).toBeLessThanOrEqual(2);
    expect(sessions.longestDoubleMs).toBeLessThan(5_000);
    expect(sessions.longestGapMs).toBeLessThan(10_000);
    expect(fenced, workers.map((w) => w.output()).join('\n')).toEqual([0, 0]);
  });
});
