// Accounts (tenants) and their users.
import { createAccount, type Account, type Db, type Scoped, type User } from '@reply-sync/db';
import { OperationError } from './operation-error';

export async function createAccountOp(db: Db, name: string): Promise<Account> {
  if (!name.trim()) throw new OperationError('invalid_name', 'Give the account a name, e.g. `reply-sync account create "Acme Sales"`.');
  return createAccount(db, name.trim());
}

export async function addUser(s: Scoped, input: { email: string; name?: string | undefined }): Promise<User> {
  return s.users.add({ email: input.email, name: input.name ?? null });
}

/** A user of the account by email; a missing one is an error that says how to add them. */
export async function requireUser(s: Scoped, email: string): Promise<User> {
  const user = await s.users.findByEmail(email);
  if (!user) throw new OperationError('user_not_found', `There is no user ${email} in this account.`, undefined, { step: 'add_user', email });
  return user;
}
