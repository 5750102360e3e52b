// The login budget's Redis scripts. Each touches one key (so any Redis Cluster slot will do) in O(1)
// (the semaphore's ZSET holds at most its cap of live holders plus the expired ones it drops), and
// reads the clock with TIME, so every worker agrees on it whatever their own clocks say.

/**
 * GCRA reservation for one login. KEYS[1] holds the theoretical arrival time (TAT, µs). ARGV: the
 * emission interval (µs per login) and the tolerance ((burst − 1) × interval). Always reserves: the
 * reply { wait µs, slot µs, TAT after it } says when this login may happen, so a waiter sleeps once and
 * never polls; the TAT it set says, at a cancel, whether it is still the newest reservation.
 */
export const RESERVE_LOGIN_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
local next = tat + interval
local stored = string.format('%.0f', next)
redis.call('SET', KEYS[1], stored, 'PX', math.ceil((next - now) / 1000) + 1000)
return { wait, now + wait, stored }
`;

/**
 * Gives back a reservation its waiter no longer wants (aborted before its slot), only while it is the
 * newest one (the TAT is still what it set): taking it off the TAT then moves no one else's slot. A
 * reservation in the middle is not given back: lowering the TAT for it would hand the next waiter a
 * slot already granted to a later one, two logins in one interval (a handover aborting many waits
 * at once went 40 % over the rate that way). ARGV: the interval, the slot (µs) the reservation got and
 * the TAT it set. Nothing is given back once the slot has passed.
 */
export const CANCEL_LOGIN_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local current = redis.call('GET', KEYS[1])
if current == ARGV[3] and tonumber(ARGV[2]) > now and tonumber(current) - interval >= now then
  redis.call('SET', KEYS[1], string.format('%.0f', tonumber(current) - interval), 'KEEPTTL')
  return 1
end
return 0
`;

/**
 * Takes (or renews) one of the account's connection slots. KEYS[1] is a ZSET of holders scored by
 * their expiry (ms): expired holders (a crashed process) are dropped first, so their slots free
 * themselves. ARGV: cap, lease ms, holder id. Returns 0 when held, else the ms until the earliest
 * holder's lease ends (an upper bound on the wait; a release usually comes sooner).
 */
export const ACQUIRE_CONNECTION_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < cap then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
  if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)
`;

/**
 * The last check before a login goes out: admits it only while fewer than ARGV[1] logins were admitted
 * in the sliding window of ARGV[2] µs before now (Redis's clock). KEYS[1] is a ZSET of admissions scored
 * by their time (µs), ARGV[3] a unique member. Returns { 0, now } when admitted (recorded), else
 * { the µs until the oldest admission leaves the window, now }. The GCRA reservation (RESERVE_LOGIN_LUA) spaces the logins; this
 * counts them when they are sent, so waiters whose turns were late (a busy event loop, a slow Redis
 * reply) and then go out together cannot put more than the limit into any window.
 */
export const ADMIT_LOGIN_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return { 0, string.format('%.0f', now) }
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { math.max(1, tonumber(first[2]) + window - now), string.format('%.0f', now) }
`;

/** Frees a slot. KEYS[1] the ZSET, ARGV[1] the holder id. */
export const RELEASE_CONNECTION_LUA = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
