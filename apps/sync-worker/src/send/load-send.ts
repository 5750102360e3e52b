// Step 1 of a send: what the job names, loaded scoped by the job's account and checked before anything
// is built: the outgoing email, its recipients, its inbox (connected, with SMTP settings and credentials)
// and its user. A job naming another account's email, inbox or user finds nothing and sends nothing.
import { CredentialsDecryptError, type EncryptionKeys, type Inbox, type InboxWithCredentials, type OutgoingEmail, type Scoped } from '@reply-sync/db';
import type { ImapSettings, MailCredentials, SmtpSettings } from '@reply-sync/mail';
import type { SendJobData } from '@reply-sync/queue';
import { oauthCredentials, type AccessTokenProvider } from './oauth-credentials';
import { parseRecipients, type SendRecipients } from './parse-recipients';
import { SendError } from './send-error';

export interface LoadedSend {
  email: OutgoingEmail;
  recipients: SendRecipients;
  inbox: Inbox;
  /** The sender's name for the From header. */
  userName: string | null;
  credentials: MailCredentials;
  smtp: SmtpSettings;
  imap: ImapSettings;
}

export interface LoadSendDeps {
  keys: EncryptionKeys;
  getAccessToken?: AccessTokenProvider | undefined;
  accessTokenMs: number;
}

async function loadEmail(s: Scoped, job: SendJobData): Promise<OutgoingEmail> {
  const email = await s.outgoingEmails.get(job.outgoingEmailId);
  if (!email) {
    throw new SendError(
      'outgoing_email_not_found',
      `There is no outgoing email ${job.outgoingEmailId} in account ${job.accountId}: the job names an email that does not exist or belongs to another account. Nothing was sent.`,
    );
  }
  if (email.status === 'failed') {
    throw new SendError('already_failed', `The email with key ${email.sendId} already failed for good (${email.failure}); it is not tried again. Send it again with a new key.`);
  }
  return email;
}

const UNUSABLE_CREDENTIALS: ReadonlySet<CredentialsDecryptError['code']> = new Set(['bound_to_other_inbox', 'malformed']);

async function loadInbox(s: Scoped, email: OutgoingEmail, keys: EncryptionKeys): Promise<{ row: InboxWithCredentials<{ password?: string }>; smtp: SmtpSettings }> {
  const row = await s.inboxes.getWithCredentials<{ password?: string }>(email.inboxId, keys).catch(async (error: unknown) => {
    if ((error as { code?: unknown }).code === 'inbox_removed') throw new SendError('inbox_not_connected', (error as Error).message);
    // As the IMAP session does: a value copied from another inbox, or not ours, will never decrypt here,
    // so the inbox is disconnected and the send refused; a missing key (unknown_key_id, tampered) is an
    // operator fix that cures every inbox at once, so that is retried.
    if (error instanceof CredentialsDecryptError && UNUSABLE_CREDENTIALS.has(error.code)) {
      await s.inboxes.markDisconnected(email.inboxId, 'credentials_invalid', error.message);
      throw new SendError('credentials_invalid', `${error.message} Nothing was sent.`, { reason: 'credentials_invalid', cause: error });
    }
    throw error;
  });
  if (!row) throw new SendError('inbox_not_found', `The inbox ${email.inboxId} of outgoing email ${email.id} is not an inbox of this account; nothing was sent.`);
  if (row.status !== 'connected') {
    const why = row.disconnectReason ? ` (${row.disconnectReason})` : '';
    throw new SendError('inbox_not_connected', `The inbox ${row.address} is ${row.status}${why}; reconnect it before sending from it.`);
  }
  if (!row.smtpHost || !row.smtpPort || !row.smtpTls) {
    throw new SendError('smtp_not_configured', `The inbox ${row.address} has no SMTP server configured; reconnect it with its SMTP settings to send from it.`);
  }
  return { row, smtp: { host: row.smtpHost, port: row.smtpPort, tls: row.smtpTls, allowPlaintext: row.allowPlaintext } };
}

/** The sending user must be the account's, and the owner when the inbox is someone's personal inbox. */
async function checkSender(s: Scoped, email: OutgoingEmail, inbox: Inbox): Promise<string | null> {
  const user = email.userId ? await s.users.get(email.userId) : null;
  if (email.userId && !user) {
    throw new SendError('user_not_found', `The user ${email.userId} of outgoing email ${email.id} is not a user of this account; nothing was sent.`);
  }
  if (inbox.kind === 'personal' && inbox.userId !== email.userId) {
    throw new SendError('user_not_found', `Outgoing email ${email.id} is sent from ${inbox.address}, the personal inbox of another user; nothing was sent.`);
  }
  return user?.name ?? null;
}

export async function loadSend(s: Scoped, job: SendJobData, deps: LoadSendDeps): Promise<LoadedSend> {
  const email = await loadEmail(s, job);
  const recipients = parseRecipients(email);
  const { row, smtp } = await loadInbox(s, email, deps.keys);
  const { credentials: secret, ...inbox } = row;
  const userName = await checkSender(s, email, inbox);
  const credentials: MailCredentials =
    inbox.authKind === 'oauth2'
      ? await oauthCredentials(inbox, s, deps.getAccessToken, deps.accessTokenMs)
      : { kind: 'password', username: inbox.username, password: secret.password ?? '' };
  return {
    email,
    recipients,
    inbox,
    userName,
    credentials,
    smtp,
    imap: { host: inbox.imapHost, port: inbox.imapPort, tls: inbox.imapTls, allowPlaintext: inbox.allowPlaintext },
  };
}
