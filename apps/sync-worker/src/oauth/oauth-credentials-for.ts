// Adapter for the session's `credentialsFor` hook (SessionDeps): oauth2 inboxes get a fresh access
// token from getAccessToken; password inboxes keep their stored password, exactly as without the hook.
// Follows the hook's contract: null when the inbox cannot log in (the grant ended and the inbox is
// already disconnected, or it is no longer connected), a thrown error for a transient failure or our
// own misconfiguration (the session requeues with backoff; the user's inbox stays connected).
import { scoped } from '@reply-sync/db';
import type { MailCredentials } from '@reply-sync/mail';
import type { InboxRecord, StoredCredentials } from '../crm-store';
import { getAccessToken, OAuthInboxError, type AccessTokenDeps } from './get-access-token';

export function oauthCredentialsFor(deps: AccessTokenDeps) {
  return async (inbox: InboxRecord & { credentials: StoredCredentials }): Promise<MailCredentials | null> => {
    if (inbox.authKind !== 'oauth2') {
      if (inbox.credentials.password !== undefined) return { kind: 'password', username: inbox.username, password: inbox.credentials.password };
      // What the session does without the hook: a password inbox without a password cannot log in.
      await scoped(deps.db, inbox.accountId).inboxes.markDisconnected(inbox.id, 'password_rejected', 'no credentials are stored for this inbox');
      return null;
    }
    try {
      const token = await getAccessToken({ accountId: inbox.accountId, inboxId: inbox.id }, deps);
      return { kind: 'oauth2', username: token.username, accessToken: token.accessToken };
    } catch (error) {
      if ((error as { disconnects?: boolean }).disconnects === true) return null;
      if (error instanceof OAuthInboxError) {
        if (error.code !== 'provider_not_configured') return null;
        deps.logger.error({ inboxId: inbox.id, accountId: inbox.accountId, code: error.code, err: error.message }, 'oauth provider not configured');
      }
      throw error;
    }
  };
}
