// The one place that maps errors from imapflow, nodemailer, Node's sockets/TLS and the OAuth clients
// onto classes the worker and the CLI act on (Twenty's temporary / auth / ... split).
//
//   auth       the credentials or the account's access are refused: disconnect, never retry in a loop
//   tls        the server's certificate cannot be trusted (always reason tls_certificate_invalid):
//              disconnect at once
//   transient  network, DNS, timeouts, server busy: back off and retry; only the caller knows when it
//              has persisted long enough to become `server_unreachable`. With `throttle` set, the
//              provider is holding the account back (throttle-reasons.ts): wait that code's backoff,
//              never disconnect, and it never counts toward `server_unreachable`
//   config     the settings cannot work (POP3 server, TLS mode that does not match the port, STARTTLS
//              not offered, another failed TLS handshake). With a reason: disconnect. Without one there is no fitting reason code;
//              treat it like transient (it surfaces as server_unreachable once it persisted) and show
//              `detail`.
//   unknown    anything else; treat like transient, log `detail`.
import { throttleOf } from './classify-throttle';
import { isDisconnectReason, type DisconnectReason } from './disconnect-reasons';
import { maskSecrets } from './mask-secrets';
import type { CredentialKind, MailCredentials } from './settings';
import { isThrottleReason, type ThrottleReason } from './throttle-reasons';

export type MailErrorKind = 'auth' | 'tls' | 'transient' | 'config' | 'unknown';

export interface MailErrorClass {
  kind: MailErrorKind;
  reason?: DisconnectReason;
  /** The server's (or OS's) own words, without any credential. */
  detail: string;
  /** Only on kind 'transient': the provider is throttling the account (and how). */
  throttle?: ThrottleReason;
  /** The server's own hint of how long to wait, when it gave one (Microsoft's "Suggested Backoff Time"). */
  retryAfterMs?: number;
}

/** Node/OpenSSL codes for a certificate the client refuses to trust. */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Network, DNS and timeout codes from Node, imapflow and nodemailer. */
const TRANSIENT_CODES = new Set([
  // Node sockets and DNS
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  // imapflow
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
  'ETHROTTLE',
  'LockTimeout',
  'ProxyError',
  'EPROXY',
  // nodemailer
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
]);

/** IMAP response codes (RFC 5530) that say "not now" rather than "not you". */
const TRANSIENT_RESPONSE_CODES = new Set(['UNAVAILABLE', 'LIMIT', 'INUSE', 'SERVERBUG', 'OVERQUOTA']);

// Providers' texts, matched on the server's words. Sources: Gmail and Microsoft 365 responses as
// reported by users of IMAP clients (mbsync, imaplib, php-imap, LiveAgent's KB for Microsoft).
const IMAP_DISABLED_PATTERNS = [
  /not enabled for IMAP/i, // Gmail: "[ALERT] Your account is not enabled for IMAP use. ..."
  /IMAP (access )?(is )?(disabled|turned off|not enabled)/i,
  /enable (your account for )?IMAP/i,
  // Not Microsoft's "User is authenticated but not connected": it also answers that to clients that
  // reconnect too often, so it is a throttle (classify-throttle.ts), whose sentence names both causes.
];
/** Gmail: the account needs an app password (2-Step Verification) or a browser sign-in. */
const GMAIL_PASSWORD_PATTERNS = [
  /Application-specific password required/i,
  /Please log in via your web browser/i,
  /Web login required/i,
  /WEBALERT/i,
];
/**
 * Microsoft Entra AADSTS50173: "The provided grant has expired due to it being revoked ... The user might
 * have changed or reset their password": the user's sessions were revoked (by an administrator, by the
 * user, or by a password reset); it does not say which.
 */
const SESSIONS_REVOKED_PATTERNS = [/AADSTS50173/];
/**
 * Office 365 SMTP AUTH turned off for the mailbox or the tenant (also with OAuth):
 * "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit
 * https://aka.ms/smtp_auth_disabled for more information." (and "... for the Mailbox ...").
 */
const SMTP_AUTH_DISABLED_PATTERNS = [/SmtpClientAuthentication is disabled/i, /aka\.ms\/smtp_auth_disabled/i];
/**
 * Microsoft 365 without basic authentication: "535 5.7.139 Authentication unsuccessful, basic
 * authentication is disabled." and, since its retirement for SMTP AUTH, "550 5.7.30 Basic authentication
 * is not supported for Client Submission." A password cannot work; OAuth can.
 */
const BASIC_AUTH_DISABLED_PATTERNS = [/basic authentication is (disabled|not supported)/i, /\b5\.7\.30\b/];
/** A scope was not granted or admin consent is required (AADSTS65001, AADSTS90094, Google invalid_scope). */
const CONSENT_PATTERNS = [/AADSTS65001/, /AADSTS90094/, /AADSTS65004/, /\binvalid_scope\b/, /insufficient_scope/i, /admin(istrator)? consent/i];

type Fields = Record<string, unknown>;

function fieldsOf(err: unknown): Fields {
  return err !== null && typeof err === 'object' ? (err as Fields) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The error itself, then its cause chain and AggregateError members (Node's happy-eyeballs). */
function errorChain(err: unknown): Fields[] {
  const out: Fields[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 10) {
    const next = queue.shift();
    if (next === null || typeof next !== 'object' || out.includes(next as Fields)) continue;
    const f = next as Fields;
    out.push(f);
    if (f.cause !== undefined) queue.push(f.cause);
    if (f._err !== undefined) queue.push(f._err);
    if (Array.isArray(f.errors)) queue.push(...f.errors);
  }
  return out;
}

/** The server's own words for the failure, without the IMAP tag. */
function serverText(f: Fields): string | undefined {
  const code = str(f.serverResponseCode);
  const text = str(f.responseText);
  if (text) return code && !text.includes(`[${code}]`) ? `[${code}] ${text}` : text;
  const response = str(f.response);
  // imapflow's response is the compiled tagged line: "3 NO [AUTHENTICATIONFAILED] Authentication failed."
  if (response) return response.replace(/^\S+\s+(NO|BAD)\s+/i, '');
  return undefined;
}

function oauthErrorText(f: Fields): string | undefined {
  const oauth = f.oauthError;
  if (oauth === undefined || oauth === null || oauth === false) return undefined;
  return typeof oauth === 'string' ? oauth : JSON.stringify(oauth);
}

/** Google (gaxios) and Microsoft (msal) OAuth errors: `invalid_grant` and friends. */
function oauthGrantError(f: Fields): { error: string; text: string } | undefined {
  const data = fieldsOf(fieldsOf(f.response).data);
  const gaxiosError = str(data.error);
  if (gaxiosError) {
    return { error: gaxiosError, text: [gaxiosError, str(data.error_description)].filter(Boolean).join(': ') };
  }
  const msalCode = str(f.errorCode);
  if (msalCode && (str(f.errorMessage) !== undefined || str(f.subError) !== undefined || str(f.correlationId) !== undefined)) {
    return { error: msalCode, text: [msalCode, str(f.errorMessage) ?? str(f.message)].filter(Boolean).join(': ') };
  }
  return undefined;
}

function detailFor(f: Fields, extra?: string): string {
  const code = str(f.code);
  const message = str(f.message) ?? String(f);
  let base = serverText(f) ?? (code && !message.includes(code) ? `${code}: ${message}` : message);
  // imapflow's words for a server that hung up with a BYE: the BYE's text.
  const reason = str(f.reason);
  if (reason && !base.includes(reason)) base = `${base} (${reason})`;
  return extra ? `${base} ${extra}` : base;
}

function authReason(text: string, credentialKind: CredentialKind | undefined, f: Fields): DisconnectReason {
  if (IMAP_DISABLED_PATTERNS.some((p) => p.test(text))) return 'imap_disabled';
  if (SMTP_AUTH_DISABLED_PATTERNS.some((p) => p.test(text))) return 'smtp_auth_disabled';
  if (BASIC_AUTH_DISABLED_PATTERNS.some((p) => p.test(text))) return 'basic_auth_disabled';
  if (SESSIONS_REVOKED_PATTERNS.some((p) => p.test(text))) return 'sessions_revoked';
  if (CONSENT_PATTERNS.some((p) => p.test(text))) return 'consent_missing';
  const oauth = fieldsOf(f.oauthError);
  const oauthStatus = String(oauth.status ?? '');
  if (oauthStatus === 'insufficient_scope' || oauthStatus === '403') return 'consent_missing';
  if (credentialKind === 'oauth2' || f.oauthError) return 'oauth_revoked';
  return 'password_rejected';
}

/**
 * Classifies a mail error. Pass the credentials (or just their kind) the attempt used: a refused
 * XOAUTH2 login is `oauth_revoked`, a refused password `password_rejected`; full credentials are
 * also masked out of `detail`.
 */
export function classifyMailError(err: unknown, credentials?: CredentialKind | MailCredentials): MailErrorClass {
  const credentialKind = typeof credentials === 'string' ? credentials : credentials?.kind;
  const secrets = typeof credentials === 'object' ? credentials : undefined;
  const result = classify(err, credentialKind);
  return { ...result, detail: maskSecrets(result.detail, secrets) };
}

function classify(err: unknown, credentialKind: CredentialKind | undefined): MailErrorClass {
  const top = fieldsOf(err);
  const chain = errorChain(err);

  // 1. Errors this package raised, already classified.
  if (top.name === 'MailSettingsError' || top.name === 'MailConnectError') {
    const reason = isDisconnectReason(top.reason) ? top.reason : undefined;
    const kind = (str(top.kind) ?? 'unknown') as MailErrorKind;
    const throttle = isThrottleReason(top.throttle) ? { throttle: top.throttle } : {};
    return { kind, ...(reason ? { reason } : {}), ...throttle, detail: str(top.detail) ?? detailFor(top) };
  }
  const pop3 = chain.find((f) => f.code === 'POP3_GREETING' || /^\+OK\b/.test(str(f.greeting) ?? str(f.response) ?? ''));
  if (pop3) {
    return { kind: 'config', reason: 'pop3_not_supported', detail: str(pop3.greeting) ?? detailFor(pop3) };
  }

  // 2. OAuth token endpoints (google-auth-library / msal-node): invalid_grant and scope errors.
  for (const f of chain) {
    const grant = oauthGrantError(f);
    if (!grant) continue;
    const text = `${grant.text} ${str(f.message) ?? ''} ${f.errorNo === '50173' ? 'AADSTS50173' : ''}`;
    if (SESSIONS_REVOKED_PATTERNS.some((p) => p.test(text))) return { kind: 'auth', reason: 'sessions_revoked', detail: grant.text };
    if (CONSENT_PATTERNS.some((p) => p.test(text)) || grant.error === 'consent_required') {
      return { kind: 'auth', reason: 'consent_missing', detail: grant.text };
    }
    if (grant.error === 'invalid_grant' || grant.error === 'interaction_required' || grant.error === 'unauthorized_client') {
      return { kind: 'auth', reason: 'oauth_revoked', detail: grant.text };
    }
  }

  // 3. The mail server holds the account back (throttling: before a refused login, since Gmail's "Too
  // many simultaneous connections" comes as a failed LOGIN), or refused the login.
  for (const f of chain) {
    const responseCode = str(f.serverResponseCode)?.toUpperCase();
    const text = [serverText(f), str(f.message), str(f.reason)].filter(Boolean).join(' ');
    const throttled = throttleOf(f, text);
    if (throttled) return { kind: 'transient', ...throttled, detail: detailFor(f) };
    const refused = f.authenticationFailed === true || responseCode === 'AUTHENTICATIONFAILED' || responseCode === 'AUTHORIZATIONFAILED' || responseCode === 'EXPIRED';
    if (responseCode && TRANSIENT_RESPONSE_CODES.has(responseCode)) {
      return { kind: 'transient', detail: detailFor(f) };
    }
    if (IMAP_DISABLED_PATTERNS.some((p) => p.test(text))) {
      return { kind: 'auth', reason: 'imap_disabled', detail: detailFor(f) };
    }
    if (responseCode === 'PRIVACYREQUIRED') {
      return { kind: 'config', detail: detailFor(f) };
    }
    if (refused || GMAIL_PASSWORD_PATTERNS.some((p) => p.test(text))) {
      return { kind: 'auth', reason: authReason(text, credentialKind, f), detail: detailFor(f, oauthErrorText(f)) };
    }
    // nodemailer: EAUTH with 535 (bad credentials); 454 4.7.0 is "try again later".
    if (f.code === 'EAUTH') {
      if (f.responseCode === 454 || /^4\d\d/.test(str(f.response) ?? '')) return { kind: 'transient', detail: detailFor(f) };
      return { kind: 'auth', reason: authReason(text, credentialKind, f), detail: detailFor(f) };
    }
  }

  // 4. TLS: an untrusted certificate is its own reason; other handshake failures are settings.
  for (const f of chain) {
    const code = str(f.code) ?? '';
    if (CERTIFICATE_CODES.has(code) || /certificate (has expired|is not yet valid)|self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|Hostname\/IP does not match certificate/i.test(str(f.message) ?? '')) {
      return { kind: 'tls', reason: 'tls_certificate_invalid', detail: detailFor(f) };
    }
  }
  for (const f of chain) {
    const code = str(f.code) ?? '';
    const message = str(f.message) ?? '';
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message)) {
      return { kind: 'config', detail: `${detailFor(f)} (the port does not speak implicit TLS; try STARTTLS, or the TLS port)` };
    }
    if (/STARTTLS/i.test(message) && (f.tlsFailed === true || /not (support|offer)/i.test(message))) {
      return { kind: 'config', detail: detailFor(f) };
    }
  }

  // 5. Network, DNS, timeouts, a dropped session.
  for (const f of chain) {
    const code = str(f.code) ?? '';
    if (TRANSIENT_CODES.has(code)) return { kind: 'transient', detail: detailFor(f) };
  }
  // Any other failed handshake (protocol or cipher mismatch): the settings, not the certificate.
  for (const f of chain) {
    if (f.tlsFailed === true || (str(f.code) ?? '').startsWith('ERR_SSL_')) return { kind: 'config', detail: detailFor(f) };
  }

  return { kind: 'unknown', detail: typeof err === 'object' && err !== null ? detailFor(top) : String(err) };
}
