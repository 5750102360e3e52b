// Idempotency-Keys of the API's creating POSTs: the first request with a key claims it, its response is
// stored, and the same key with the same request gets that response again for 24 hours.
import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { idempotencyKeys } from '../schema';

export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

const expired = sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`;

export type IdempotencyClaim =
  | { state: 'claimed' }
  /** The key was used with another request (method, path or body). */
  | { state: 'mismatch' }
  /** The first request with the key has not finished yet. */
  | { state: 'in_progress' }
  | { state: 'replay'; status: number; body: unknown };

export function idempotencyKeyQueries(db: Db, scope: AccountScope) {
  return {
    async claim(key: string, requestHash: string): Promise<IdempotencyClaim> {
      // An expired row is as good as none: it goes before the insert that would collide with it.
      await db.delete(idempotencyKeys).where(scope.where(idempotencyKeys, eq(idempotencyKeys.key, key), expired));
      const [inserted] = await db
        .insert(idempotencyKeys)
        .values({ accountId: scope.accountId, key, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted) return { state: 'claimed' };
      const [row] = await db.select().from(idempotencyKeys).where(scope.where(idempotencyKeys, eq(idempotencyKeys.key, key)));
      // Gone between the insert and the select (released by a failed first request): the caller may retry.
      if (!row) return { state: 'in_progress' };
      if (row.requestHash !== requestHash) return { state: 'mismatch' };
      if (row.responseStatus === null) return { state: 'in_progress' };
      return { state: 'replay', status: row.responseStatus, body: row.responseBody };
    },
    async complete(key: string, status: number, body: unknown): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({ responseStatus: status, responseBody: body ?? null })
        .where(scope.where(idempotencyKeys, eq(idempotencyKeys.key, key)));
    },
    /** Frees a claimed key whose request failed on our side, so the client's retry runs it. */
    async release(key: string): Promise<void> {
      await db.delete(idempotencyKeys).where(scope.where(idempotencyKeys, eq(idempotencyKeys.key, key), sql`${idempotencyKeys.responseStatus} IS NULL`));
    },
  };
}

/** Deletes every account's expired keys (the API runs it hourly); returns how many. */
export async function purgeExpiredIdempotencyKeys(db: DbOrTx): Promise<number> {
  const rows = await db.delete(idempotencyKeys).where(expired).returning({ key: idempotencyKeys.key });
  return rows.length;
}
