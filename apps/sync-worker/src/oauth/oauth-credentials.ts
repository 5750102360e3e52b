// What an oauth2 inbox's encrypted credentials blob holds (written by the CLI's connect and by the
// token refresh), and the small queries the refresh needs that @reply-sync/db does not have yet:
// saving rotated tokens without a reconnect (no credentials_version bump, which would restart the
// IMAP session every hour) and listing connected oauth2 inboxes across accounts (ids only).
import { and, eq } from 'drizzle-orm';
import { decryptCredentials, encryptCredentials, inboxes, type Db, type EncryptionKeys } from '@reply-sync/db';

export interface StoredOAuthCredentials {
  refreshToken: string;
  accessToken?: string;
  /** ISO time the access token expires. */
  accessTokenExpiresAt?: string;
  grantedScopes?: string[];
}

export interface InboxKey {
  accountId: string;
  inboxId: string;
}

export interface OAuthInboxRow extends InboxKey {
  provider: 'imap' | 'gmail' | 'office365';
  authKind: 'password' | 'oauth2';
  status: 'connected' | 'disconnected' | 'removed';
  address: string;
  username: string;
  credentials: StoredOAuthCredentials | null;
}

/** The inbox with its decrypted credentials, straight from the database (never cached). */
export async function readOAuthInbox(db: Db, keys: EncryptionKeys, key: InboxKey): Promise<OAuthInboxRow | null> {
  const [row] = await db
    .select({
      accountId: inboxes.accountId,
      inboxId: inboxes.id,
      provider: inboxes.provider,
      authKind: inboxes.authKind,
      status: inboxes.status,
      address: inboxes.address,
      username: inboxes.username,
      credentials: inboxes.credentials,
    })
    .from(inboxes)
    .where(and(eq(inboxes.accountId, key.accountId), eq(inboxes.id, key.inboxId)));
  if (!row) return null;
  return { ...row, credentials: row.credentials === null ? null : decryptCredentials<StoredOAuthCredentials>(row.credentials, keys) };
}

/**
 * Saves refreshed tokens, unless the stored refresh token is no longer the one the refresh used
 * (another worker rotated it meanwhile, e.g. after our lock expired): then the stored one stays, so a
 * stale refresh token is never written back. Returns whether it wrote.
 */
export async function saveRefreshedCredentials(
  db: Db,
  keys: EncryptionKeys,
  key: InboxKey,
  usedRefreshToken: string,
  next: StoredOAuthCredentials,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ credentials: inboxes.credentials, status: inboxes.status })
      .from(inboxes)
      .where(and(eq(inboxes.accountId, key.accountId), eq(inboxes.id, key.inboxId)))
      .for('update');
    if (!row || row.credentials === null || row.status === 'removed') return false;
    const current = decryptCredentials<StoredOAuthCredentials>(row.credentials, keys);
    if (current.refreshToken !== usedRefreshToken) return false;
    await tx
      .update(inboxes)
      .set({ credentials: encryptCredentials({ ...current, ...next }, keys), credentialsKeyId: keys.active.id, updatedAt: new Date() })
      .where(eq(inboxes.id, key.inboxId));
    return true;
  });
}

/** Connected oauth2 inboxes of every account, as ids (for the token health check). */
export async function connectedOAuthInboxes(db: Db): Promise<InboxKey[]> {
  return db
    .select({ accountId: inboxes.accountId, inboxId: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.status, 'connected'), eq(inboxes.authKind, 'oauth2')))
    .orderBy(inboxes.createdAt);
}
