// Fleet membership: each worker process heartbeats into one sorted set, scored by Redis' own clock (so
// the workers' clocks do not matter), and reads the live members back in the same script. One call per
// heartbeat interval per worker, whatever the number of inboxes it holds.
import type { RedisConnection as Redis } from '../redis-connection';
import { fleetKeys } from './fleet-keys';

/** A member whose last heartbeat is older than this is gone (SIGKILL, a lost host, a partition). */
export const MEMBER_TTL_MS = 10_000;
/** Heartbeat period; a member is seen MEMBER_TTL_MS / HEARTBEAT_MS times before it counts as gone. */
export const HEARTBEAT_MS = 2_000;

// KEYS[1] members, KEYS[2] epoch; ARGV[1] member id, ARGV[2] ttl ms, ARGV[3] 'leave' to remove instead.
// Returns { added (1 when the member was not there), epoch, member ids... }. The epoch is made by the
// first heartbeat after the fleet's state was lost (a Redis restart): a member that sees it change
// knows, even when a command of its own queued during the outage re-added it unseen.
const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = t[1] .. '.' .. t[2]
  redis.call('SET', KEYS[2], epoch)
end
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl * 6)
local added = 0
if ARGV[3] == 'leave' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  added = redis.call('ZADD', KEYS[1], now, ARGV[1])
end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now - ttl, '+inf')
table.insert(live, 1, epoch)
table.insert(live, 1, added)
return live
`;

type MembershipRedis = Redis & {
  fleetHeartbeat(members: string, epoch: string, member: string, ttlMs: string, mode: string): Promise<[number, string, ...string[]]>;
};

function withScript(redis: Redis): MembershipRedis {
  const r = redis as MembershipRedis;
  if (typeof r.fleetHeartbeat !== 'function') redis.defineCommand('fleetHeartbeat', { numberOfKeys: 2, lua: HEARTBEAT_SCRIPT });
  return r;
}

export interface Heartbeat {
  /** True when this member was not in the set: it just joined, or Redis lost its state meanwhile. */
  added: boolean;
  /** Changes when the fleet's state in Redis was lost (a restart without persistence). */
  epoch: string;
  /** Live members (this one included unless it left), sorted. */
  members: string[];
}

/** Records that `member` is alive and returns the live members. */
export async function heartbeat(redis: Redis, fleet: string, member: string, ttlMs = MEMBER_TTL_MS): Promise<Heartbeat> {
  const keys = fleetKeys(fleet);
  const [added, epoch, ...members] = await withScript(redis).fleetHeartbeat(keys.members, keys.epoch, member, String(ttlMs), 'beat');
  return { added: Number(added) === 1, epoch, members: members.sort() };
}

/** Removes `member` (a clean shutdown: the others take its shards at their next heartbeat). */
export async function leaveFleet(redis: Redis, fleet: string, member: string, ttlMs = MEMBER_TTL_MS): Promise<string[]> {
  const keys = fleetKeys(fleet);
  const [, , ...members] = await withScript(redis).fleetHeartbeat(keys.members, keys.epoch, member, String(ttlMs), 'leave');
  return members.sort();
}

/** The live members, read without heartbeating (operators, tests). */
export async function liveMembers(redis: Redis, fleet: string, ttlMs = MEMBER_TTL_MS): Promise<string[]> {
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  return (await redis.zrangebyscore(fleetKeys(fleet).members, now - ttlMs, '+inf')).sort();
}
