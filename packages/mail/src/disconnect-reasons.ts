// Why an inbox is disconnected: a closed set of codes, each with the one sentence support staff read;
// and the one code its status history holds besides them (`recovered`), in the same table.

export const DISCONNECT_REASONS = [
  'password_rejected',
  'server_unreachable',
  'tls_certificate_invalid',
  'oauth_revoked',
  'sessions_revoked',
  'consent_missing',
  'imap_disabled',
  'smtp_auth_disabled',
  'basic_auth_disabled',
  'pop3_not_supported',
  'plaintext_not_allowed',
  'credentials_invalid',
] as const;

export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/**
 * One support-facing sentence per reason: what happened and what to do. `{address}` is replaced by
 * the inbox's address. The CLI, the logs and the support view all print these, so they say the same.
 */
export const DISCONNECT_SENTENCES: Readonly<Record<DisconnectReason, string>> = {
  password_rejected:
    'The mail server rejected the password for {address}; it was probably changed. Reconnect the inbox with the new password.',
  server_unreachable:
    'The mail server for {address} has not been reachable for a while (host not found, connection refused or timed out); check the IMAP host and port of the inbox, and if they are right the server is down and syncing resumes by itself once it answers again.',
  tls_certificate_invalid:
    "The mail server for {address} presented a certificate that cannot be trusted (expired, self-signed or issued for another host name), so reply-sync will not send credentials to it; reconnect the inbox with the host name the certificate is issued for, or ask the mail provider to fix the certificate.",
  oauth_revoked:
    "Access to {address} was revoked or has expired (the user removed the app's access or the grant lapsed); ask the user to reconnect the inbox and sign in again.",
  sessions_revoked:
    "Microsoft revoked reply-sync's sign-in for {address}: the user's sessions were revoked, by an administrator or the user (this also happens after a password reset); ask the user to reconnect the inbox and sign in again.",
  consent_missing:
    'The connection for {address} lacks a permission reply-sync needs (IMAP or SMTP access was not granted, or the organisation requires an administrator to approve the app); ask the user to reconnect and accept every permission, or their administrator to grant consent.',
  imap_disabled:
    'IMAP access is turned off for {address}; ask the user or their mail administrator to enable IMAP for this mailbox, then reconnect the inbox.',
  smtp_auth_disabled:
    "Office 365 refused to let {address} send: authenticated SMTP (SMTP AUTH) is turned off for this mailbox or for the whole organisation. Ask a Microsoft 365 administrator to turn on Authenticated SMTP for the mailbox (Microsoft 365 admin center, the user's Mail tab, Manage email apps) and check it is not turned off for the organisation, then reconnect the inbox.",
  basic_auth_disabled:
    "The mail server for {address} no longer accepts a password (Microsoft 365 has turned off basic authentication); reconnect the inbox with `--provider office365` so it signs in with OAuth instead.",
  pop3_not_supported:
    "The settings for {address} point at a POP3 server, and reply-sync only supports IMAP; reconnect the inbox with the provider's IMAP server (usually imap.<domain> on port 993).",
  plaintext_not_allowed:
    'The settings for {address} would send its password unencrypted (TLS mode none) to a server that is not on this machine, and the inbox does not allow plaintext; reconnect it with TLS mode tls or starttls, or with --allow-plaintext if the network to that server is trusted.',
  credentials_invalid:
    'The stored credentials of {address} cannot be used: they were encrypted for another inbox (copied between rows in the database) or are damaged, so reply-sync refuses them; reconnect the inbox (the password again, or sign in again).',
};

/**
 * History-only codes: `recovered` is a run of transient errors that ended by itself, the inbox
 * syncing again (packages/db's RECOVERED_REASON; the row's detail is the last error). Never an
 * inbox's current reason.
 */
export const HISTORY_REASONS = ['recovered'] as const;
export type HistoryReason = (typeof HISTORY_REASONS)[number];
/** Every reason code an inbox's status history can hold. */
export type StatusReason = DisconnectReason | HistoryReason;

/** The sentence of every status reason: the disconnect reasons' above, and the history-only ones. */
export const STATUS_REASON_SENTENCES: Readonly<Record<StatusReason, string>> = {
  ...DISCONNECT_SENTENCES,
  recovered:
    "Syncing {address} failed for a while with errors that pass by themselves (the mail server or the provider's sign-in could not be reached; the last error is below), then worked again: the inbox synced again by itself, catching up from where it had stopped. Nothing needs doing; if this keeps happening, check the server or the network to it.",
};

/** A stored reason this version has no sentence for (a newer version wrote it); `{code}` is the code. */
export const UNKNOWN_STATUS_REASON_SENTENCE = 'Disconnected ({code}).';

export interface SentenceContext {
  /** The inbox's email address (or username when no address is known). */
  address: string;
}

export function isDisconnectReason(value: unknown): value is DisconnectReason {
  return typeof value === 'string' && (DISCONNECT_REASONS as readonly string[]).includes(value);
}

export function disconnectSentence(reason: DisconnectReason, context: SentenceContext): string {
  return DISCONNECT_SENTENCES[reason].replaceAll('{address}', context.address || 'this inbox');
}

export function isStatusReason(value: unknown): value is StatusReason {
  return typeof value === 'string' && Object.hasOwn(STATUS_REASON_SENTENCES, value);
}

export function statusReasonSentence(reason: StatusReason, context: SentenceContext): string {
  return STATUS_REASON_SENTENCES[reason].replaceAll('{address}', context.address || 'this inbox');
}
