// Users of one account (the people who connect inboxes and send from the CRM).
import { normalizeAddress } from '@reply-sync/threading';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError, isUniqueViolation } from '../errors';
import { storedAddress } from '../stored-address';
import { users, type User } from '../schema';

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
    async list(): Promise<User[]> {
      return db.select().from(users).where(scope.where(users)).orderBy(users.createdAt);
    },
  };
}
