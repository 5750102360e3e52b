// Fleet membership: each worker process heartbeats into a sorted set, scored by Redis' own clock (so
// the workers' clocks do not matter), and reads the live members back in the same script. The set is
// kept in MEMBERSHIP_COPIES copies (fleet-keys.ts: on three primaries of a cluster) and a heartbeat
// counts when a majority of them answered: any two majorities share a copy, so a member that wrote a
// majority within the fence is seen live by any member that read a majority, and one primary failing
// over (or crashing, until its replica takes over) stops no heartbeat. Cost: one script call per copy
// (and the old set, onCopies) per heartbeat interval per worker, whatever the number of inboxes it holds.
import type { RedisConnection as Redis } from '../redis-connection';
import { fleetKeys, MEMBERSHIP_COPIES, type MembershipCopyKeys } from './fleet-keys';

/** A member whose last heartbeat is older than this is gone (SIGKILL, a lost host, a partition). */
export const MEMBER_TTL_MS = 10_000;
/** Heartbeat period; a member is seen MEMBER_TTL_MS / HEARTBEAT_MS times before it counts as gone. */
export const HEARTBEAT_MS = 2_000;

// On one copy. KEYS[1] members, KEYS[2] epoch; ARGV[1] member id, ARGV[2] ttl ms, ARGV[3] 'beat',
// 'leave' (remove instead) or 'read' (neither). Returns { added (1 when the member was not there),
// epoch, member ids... }. The epoch is made by the first call after the copy's state was lost (a Redis
// restart): a member that sees it change knows, even when a command of its own queued during the
// outage re-added it unseen.
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
elseif ARGV[3] == 'beat' then
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

/** Copies needed for a heartbeat or a read to count. */
const MAJORITY = Math.floor(MEMBERSHIP_COPIES / 2) + 1;
/**
 * How long a copy may take to answer: ioredis retries a command to a primary that is failing over for
 * seconds, and the copies that did answer must not wait for it past the heartbeat period.
 */
const COPY_TIMEOUT_MS = 1_500;

export class MembershipUnavailableError extends Error {
  readonly code = 'membership_unavailable';
  constructor(answered: number, what: string) {
    super(
      `Only ${answered} of the fleet membership's ${MEMBERSHIP_COPIES} copies answered (${what}; ${MAJORITY} are needed): Redis is unreachable or a majority of its primaries is failing over.`,
    );
  }
}

/** A copy's answer, or null when it failed or took longer than COPY_TIMEOUT_MS. */
async function inTime<T>(call: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), COPY_TIMEOUT_MS)));
  try {
    return await Promise.race([call.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `call` on every copy at once, and on the single set of the version before the copies (so
 * workers of both versions see each other during a rolling upgrade; it counts for no majority). The
 * copies' answers (null for one that failed or was too slow) and the old set's; throws without a
 * majority of copies. Remove the old set once no deployment runs a worker from before the copies.
 */
async function onCopies<T>(fleet: string, what: string, call: (copy: MembershipCopyKeys) => Promise<T>): Promise<{ copies: (T | null)[]; legacy: T | null }> {
  const keys = fleetKeys(fleet);
  const answers = await Promise.all([...keys.membership, keys.legacyMembership].map((copy) => inTime(call(copy))));
  const copies = answers.slice(0, MEMBERSHIP_COPIES);
  const answered = copies.filter((a) => a !== null).length;
  if (answered < MAJORITY) throw new MembershipUnavailableError(answered, what);
  return { copies, legacy: answers[MEMBERSHIP_COPIES] ?? null };
}

/** Members live in any copy that answered (a member is written to a majority, so at least one of these has it). */
const union = (lists: (string[] | null)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))].sort();

export interface Heartbeat {
  /** True when this member was not in a copy that answered: it just joined, or Redis lost that copy meanwhile. */
  added: boolean;
  /** Each copy's epoch (null: that copy did not answer). One changes when that copy's state was lost (a restart without persistence). */
  epochs: (string | null)[];
  /** Live members (this one included unless it left), sorted. */
  members: string[];
}

function runScript(redis: Redis, copy: MembershipCopyKeys, member: string, ttlMs: number, mode: 'beat' | 'leave' | 'read') {
  return withScript(redis).fleetHeartbeat(copy.members, copy.epoch, member, String(ttlMs), mode);
}

const liveIn = (answer: [number, string, ...string[]] | null): string[] | null => (answer ? (answer.slice(2) as string[]) : null);

/** Records that `member` is alive and returns the live members; throws unless a majority of the copies answered. */
export async function heartbeat(redis: Redis, fleet: string, member: string, ttlMs = MEMBER_TTL_MS): Promise<Heartbeat> {
  const { copies, legacy } = await onCopies(fleet, 'heartbeat', (copy) => runScript(redis, copy, member, ttlMs, 'beat'));
  return {
    added: copies.some((a) => a !== null && Number(a[0]) === 1),
    epochs: copies.map((a) => a?.[1] ?? null),
    members: union([...copies, legacy].map(liveIn)),
  };
}

/** Removes `member` (a clean shutdown: the others take its shards at their next heartbeat). */
export async function leaveFleet(redis: Redis, fleet: string, member: string, ttlMs = MEMBER_TTL_MS): Promise<string[]> {
  const { copies, legacy } = await onCopies(fleet, 'leave', (copy) => runScript(redis, copy, member, ttlMs, 'leave'));
  return union([...copies, legacy].map(liveIn));
}

/** The live members, read without heartbeating (operators, tests). */
export async function liveMembers(redis: Redis, fleet: string, ttlMs = MEMBER_TTL_MS): Promise<string[]> {
  const { copies, legacy } = await onCopies(fleet, 'read members', (copy) => runScript(redis, copy, '', ttlMs, 'read'));
  return union([...copies, legacy].map(liveIn));
}

/**
 * Tells the other members that `member` just joined (its first heartbeat, or its first after Redis lost
 * the set), on the registry's change channel: they heartbeat at once instead of at their next beat, so a
 * worker that started alone a moment before stops taking logins for the newcomer's shards within a
 * round trip, not up to a heartbeat later. Best effort: the heartbeat finds the newcomer anyway.
 */
export async function announceJoin(redis: Redis, fleet: string, member: string): Promise<void> {
  await redis.publish(fleetKeys(fleet).changes, JSON.stringify({ op: 'joined', member }));
}

/** The member a join announcement names, or null for any other message of the channel. */
export function parseMemberJoined(message: string): string | null {
  try {
    const m = JSON.parse(message) as { op?: unknown; member?: unknown };
    if (m.op === 'joined' && typeof m.member === 'string' && m.member.length > 0) return m.member;
  } catch {
    // not ours
  }
  return null;
}
