// Console sessions: the cookie token finds its user only while the session lives; the table holds only
// the token's SHA-256; a wrong or malformed token finds nothing; ending it ends it; console emails are
// unique across accounts.
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consoleSessions } from '../src/schema';
import { scoped } from '../src/scoped';
import { createAccount, createConsoleSession, endConsoleSession, findConsoleSession, findConsoleUserForSignIn } from '../src/system-queries';
import { useDb } from './helpers';

const db = useDb();
const stamp = () => Math.random().toString(36).slice(2, 10);

describe('console sessions', () => {
  it('finds the user by token while the session lives, never by a wrong token, and not once ended or expired', async () => {
    const account = await createAccount(db.handle.db, `console-${stamp()}`);
    const user = await scoped(db.handle.db, account.id).consoleUsers.create({ email: `Ana.${stamp()}@Example.com`, password: 'a long console password', role: 'support' });
    expect(user.email).toBe(user.email.toLowerCase());
    expect((await findConsoleUserForSignIn(db.handle.db, user.email.toUpperCase()))?.id).toBe(user.id);

    const { token } = await createConsoleSession(db.handle.db, user);
    expect((await findConsoleSession(db.handle.db, token))?.user).toMatchObject({ id: user.id, role: 'support', accountId: account.id });
    const [row] = await db.handle.db.select().from(consoleSessions).where(eq(consoleSessions.consoleUserId, user.id));
    expect(row!.tokenHash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(await findConsoleSession(db.handle.db, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await findConsoleSession(db.handle.db, 'not a token')).toBeNull();

    await endConsoleSession(db.handle.db, token);
    expect(await findConsoleSession(db.handle.db, token)).toBeNull();

    const second = await createConsoleSession(db.handle.db, user);
    await db.handle.db.update(consoleSessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(consoleSessions.consoleUserId, user.id));
    expect(await findConsoleSession(db.handle.db, second.token)).toBeNull();
  });

  it('refuses a console email another account already uses', async () => {
    const [a, b] = await Promise.all([createAccount(db.handle.db, `ca-${stamp()}`), createAccount(db.handle.db, `cb-${stamp()}`)]);
    const email = `same-${stamp()}@example.com`;
    await scoped(db.handle.db, a.id).consoleUsers.create({ email, password: 'a long console password', role: 'admin' });
    await expect(scoped(db.handle.db, b.id).consoleUsers.create({ email, password: 'a long console password', role: 'admin' })).rejects.toMatchObject({ code: 'console_user_exists' });
  });
});
