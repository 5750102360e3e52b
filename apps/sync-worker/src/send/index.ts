// Sending from the CRM: the send job (SMTP, the logged email, the Sent copy) and its queue worker.
export { sendEmail, PROVIDERS_FILING_SENT, DEFAULT_SEND_TIMEOUTS, type SendDeps, type SendLogger, type SendTimeouts } from './send-email';
export { loadSend, type LoadedSend } from './load-send';
export { parseRecipients, type Recipient, type SendRecipients } from './parse-recipients';
export { startSendWorker, type StartSendWorkerOptions, type RunningSendWorker } from './send-worker';
export { SendError, parseSendJobReason, type SendErrorCode } from './send-error';
export { classifySmtpFailure, smtpFailureSentence, type SmtpFailure, type SmtpFailureKind } from './classify-smtp-failure';
export { buildMessage, sendMessageId } from './build-message';
export { appendSentCopy, type SentCopyOutcome } from './sent-copy';
export { createRecipientContacts } from './recipient-contacts';
export { oauthCredentials, type AccessTokenProvider } from './oauth-credentials';
