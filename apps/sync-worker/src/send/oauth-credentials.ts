// XOAUTH2 credentials for a send from an OAuth inbox (gmail, office365): an access token from the worker's
// token provider within a deadline, its failures classified like IMAP's (a grant that ended disconnects
// the inbox, anything else is retried by the queue).
import type { Inbox, Scoped } from '@reply-sync/db';
import { classifyMailError, disconnectSentence, type MailCredentials } from '@reply-sync/mail';
import { SendError } from './send-error';
import { withDeadline } from './with-deadline';

/**
 * The worker's token provider. `forceRefresh` asks for a new token even when the cached one looks valid:
 * the send asks for it once when the SMTP server refused the cached token, so a token the provider
 * invalidated early (the grant still alive) does not disconnect the inbox.
 */
export type AccessTokenProvider = (inbox: Inbox, options?: { forceRefresh?: boolean }) => Promise<string>;

export async function oauthCredentials(
  inbox: Inbox,
  s: Scoped,
  getAccessToken: AccessTokenProvider | undefined,
  timeoutMs: number,
  options: { forceRefresh?: boolean } = {},
): Promise<MailCredentials> {
  if (!getAccessToken) throw new SendError('smtp_not_configured', `The inbox ${inbox.address} signs in with OAuth, and this worker has no token provider.`);
  try {
    const token = getAccessToken(inbox, options.forceRefresh ? { forceRefresh: true } : undefined);
    const accessToken = await withDeadline(token, timeoutMs, () => Object.assign(new Error(`No access token within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
    return { kind: 'oauth2', username: inbox.username, accessToken };
  } catch (error) {
    const cls = classifyMailError(error, 'oauth2');
    if (cls.kind === 'auth' && cls.reason) {
      await s.inboxes.markDisconnected(inbox.id, cls.reason, cls.detail);
      throw new SendError('smtp_auth_failed', disconnectSentence(cls.reason, { address: inbox.address }), { reason: cls.reason, detail: cls.detail, cause: error });
    }
    throw new SendError('smtp_transient', `No access token for ${inbox.address} right now; it will be tried again.`, { detail: cls.detail, cause: error });
  }
}
