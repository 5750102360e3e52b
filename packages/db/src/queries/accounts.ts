// Accounts are the tenants themselves: created at system level, before any scoped() object exists.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
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
