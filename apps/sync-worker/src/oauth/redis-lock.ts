// A per-key lock in Redis: SET NX PX with a random token, released only by its holder (compare and
// delete in one Lua call), so a holder whose lock expired cannot release the next holder's lock.
import { randomBytes } from 'node:crypto';

/** The part of an ioredis client the lock uses. */
export interface RedisLike {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface HeldLock {
  release(): Promise<boolean>;
}

export async function tryLock(redis: RedisLike, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomBytes(16).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return { release: async () => (await redis.eval(RELEASE, 1, key, token)) === 1 };
}

/** Waits (polling) up to `waitMs` for the lock; null when it stayed taken. */
export async function acquireLock(redis: RedisLike, key: string, options: { ttlMs: number; waitMs: number; pollMs?: number }): Promise<HeldLock | null> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const lock = await tryLock(redis, key, options.ttlMs);
    if (lock) return lock;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
