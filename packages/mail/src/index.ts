// @reply-sync/mail: connecting to IMAP/SMTP, classifying mail errors, and the disconnect reasons.
export type { ConnectOptions, CredentialKind, ImapSettings, MailCredentials, MailLogger, SmtpSettings, TlsMode } from './settings';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS } from './settings';
export {
  DISCONNECT_REASONS,
  DISCONNECT_SENTENCES,
  HISTORY_REASONS,
  STATUS_REASON_SENTENCES,
  UNKNOWN_STATUS_REASON_SENTENCE,
  disconnectSentence,
  isDisconnectReason,
  isStatusReason,
  statusReasonSentence,
} from './disconnect-reasons';
export type { DisconnectReason, HistoryReason, SentenceContext, StatusReason } from './disconnect-reasons';
export { THROTTLE_REASONS, THROTTLE_SENTENCES, THROTTLED_SUFFIX, isThrottleReason, lastErrorFor, throttleSentence } from './throttle-reasons';
export type { ThrottleReason } from './throttle-reasons';
export { classifyMailError } from './classify-error';
export type { MailErrorClass, MailErrorKind } from './classify-error';
export { MailConnectError, MailSettingsError, Pop3GreetingError } from './errors';
export { createImapClient, imapFlowOptions } from './create-imap-client';
export { gateLogin, LoginGateError } from './login-gate';
export {
  IMAP_LIMIT_ERROR_CODES,
  MAX_ATTACHMENT_BYTES,
  MAX_LINE_BYTES,
  MAX_LITERAL_BYTES,
  MAX_RESPONSE_BYTES,
  MAX_RESPONSE_TOKENS,
  base64Bytes,
} from './imap-limits';
export { createSmtpTransport, smtpTransportOptions } from './create-smtp-transport';
export { findSentMailbox, pickSentMailbox, SENT_MAILBOX_NAMES } from './find-sent-mailbox';
export type { MailboxListEntry } from './find-sent-mailbox';
export { assertNotPop3, looksLikePop3, pop3Sentence, pop3SentenceValues, suggestedImapSettings } from './pop3-settings';
export { CONNECT_SENTENCE_CODES, CONNECT_SENTENCES, connectSentence, fillSentence, type ConnectSentenceCode } from './connect-sentences';
export { connectFailureParts, connectFailureSentence, type ConnectFailureParts } from './connect-failure';
export { assertPlaintextAllowed, isLoopbackHost, isRemotePlaintext, plaintextSentence } from './plaintext-policy';
export { isPop3Greeting, readGreeting } from './probe-greeting';
export { verifyImapLogin } from './verify-imap-login';
export type { VerifyImapLoginResult, VerifyOptions } from './verify-imap-login';
export { maskSecrets } from './mask-secrets';
export * from './oauth/index';
export { locateMessage, DEFAULT_SKIP_SPECIAL_USE } from './locate-message';
export type { LocatedMessage, LocateMessageOptions } from './locate-message';
