// Idempotency-Keys: the first claim wins, the same request gets the stored response, another request with
// the key is a mismatch, a released key can be claimed again, and after 24 hours the key is free (and
// purged) whatever it held; keys of two accounts never meet.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../src/schema';
import { purgeExpiredIdempotencyKeys } from '../src/system-queries';
import { newAccount, useDb } from './helpers';

const db = useDb();

describe('idempotency keys', () => {
  it('claims once, replays the stored response, refuses another request, and frees a released key', async () => {
    const { s } = await newAccount(db.handle);
    expect(await s.idempotencyKeys.claim('k1', 'hash-a')).toEqual({ state: 'claimed' });
    expect(await s.idempotencyKeys.claim('k1', 'hash-a')).toEqual({ state: 'in_progress' });
    await s.idempotencyKeys.complete('k1', 201, { id: 'x' });
    expect(await s.idempotencyKeys.claim('k1', 'hash-a')).toEqual({ state: 'replay', status: 201, body: { id: 'x' } });
    expect(await s.idempotencyKeys.claim('k1', 'hash-b')).toEqual({ state: 'mismatch' });

    expect(await s.idempotencyKeys.claim('k2', 'hash-a')).toEqual({ state: 'claimed' });
    await s.idempotencyKeys.release('k2');
    expect(await s.idempotencyKeys.claim('k2', 'hash-c')).toEqual({ state: 'claimed' });

    const other = await newAccount(db.handle);
    expect(await other.s.idempotencyKeys.claim('k1', 'hash-z')).toEqual({ state: 'claimed' });
  });

  it('forgets a key after 24 hours: claimable again, and purged', async () => {
    const { s, account } = await newAccount(db.handle);
    await s.idempotencyKeys.claim('old', 'hash-a');
    await s.idempotencyKeys.complete('old', 201, { id: 'first' });
    await s.idempotencyKeys.claim('stale', 'hash-a');
    await db.handle.db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` }).where(sql`${idempotencyKeys.accountId} = ${account.id}`);
    expect(await s.idempotencyKeys.claim('old', 'hash-b')).toEqual({ state: 'claimed' });
    expect(await purgeExpiredIdempotencyKeys(db.handle.db)).toBeGreaterThanOrEqual(1);
    const left = await db.handle.db.select().from(idempotencyKeys).where(sql`${idempotencyKeys.accountId} = ${account.id}`);
    expect(left.map((r) => r.key)).toEqual(['old']);
  });
});
