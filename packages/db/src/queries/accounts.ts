// Accounts are the tenants themselves: created at system level, before any scoped() object exists;
// an account's own settings are read and changed through scoped(db, accountId).account.
import type { SenderVerificationPolicy } from '@reply-sync/threading';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError } from '../errors';
import { accounts, type Account } from '../schema';

export async function createAccount(db: DbOrTx, name: string): Promise<Account> {
  const [row] = await db.insert(accounts).values({ name }).returning();
  return row!;
}

export async function getAccount(db: DbOrTx, id: string): Promise<Account | null> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

export async function listAccounts(db: DbOrTx): Promise<Account[]> {
  return db.select().from(accounts).orderBy(accounts.createdAt);
}

export function accountQueries(db: Db, scope: AccountScope) {
  const thisAccount = eq(accounts.id, scope.accountId);
  return {
    async get(): Promise<Account> {
      const [row] = await db.select().from(accounts).where(thisAccount);
      if (!row) throw new DbError('not_found', `There is no account ${scope.accountId}.`);
      return row;
    },
    /** The policy for replies whose sender is not verified; the worker reads it at each session start. */
    async senderVerification(): Promise<SenderVerificationPolicy> {
      return (await this.get()).senderVerification;
    },
    /** The open/click tracking law (0016); only the fields given change. */
    async setTracking(settings: { trackingGdpr?: boolean | undefined; clickTrackingSeatsOnly?: boolean | undefined }): Promise<Account> {
      const set: Partial<Pick<Account, 'trackingGdpr' | 'clickTrackingSeatsOnly'>> = {};
      if (settings.trackingGdpr !== undefined) set.trackingGdpr = settings.trackingGdpr;
      if (settings.clickTrackingSeatsOnly !== undefined) set.clickTrackingSeatsOnly = settings.clickTrackingSeatsOnly;
      if (Object.keys(set).length === 0) return this.get();
      const [row] = await db.update(accounts).set(set).where(thisAccount).returning();
      if (!row) throw new DbError('not_found', `There is no account ${scope.accountId}.`);
      return row;
    },
    async setSenderVerification(policy: SenderVerificationPolicy): Promise<Account> {
      const [row] = await db.update(accounts).set({ senderVerification: policy }).where(thisAccount).returning();
      if (!row) throw new DbError('not_found', `There is no account ${scope.accountId}.`);
      return row;
    },
  };
}
