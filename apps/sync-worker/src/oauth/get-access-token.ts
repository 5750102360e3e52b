// A valid access token for an oauth2 inbox, for IMAP/SMTP XOAUTH2. A cached token with more than
// `minValidityMs` (5 min) left is returned as is; otherwise one worker refreshes it under a per-inbox
// Redis lock, re-reading the credentials after taking the lock (another worker may have refreshed and
// rotated already) and saving a rotated refresh token with the new access token at once, before the
// token is used. A grant that ended disconnects the inbox with its reason; anything else is transient.
import { scoped, type Db, type EncryptionKeys, type InboxKey, type OAuthInboxRow, type StoredOAuthCredentials } from '@reply-sync/db';
import { OAuthError, refreshAccessToken, toOAuthError, type OAuthProvider, type OAuthProviderName } from '@reply-sync/mail';
import type { Logger } from '../logger';
import { acquireLock, type RedisLike } from './redis-lock';

export interface AccessTokenDeps {
  db: Db;
  keys: EncryptionKeys;
  redis: RedisLike;
  /** Configured providers (packages/mail gmailProvider / office365Provider). */
  providers: Partial<Record<OAuthProviderName, OAuthProvider>>;
  logger: Logger;
  /** A cached token with less than this left is refreshed. Default 5 min. */
  minValidityMs?: number;
  /** How long a refresh may hold the lock. Default 60 s (longer than the provider calls' timeouts). */
  lockTtlMs?: number;
  /** How long to wait for another worker's refresh. Default 65 s. */
  lockWaitMs?: number;
  /** Redis key prefix. Default `reply-sync:oauth-refresh:`. */
  lockPrefix?: string;
}

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
  username: string;
  /** True when this call refreshed it (false: cached, or refreshed by another worker). */
  refreshed: boolean;
}

/** The inbox cannot use OAuth at all (not connected, not oauth2, no provider configured). */
export class OAuthInboxError extends Error {
  override readonly name = 'OAuthInboxError';
  constructor(
    readonly code: 'inbox_missing' | 'inbox_not_connected' | 'not_oauth2' | 'provider_not_configured',
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MIN_VALIDITY_MS = 5 * 60_000;

/** What an operator sets to configure each provider (apps/sync-worker/src/env.ts). */
const PROVIDER_ENV: Record<OAuthProviderName, string> = {
  gmail: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
  office365: 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET',
};

function cachedToken(row: OAuthInboxRow, minValidityMs: number): AccessToken | null {
  const c = row.credentials;
  if (!c?.accessToken || !c.accessTokenExpiresAt) return null;
  const expiresAt = new Date(c.accessTokenExpiresAt);
  if (expiresAt.getTime() - Date.now() <= minValidityMs) return null;
  return { accessToken: c.accessToken, expiresAt, username: row.username, refreshed: false };
}

function readOAuthInbox(deps: AccessTokenDeps, inbox: InboxKey): Promise<OAuthInboxRow | null> {
  return scoped(deps.db, inbox.accountId).inboxes.readOAuthCredentials(inbox.inboxId, deps.keys);
}

async function load(deps: AccessTokenDeps, inbox: InboxKey): Promise<OAuthInboxRow> {
  const row = await readOAuthInbox(deps, inbox);
  if (!row) throw new OAuthInboxError('inbox_missing', `No inbox ${inbox.inboxId} in account ${inbox.accountId}.`);
  if (row.status !== 'connected') throw new OAuthInboxError('inbox_not_connected', `Inbox ${row.address} is ${row.status}.`);
  if (row.authKind !== 'oauth2') throw new OAuthInboxError('not_oauth2', `Inbox ${row.address} signs in with a password, not OAuth.`);
  return row;
}

export async function getAccessToken(inbox: InboxKey, deps: AccessTokenDeps, options: { forceRefresh?: boolean } = {}): Promise<AccessToken> {
  const minValidityMs = deps.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
  const first = await load(deps, inbox);
  if (!options.forceRefresh) {
    const cached = cachedToken(first, minValidityMs);
    if (cached) return cached;
  }
  const lock = await acquireLock(deps.redis, `${deps.lockPrefix ?? 'reply-sync:oauth-refresh:'}${inbox.inboxId}`, {
    ttlMs: deps.lockTtlMs ?? 60_000,
    waitMs: deps.lockWaitMs ?? 65_000,
  });
  if (!lock) throw new OAuthError('transient', 'Another worker held the token refresh lock for this inbox too long.');
  try {
    // Re-read under the lock: the worker we waited for has probably refreshed (and rotated) already.
    const row = await load(deps, inbox);
    const fresh = cachedToken(row, minValidityMs);
    const readBeforeLock = first.credentials?.accessToken;
    if (fresh && (!options.forceRefresh || fresh.accessToken !== readBeforeLock)) return fresh;
    return await refreshUnderLock(deps, inbox, row);
  } finally {
    await lock.release().catch(() => false);
  }
}

async function refreshUnderLock(deps: AccessTokenDeps, inbox: InboxKey, row: OAuthInboxRow, retried = false): Promise<AccessToken> {
  const log = deps.logger.child({ inboxId: inbox.inboxId, accountId: inbox.accountId, provider: row.provider });
  const q = scoped(deps.db, inbox.accountId).inboxes;
  const name = row.provider === 'imap' ? null : row.provider;
  const provider = name === null ? undefined : deps.providers[name];
  if (!provider) {
    throw new OAuthInboxError(
      'provider_not_configured',
      `Inbox ${row.address} signs in with ${row.provider} OAuth, and this worker has no ${row.provider} OAuth client: set ${name === null ? 'its provider' : PROVIDER_ENV[name]} in the worker's environment.`,
    );
  }
  const refreshToken = row.credentials?.refreshToken;
  if (!refreshToken) {
    const detail = 'No refresh token is stored for this inbox.';
    await q.markDisconnected(inbox.inboxId, 'oauth_revoked', detail);
    log.warn({ reason: 'oauth_revoked', detail }, 'inbox disconnected: no refresh token');
    throw new OAuthError('oauth_revoked', detail);
  }
  try {
    const t = await refreshAccessToken(provider, refreshToken);
    const next: StoredOAuthCredentials = {
      refreshToken: t.refreshToken,
      accessToken: t.accessToken,
      accessTokenExpiresAt: t.expiresAt.toISOString(),
      grantedScopes: t.grantedScopes,
    };
    const saved = await q.saveRefreshedCredentials(inbox.inboxId, deps.keys, refreshToken, next);
    log.info({ rotated: t.rotated, saved, expiresAt: t.expiresAt.toISOString() }, 'oauth access token refreshed');
    return { accessToken: t.accessToken, expiresAt: t.expiresAt, username: row.username, refreshed: true };
  } catch (error) {
    const err = toOAuthError(error, [refreshToken]);
    if (err.disconnects) {
      // Our lock may have expired while a slow call ran and another worker rotated the refresh token:
      // the one we used is then dead for a good reason. Try once more with the stored one.
      const now = await readOAuthInbox(deps, inbox);
      if (!retried && now?.status === 'connected' && now.credentials?.refreshToken && now.credentials.refreshToken !== refreshToken) {
        return refreshUnderLock(deps, inbox, now, true);
      }
      const change = await q.markDisconnected(inbox.inboxId, err.code, err.detail);
      log.warn({ reason: err.code, detail: err.detail, changed: change.changed }, 'oauth grant ended; inbox disconnected');
    } else {
      await q.recordTransientError(inbox.inboxId, `OAuth token refresh failed: ${err.detail}`);
      log.warn({ kind: err.code, detail: err.detail }, 'oauth token refresh failed; will retry');
    }
    throw err;
  }
}
