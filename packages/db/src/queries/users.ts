// Users of one account (the people who connect inboxes and send from the CRM).
import { normalizeAddress } from '@reply-sync/threading';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError, isUniqueViolation } from '../errors';
import { storedAddress } from '../stored-address';
import { users, type User } from '../schema';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';

export function userQueries(db: Db, scope: AccountScope) {
  return {
    async add(input: { email: string; name?: string | null }): Promise<User> {
      try {
        const [row] = await db
          .insert(users)
          .values({ accountId: scope.accountId, email: storedAddress(input.email), name: input.name ?? null })
          .returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new DbError('user_exists', `A user with the email ${input.email} already exists in this account.`);
        }
        throw error;
      }
    },
    async get(id: string): Promise<User | null> {
      const [row] = await db.select().from(users).where(scope.where(users, eq(users.id, id)));
      return row ?? null;
    },
    async findByEmail(email: string): Promise<User | null> {
      const [row] = await db
        .select()
        .from(users)
        .where(scope.where(users, sql`lower(${users.email}) = ${normalizeAddress(email)}`));
      return row ?? null;
    },
    /** One page, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<User>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: users, at: positionText(users.createdAt) })
        .from(users)
        .where(scope.where(users, afterPosition(users.createdAt, users.id, q.before)))
        .orderBy(...newestFirst(users.createdAt, users.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },
    /** These users (of this account), in one query. */
    async getMany(ids: readonly string[]): Promise<User[]> {
      const wanted = [...new Set(ids)];
      if (wanted.length === 0) return [];
      return db.select().from(users).where(scope.where(users, inArray(users.id, wanted)));
    },
    async list(): Promise<User[]> {
      return db.select().from(users).where(scope.where(users)).orderBy(users.createdAt);
    },
    /** A paid seat (accounts.click_tracking_seats_only); null when the user is not in this account. */
    async setPaidSeat(id: string, paidSeat: boolean): Promise<User | null> {
      const [row] = await db.update(users).set({ paidSeat }).where(scope.where(users, eq(users.id, id))).returning();
      return row ?? null;
    },
  };
}
