// Console users of one account (created by `reply-sync console-user create`), and the cross-account reads
// the console's sign-in needs: a user by email (which finds the account) and a session by its cookie value.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { hashConsolePassword, MIN_CONSOLE_PASSWORD_LENGTH } from '../console-password';
import { DbError, isUniqueViolation } from '../errors';
import { consoleSessions, consoleUsers, CONSOLE_LANGUAGES, CONSOLE_ROLES, type ConsoleLanguage, type ConsoleRole, type ConsoleUserRow } from '../schema';

/** A console user as the apps see it: everything but the password hash. */
export type ConsoleUser = Omit<ConsoleUserRow, 'passwordHash'>;
const info = ({ passwordHash: _h, ...rest }: ConsoleUserRow): ConsoleUser => rest;

/** How long a console sign-in lasts (absolute, not sliding). */
export const CONSOLE_SESSION_MS = 12 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export function consoleUserQueries(db: Db, scope: AccountScope) {
  return {
    async create(input: { email: string; password: string; role: ConsoleRole; language?: ConsoleLanguage | null }): Promise<ConsoleUser> {
      const email = input.email.trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new DbError('invalid_email', `"${input.email}" is not an email address.`);
      if (!CONSOLE_ROLES.includes(input.role)) throw new DbError('invalid_role', `"${input.role}" is not a console role; give ${CONSOLE_ROLES.join(' or ')}.`);
      if (input.language && !CONSOLE_LANGUAGES.includes(input.language)) throw new DbError('invalid_language', `"${input.language}" is not a console language; give ${CONSOLE_LANGUAGES.join(', ')}.`);
      if ([...input.password].length < MIN_CONSOLE_PASSWORD_LENGTH) {
        throw new DbError('invalid_password', `A console password needs at least ${MIN_CONSOLE_PASSWORD_LENGTH} characters.`);
      }
      try {
        const [row] = await db
          .insert(consoleUsers)
          .values({ accountId: scope.accountId, email, passwordHash: await hashConsolePassword(input.password), role: input.role, language: input.language ?? null })
          .returning();
        return info(row!);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DbError('console_user_exists', `A console user ${email} already exists (console emails are unique across accounts).`);
        throw error;
      }
    },
    async list(): Promise<ConsoleUser[]> {
      return (await db.select().from(consoleUsers).where(scope.where(consoleUsers))).map(info);
    },
  };
}

/** The user an email signs in as, with the hash to check; null when there is none. */
export async function findConsoleUserForSignIn(db: DbOrTx, email: string): Promise<ConsoleUserRow | null> {
  const [row] = await db.select().from(consoleUsers).where(eq(consoleUsers.email, email.trim().toLowerCase()));
  return row ?? null;
}

/** Starts a session; the returned token goes in the cookie and exists nowhere else. */
export async function createConsoleSession(db: DbOrTx, user: Pick<ConsoleUser, 'id' | 'accountId'>, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CONSOLE_SESSION_MS);
  await db.insert(consoleSessions).values({ accountId: user.accountId, consoleUserId: user.id, tokenHash: hashToken(token), expiresAt });
  // Expired sessions of anyone are cleared here, on a sign-in, rather than by a timer.
  await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  return { token, expiresAt };
}

/** The signed-in user of a live (unexpired) session token; null for anything else. */
export async function findConsoleSession(db: DbOrTx, token: string): Promise<{ sessionId: string; user: ConsoleUser } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await db
    .select({ sessionId: consoleSessions.id, user: consoleUsers })
    .from(consoleSessions)
    .innerJoin(consoleUsers, eq(consoleUsers.id, consoleSessions.consoleUserId))
    .where(and(eq(consoleSessions.tokenHash, hashToken(token)), gt(consoleSessions.expiresAt, new Date())));
  return row ? { sessionId: row.sessionId, user: info(row.user) } : null;
}

export async function endConsoleSession(db: DbOrTx, token: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, hashToken(token)));
}
