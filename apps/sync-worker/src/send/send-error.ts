// Why a send failed: a closed set of codes, each with whether a retry can help, and a sentence a user can act on.
import type { DisconnectReason } from '@reply-sync/mail';

export type SendErrorCode =
  /** The server refused every recipient (5xx at RCPT): nothing was sent. */
  | 'recipient_rejected'
  /** The server refused the sender or the message itself (5xx at MAIL FROM / DATA): nothing was sent. */
  | 'message_rejected'
  /** The SMTP login was refused; the inbox was disconnected with `reason`. */
  | 'smtp_auth_failed'
  /** The server's certificate cannot be trusted; the inbox was disconnected. */
  | 'smtp_tls_invalid'
  /** 4xx, connection refused/reset, timeout before the server took the message: retried. */
  | 'smtp_transient'
  /** An earlier attempt may have handed the message to the server; not sent again (at most once). */
  | 'send_outcome_unknown'
  /** The job's data is not exactly { accountId, outgoingEmailId }: nothing was read or sent. */
  | 'invalid_job'
  /** The job names an outgoing email that is not one of its account's: nothing was sent. */
  | 'outgoing_email_not_found'
  /** The email's inbox is not one of the account's. */
  | 'inbox_not_found'
  /** The email's user is not one of the account's, or not the owner of the personal inbox it is sent from. */
  | 'user_not_found'
  | 'inbox_not_connected'
  /** The stored credentials belong to another inbox or are damaged; the inbox was disconnected (credentials_invalid). */
  | 'credentials_invalid'
  | 'smtp_not_configured'
  /** A recipient that is not an address: nothing was sent. */
  | 'invalid_request'
  /** This email's send already failed for good: it is not tried again (a new key sends it anew). */
  | 'already_failed'
  /** The send stopped making progress and was given up (final: the stalled attempt may still be running). */
  | 'send_timed_out'
  /** A bug or an outage we have no code for (database down): retried; nothing is sent twice. */
  | 'unexpected_error';

const RETRYABLE: ReadonlySet<SendErrorCode> = new Set(['smtp_transient', 'unexpected_error']);

export class SendError extends Error {
  override readonly name = 'SendError';
  readonly code: SendErrorCode;
  readonly retryable: boolean;
  /** The server's own words (credentials masked), for support. */
  readonly detail: string | undefined;
  readonly reason: DisconnectReason | undefined;
  /** Addresses the server refused, when that is the failure. */
  readonly rejected: string[];

  constructor(
    code: SendErrorCode,
    sentence: string,
    extra: { detail?: string | undefined; reason?: DisconnectReason | undefined; rejected?: string[]; cause?: unknown } = {},
  ) {
    super(sentence, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.detail = extra.detail;
    this.reason = extra.reason;
    this.rejected = extra.rejected ?? [];
  }

  /** `code: sentence (detail)`: the failed job's reason, which the CLI splits back into code and sentence. */
  toJobReason(): string {
    return `${this.code}: ${this.message}${this.detail ? ` (server said: ${this.detail})` : ''}`;
  }
}

/** Splits a failed send job's reason made by toJobReason() into code and sentence. */
export function parseSendJobReason(reason: string): { code: string; sentence: string } {
  const m = /^([a-z_]+): ([\s\S]*)$/.exec(reason);
  return m?.[1] && m[2] !== undefined ? { code: m[1], sentence: m[2] } : { code: 'send_failed', sentence: reason };
}
