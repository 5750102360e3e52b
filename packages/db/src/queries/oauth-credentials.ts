// OAuth credential reads and writes for one account's inboxes: the token refresh's view of an inbox
// (its decrypted tokens, also when the inbox is no longer connected) and saving refreshed tokens in
// place. Saving deliberately does NOT bump credentials_version: that would restart every IMAP session
// of the inbox each time its access token is refreshed (hourly); a reconnect (new grant) uses
// inboxes.reconnect, which does.
import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import type { EncryptionKeys } from '../crypto/index';
import { inboxes, type AuthKind, type InboxStatus, type Provider } from '../schema';
import { openCredentials, sealCredentials } from './stored-credentials';

/** What an oauth2 inbox's encrypted credentials blob holds (written by the CLI's connect and by the refresh). */
export interface StoredOAuthCredentials {
  refreshToken: string;
  accessToken?: string;
  /** ISO time the access token expires. */
  accessTokenExpiresAt?: string;
  grantedScopes?: string[];
}

export interface OAuthInboxRow {
  accountId: string;
  inboxId: string;
  provider: Provider;
  authKind: AuthKind;
  status: InboxStatus;
  address: string;
  username: string;
  /** Null once the inbox was removed (its credentials are deleted). */
  credentials: StoredOAuthCredentials | null;
}

export function oauthCredentialQueries(db: Db, scope: AccountScope) {
  return {
    /** The inbox with its decrypted OAuth credentials, straight from the database (never cached). */
    async readOAuthCredentials(id: string, keys: EncryptionKeys): Promise<OAuthInboxRow | null> {
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
        .where(scope.where(inboxes, eq(inboxes.id, id)));
      if (!row) return null;
      const stored = row.credentials === null ? null : { accountId: row.accountId, id: row.inboxId, credentials: row.credentials };
      return { ...row, credentials: stored === null ? null : await openCredentials<StoredOAuthCredentials>(db, stored, keys) };
    },

    /**
     * Saves refreshed tokens, unless the stored refresh token is no longer the one the refresh used
     * (another worker rotated it meanwhile, e.g. after our lock expired): then the stored one stays, so
     * a stale refresh token is never written back. Returns whether it wrote.
     */
    async saveRefreshedCredentials(id: string, keys: EncryptionKeys, usedRefreshToken: string, next: StoredOAuthCredentials): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .select({ accountId: inboxes.accountId, id: inboxes.id, credentials: inboxes.credentials, status: inboxes.status })
          .from(inboxes)
          .where(scope.where(inboxes, eq(inboxes.id, id)))
          .for('update');
        if (!row || row.credentials === null || row.status === 'removed') return false;
        const current = await openCredentials<StoredOAuthCredentials>(tx, { ...row, credentials: row.credentials }, keys);
        if (current.refreshToken !== usedRefreshToken) return false;
        await tx
          .update(inboxes)
          .set({ ...sealCredentials({ ...current, ...next }, keys, row), updatedAt: new Date() })
          .where(scope.where(inboxes, eq(inboxes.id, id)));
        return true;
      });
    },
  };
}
