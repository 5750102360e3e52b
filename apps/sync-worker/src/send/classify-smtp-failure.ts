// The one place SMTP outcomes become send errors: nodemailer's error (or an `info` with refused
// recipients) → rejected (never retried), auth/tls (disconnect the inbox, like IMAP), transient
// (retry), or uncertain (the server may have the message: never sent again).
import { classifyMailError, disconnectSentence, type CredentialKind, type DisconnectReason, type MailCredentials } from '@reply-sync/mail';

export type SmtpFailureKind = 'rejected_recipients' | 'rejected_message' | 'auth' | 'tls' | 'transient' | 'uncertain';

export interface SmtpFailure {
  kind: SmtpFailureKind;
  reason?: DisconnectReason;
  /** The server's words, credentials masked. */
  detail: string;
  /** Refused recipients (rejected_recipients). */
  rejected: string[];
}

type Fields = Record<string, unknown>;

const fieldsOf = (e: unknown): Fields => (e !== null && typeof e === 'object' ? (e as Fields) : {});
const responseCodeOf = (f: Fields): number | undefined => (typeof f.responseCode === 'number' ? f.responseCode : undefined);

function recipientsOf(f: Fields): string[] {
  const list = f.rejected;
  return Array.isArray(list) ? list.map((r) => String(r)) : [];
}

/** Codes (ours or the OS's) that mean the connection never got as far as the SMTP dialogue. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EDNS']);
/** nodemailer's words for a server that never greeted (connect or greeting timeout). */
const NEVER_GREETED = /Connection timeout|Greeting never received|Connection closed unexpectedly.*greeting/i;

/**
 * Classifies a failed sendMail. A reply code says what the server decided. Without one, a connection
 * that was never established is `transient`; one that broke mid-dialogue is `uncertain`: nodemailer
 * does not say whether the message had been handed over, and the server may have queued it with the
 * final "250" lost, so it is never sent again (at most once, see README.md).
 */
export function classifySmtpFailure(err: unknown, credentials: CredentialKind | MailCredentials): SmtpFailure {
  const f = fieldsOf(err);
  const code = typeof f.code === 'string' ? f.code : '';
  const responseCode = responseCodeOf(f);
  const cls = classifyMailError(err, credentials);
  const detail = cls.detail;

  // 1. The server answered with a reply code: 5xx is final, 4xx is "later" (auth is its own case).
  if (code === 'EAUTH' || cls.kind === 'auth') {
    if (cls.kind === 'transient') return { kind: 'transient', detail, rejected: [] };
    return { kind: 'auth', reason: cls.reason ?? 'password_rejected', detail, rejected: [] };
  }
  if (responseCode !== undefined && responseCode >= 500) {
    if (code === 'EENVELOPE' && f.command === 'RCPT TO') return { kind: 'rejected_recipients', detail, rejected: recipientsOf(f) };
    return { kind: 'rejected_message', detail, rejected: [] };
  }
  if (responseCode !== undefined && responseCode >= 400) return { kind: 'transient', detail, rejected: [] };
  // nodemailer's own refusals before talking to the server (no recipients, invalid address, empty message)
  if ((code === 'EENVELOPE' || code === 'EMESSAGE') && f.command === 'API') return { kind: 'rejected_message', detail, rejected: [] };

  // 2. No reply code: the connection, TLS or the network.
  if (cls.kind === 'tls') return { kind: 'tls', reason: cls.reason ?? 'tls_certificate_invalid', detail, rejected: [] };
  const original = typeof f.originalCode === 'string' ? f.originalCode : '';
  const message = typeof f.message === 'string' ? f.message : '';
  if (NEVER_CONNECTED.has(code) || NEVER_CONNECTED.has(original) || NEVER_GREETED.test(message)) return { kind: 'transient', detail, rejected: [] };
  if (cls.kind === 'config') return { kind: 'transient', detail, rejected: [] };
  return { kind: 'uncertain', detail, rejected: [] };
}

/** The user-facing sentence for a failure (the disconnect reasons reuse IMAP's sentences). */
export function smtpFailureSentence(failure: SmtpFailure, address: string): string {
  switch (failure.kind) {
    case 'rejected_recipients':
      return failure.rejected.length > 0
        ? `The mail server of ${address} refused the recipient${failure.rejected.length > 1 ? 's' : ''} ${failure.rejected.join(', ')}; nothing was sent. Check the address${failure.rejected.length > 1 ? 'es' : ''} and send again.`
        : `The mail server of ${address} refused every recipient; nothing was sent. Check the addresses and send again.`;
    case 'rejected_message':
      return `The mail server of ${address} refused the message (for example the sender address is not allowed for this login, or the message is too large); nothing was sent.`;
    case 'auth':
    case 'tls':
      return disconnectSentence(failure.reason ?? (failure.kind === 'tls' ? 'tls_certificate_invalid' : 'password_rejected'), { address });
    case 'transient':
      return `The mail server of ${address} could not take the message right now; it will be tried again.`;
    case 'uncertain':
      return `The connection to the mail server of ${address} broke after the message was handed over, so it may or may not have been sent; it is not sent again, to avoid a duplicate. Check the recipient's copy before sending again with a new key.`;
  }
}
