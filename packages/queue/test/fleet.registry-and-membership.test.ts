// The fleet's Redis state on the real server: the registry holds one entry per inbox however often it
// is written, changes are published, membership is Redis-clocked and expires, and a member that Redis
// lost (a restart) finds out at its next heartbeat.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisConnection,
  heartbeat,
  leaveFleet,
  liveMembers,
  parseRegistryChange,
  registerInboxes,
  registeredInboxIds,
  markShardReady,
  shardsReady,
  unmarkShardReady,
  shardInboxes,
  shardOf,
  unregisterInboxes,
  fleetKeys,
  type RegistryChange,
} from '../src/index';
import { inbox, openTestFleet, redisUrl } from './helpers';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function open(label: string) {
  const t = openTestFleet(label);
  cleanups.push(t.cleanup);
  return t;
}

describe('the registry', () => {
  it('holds one entry per inbox even when two schedulers register the same inboxes at once, many times', async () => {
    const { redis, fleet } = open('registry');
    const other = createRedisConnection(redisUrl, { forWorker: false });
    cleanups.push(async () => other.disconnect());
    const inboxes = Array.from({ length: 300 }, (_, i) => inbox(i));
    await Promise.all([registerInboxes(redis, fleet, inboxes), registerInboxes(other, fleet, inboxes), registerInboxes(redis, fleet, inboxes.slice(100))]);
    const ids = await registeredInboxIds(redis, fleet);
    expect(ids.sort()).toEqual(inboxes.map((i) => i.inboxId).sort());
    const one = inboxes[7]!;
    expect(await shardInboxes(redis, fleet, shardOf(one.inboxId))).toContainEqual(one);

    await unregisterInboxes(redis, fleet, inboxes.slice(0, 150).map((i) => i.inboxId));
    expect((await registeredInboxIds(redis, fleet)).sort()).toEqual(inboxes.slice(150).map((i) => i.inboxId).sort());
  });

  it('publishes every change to the owners', async () => {
    const { redis, fleet } = open('changes');
    const sub = createRedisConnection(redisUrl, { forWorker: true });
    cleanups.push(async () => sub.disconnect());
    const heard: RegistryChange[] = [];
    sub.on('message', (_channel: string, message: string) => {
      const change = parseRegistryChange(message);
      if (change) heard.push(change);
    });
    await sub.subscribe(fleetKeys(fleet).changes);
    await registerInboxes(redis, fleet, [inbox(1), inbox(2)]);
    await unregisterInboxes(redis, fleet, [inbox(1).inboxId]);
    await expect.poll(() => heard.length).toBe(2);
    expect(heard).toEqual([
      { op: 'add', inboxes: [inbox(1), inbox(2)] },
      { op: 'remove', inboxIds: [inbox(1).inboxId] },
    ]);
  });
});

describe('membership', () => {
  it('lists live members, drops a member whose heartbeats stopped, and removes one that leaves', async () => {
    const { redis, fleet } = open('members');
    expect(await heartbeat(redis, fleet, 'a', 1_000)).toMatchObject({ added: true, members: ['a'] });
    expect(await heartbeat(redis, fleet, 'b', 1_000)).toMatchObject({ added: true, members: ['a', 'b'] });
    expect(await heartbeat(redis, fleet, 'a', 1_000)).toMatchObject({ added: false, members: ['a', 'b'] });
    // b stops beating: gone once its last heartbeat is older than the TTL (Redis' clock).
    await expect.poll(async () => (await heartbeat(redis, fleet, 'a', 1_000)).members, { timeout: 3_000, interval: 100 }).toEqual(['a']);
    await heartbeat(redis, fleet, 'c', 1_000);
    expect(await leaveFleet(redis, fleet, 'c', 1_000)).toEqual(['a']);
    expect(await liveMembers(redis, fleet, 1_000)).toEqual(['a']);
  });

  it('a member finds out at its next heartbeat that Redis lost the fleet state: a new epoch', async () => {
    const { redis, fleet } = open('lost');
    const first = await heartbeat(redis, fleet, 'a');
    expect((await heartbeat(redis, fleet, 'b')).epochs).toEqual(first.epochs);
    // what a Redis restart without persistence does
    for (const copy of fleetKeys(fleet).membership) await redis.del(copy.members, copy.epoch);
    // b's heartbeat queued during the outage lands first and re-adds b unseen: b still learns, and so does a.
    const b = await heartbeat(redis, fleet, 'b');
    expect(b.epochs.every((e, i) => e !== first.epochs[i])).toBe(true);
    expect((await heartbeat(redis, fleet, 'b')).added).toBe(false);
    expect((await heartbeat(redis, fleet, 'a')).epochs).toEqual(b.epochs);
  });

  it('keeps the membership in three copies and still answers from a majority of them', async () => {
    const { redis, fleet } = open('copies');
    await heartbeat(redis, fleet, 'a');
    await heartbeat(redis, fleet, 'b');
    const [lost] = fleetKeys(fleet).membership;
    // One copy emptied (a primary that lost its writes): the other two still know both members.
    await redis.del(lost!.members);
    expect(await liveMembers(redis, fleet)).toEqual(['a', 'b']);
    expect((await heartbeat(redis, fleet, 'a')).members).toEqual(['a', 'b']);
  });

  it('sees, and is seen by, a worker of the version before the copies (one set) during a rolling upgrade', async () => {
    const { redis, fleet } = open('upgrade');
    const old = fleetKeys(fleet).legacyMembership.members;
    // The old worker's heartbeat: its id in the one set, scored by Redis' clock.
    const [seconds, micros] = await redis.time();
    await redis.zadd(old, String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)), 'old');
    expect((await heartbeat(redis, fleet, 'new')).members).toEqual(['new', 'old']);
    expect(await liveMembers(redis, fleet)).toEqual(['new', 'old']);
    // What the old worker reads back: the new one is there.
    expect(await redis.zrange(old, '0', '-1')).toEqual(expect.arrayContaining(['new', 'old']));
  });

  it("records that a member holds a shard's sessions, under its own name", async () => {
    const { redis, fleet } = open('ready');
    await markShardReady(redis, fleet, 5, 'a');
    // b marking later, or a marking again, never hides what the other said.
    await markShardReady(redis, fleet, 5, 'b');
    expect(await shardsReady(redis, fleet, new Map([[5, 'a'], [6, 'a']]))).toEqual(new Map([[5, true], [6, false]]));
    expect(await shardsReady(redis, fleet, new Map([[5, 'b']]))).toEqual(new Map([[5, true]]));
    // a lets the shard go: its word is taken back, b's stays.
    await unmarkShardReady(redis, fleet, 5, 'a');
    expect(await shardsReady(redis, fleet, new Map([[5, 'a']]))).toEqual(new Map([[5, false]]));
    expect(await shardsReady(redis, fleet, new Map([[5, 'b']]))).toEqual(new Map([[5, true]]));
  });
});
