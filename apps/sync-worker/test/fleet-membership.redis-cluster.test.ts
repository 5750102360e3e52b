// The fleet's membership on the stack's Redis Cluster through the two ways a primary goes away: a
// manual failover and a crash of a primary holding the membership. Two members (the heartbeat and its
// views, as a worker runs them, on a connection made as worker.ts makes it) must come through either
// without fencing: a fence closes every session and logs them all in again, a login storm. With the
// membership in one slot, a crash blinded every member for 5.6-6.0 s (node timeout 3 s + election +
// the client's new map), at the 6 s fence: 2 of 5 runs fenced both members. Its copies on three
// primaries keep a majority answering.
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, deleteFleet, fleetKeys, membershipTags, ownedShards, slotOfTag, type RedisConnection } from '@reply-sync/queue';
import { redisCluster, stack, uniqueName, waitFor, type RedisClusterHelper } from '@reply-sync/testkit';
import { startFleetMembership, type FleetMembership, type FleetView } from '../src/fleet/fleet-membership';
import { createLogger } from '../src/logger';

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  closers.length = 0;
});

interface Member {
  id: string;
  membership: FleetMembership;
  views: { at: number; view: FleetView }[];
}

async function twoMembers(fleet: string): Promise<{ members: Member[]; redis: RedisConnection }> {
  const redis = createRedisConnection(stack.redisClusterUrl, { forWorker: false, connectionName: 'test-fleet' });
  redis.on('error', () => undefined);
  closers.push(async () => {
    await deleteFleet(redis, fleet);
    redis.disconnect();
  });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const members = ['a', 'b'].map((name) => {
    const id = `${name}-${uniqueName('m')}`;
    const views: Member['views'] = [];
    const membership = startFleetMembership({ redis, fleet, memberId: id, logger, onView: (view) => views.push({ at: Date.now(), view }) });
    closers.push(() => membership.stop());
    return { id, membership, views };
  });
  await Promise.all(members.map((m) => m.membership.started));
  const ids = members.map((m) => m.id).sort();
  await waitFor(() => members.every((m) => m.membership.view().members.join() === ids.join()), { what: 'both members to see each other', timeoutMs: 10_000 });
  return { members, redis };
}

/** What each member went through since `from`: fenced at some point, the longest time between views. */
function since(member: Member, from: number): { fenced: boolean; settling: boolean; longestGapMs: number } {
  const views = member.views.filter((v) => v.at >= from);
  let last = from;
  let longestGapMs = 0;
  for (const { at } of views) {
    longestGapMs = Math.max(longestGapMs, at - last);
    last = at;
  }
  return { fenced: views.some((v) => v.view.fenced), settling: views.some((v) => v.view.settling), longestGapMs };
}

/** Both members back to seeing both, each owning what rendezvous hashing gives it. */
async function whole(members: Member[], what: string): Promise<void> {
  const ids = members.map((m) => m.id).sort();
  await waitFor(
    () =>
      members.every((m) => {
        const view = m.membership.view();
        return !view.fenced && !view.settling && view.members.join() === ids.join() && view.owned.size === ownedShards(m.id, ids).size;
      }),
    { what, timeoutMs: 20_000, intervalMs: 50 },
  );
}

describe('the fleet membership on a Redis Cluster', () => {
  it('keeps its copies on three different primaries', async () => {
    const cluster = redisCluster();
    closers.push(() => cluster.close());
    const fleet = uniqueName('q-members');
    const copies = fleetKeys(fleet).membership;
    // Our slot of each copy's tag is the cluster's (the tags were picked by it).
    expect(membershipTags(fleet).map(slotOfTag)).toEqual(await Promise.all(copies.map((copy) => cluster.keySlot(copy.members))));
    const primaries = await Promise.all(copies.map((copy) => cluster.primaryOf(copy.members)));
    expect(new Set(primaries.map((p) => p.id)).size).toBe(3);
  });

  /** Two members through `event` (on the primary of the membership's first copy): what each went through. */
  async function through(name: string, event: (cluster: RedisClusterHelper, key: string) => Promise<string>) {
    const fleet = uniqueName(`q-members-${name}`);
    const { members } = await twoMembers(fleet);
    const cluster = redisCluster();
    closers.push(() => cluster.close());
    const from = Date.now();
    const what = await event(cluster, fleetKeys(fleet).membership[0]!.members);
    await whole(members, `both members whole after the ${name}`);
    const seen = members.map((m) => since(m, from));
    console.info(`[figure] membership through ${what}: ${JSON.stringify(seen)}`);
    return seen;
  }

  it('a manual failover of its primary fences nobody', { timeout: 60_000 }, async () => {
    const seen = await through('failover', async (cluster, key) => {
      const failover = await cluster.failover(key);
      return `CLUSTER FAILOVER ${failover.from} -> ${failover.to} (${failover.ms} ms)`;
    });
    expect(seen.map((s) => s.fenced)).toEqual([false, false]);
  });

  it('a crash of its primary fences nobody and moves nothing', { timeout: 240_000 }, async () => {
    const seen = await through('crash', async (cluster, key) => {
      const crash = await cluster.killPrimary(key);
      return `a crash of ${crash.from} (${crash.to} serving after ${crash.promotedMs} ms, rejoined after ${crash.rejoinedMs} ms)`;
    });
    expect(seen.map((s) => s.fenced)).toEqual([false, false]);
  });
});
