// The few queries that cross accounts, for the scheduler, the CLI and the API (finding a key's account). They return ids (and account
// creation), never tenant data; everything else goes through scoped().
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { inboxes } from './schema';

export { createAccount, getAccount, listAccounts } from './queries/accounts';
export { findApiKey, touchApiKey, API_KEY_LAST_USED_INTERVAL_MS, API_KEY_TRUSTED_MS, type ApiKeyInfo } from './queries/api-keys';
export { purgeExpiredIdempotencyKeys, IDEMPOTENCY_KEY_TTL_HOURS, type IdempotencyClaim } from './queries/idempotency-keys';
export { resolveInboundAddress, spooledInboundMessages, spoolInboundBatch, inboundMessagesByIds, SPOOL_BATCH_MAX_BYTES, type SpoolBatchRow } from './queries/inbound';
export { reencryptAllCredentials, type ReencryptAllResult } from './queries/stored-credentials';

export interface InboxKey {
  accountId: string;
  inboxId: string;
}

/** Every connected inbox, as ids only: the scheduler keeps one job per entry. */
export async function connectedInboxIds(db: DbOrTx): Promise<InboxKey[]> {
  return db
    .select({ accountId: inboxes.accountId, inboxId: inboxes.id })
    .from(inboxes)
    .where(eq(inboxes.status, 'connected'))
    .orderBy(inboxes.createdAt);
}

/** Connected oauth2 inboxes of every account, as ids: the worker's token health check refreshes each. */
export async function connectedOAuthInboxes(db: DbOrTx): Promise<InboxKey[]> {
  return db
    .select({ accountId: inboxes.accountId, inboxId: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.status, 'connected'), eq(inboxes.authKind, 'oauth2')))
    .orderBy(inboxes.createdAt);
}

/** The account an inbox belongs to (for a job payload or a NOTIFY that carries only the inbox id). */
export async function inboxAccountId(db: DbOrTx, inboxId: string): Promise<string | null> {
  const [row] = await db.select({ accountId: inboxes.accountId }).from(inboxes).where(eq(inboxes.id, inboxId));
  return row?.accountId ?? null;
}

export interface InboxState {
  inboxId: string;
  status: 'connected' | 'disconnected' | 'removed';
  credentialsVersion: number;
}

/**
 * Status and credentials version of these inboxes, in any account; a deleted inbox is absent. A
 * worker re-checks its live sessions with it when its LISTEN connection was down (notifications lost).
 */
export async function inboxStates(db: DbOrTx, inboxIds: readonly string[]): Promise<InboxState[]> {
  if (inboxIds.length === 0) return [];
  return db
    .select({ inboxId: inboxes.id, status: inboxes.status, credentialsVersion: inboxes.credentialsVersion })
    .from(inboxes)
    .where(sql`${inboxes.id} = any(${sql.param([...inboxIds])}::uuid[])`);
}
export { findConsoleUserForSignIn, createConsoleSession, findConsoleSession, endConsoleSession, CONSOLE_SESSION_MS, type ConsoleUser } from './queries/console-users';
export { consolePasswordMatches, decoyConsolePasswordHash, MIN_CONSOLE_PASSWORD_LENGTH } from './console-password';
