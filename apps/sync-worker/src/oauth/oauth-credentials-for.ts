// Adapter for the session's `credentialsFor` hook (SessionDeps): oauth2 inboxes get a fresh access
// token from getAccessToken; password inboxes keep their stored password. Follows the hook's contract:
// null when the inbox cannot log in (the grant ended and the inbox is already disconnected, or it is no
// longer connected), a thrown error for a transient failure (the session requeues with backoff).
import type { MailCredentials } from '@reply-sync/mail';
import type { InboxRecord, StoredCredentials } from '../crm-store';
import { getAccessToken, OAuthInboxError, type AccessTokenDeps } from './get-access-token';

export function oauthCredentialsFor(deps: AccessTokenDeps) {
  return async (inbox: InboxRecord & { credentials: StoredCredentials }): Promise<MailCredentials | null> => {
    if (inbox.authKind !== 'oauth2') {
      return inbox.credentials.password !== undefined ? { kind: 'password', username: inbox.username, password: inbox.credentials.password } : null;
    }
    try {
      const token = await getAccessToken({ accountId: inbox.accountId, inboxId: inbox.id }, deps);
      return { kind: 'oauth2', username: token.username, accessToken: token.accessToken };
    } catch (error) {
      if ((error as { disconnects?: boolean }).disconnects === true) return null;
      if (error instanceof OAuthInboxError && error.code !== 'provider_not_configured') return null;
      throw error;
    }
  };
}
