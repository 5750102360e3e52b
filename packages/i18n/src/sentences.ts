// The sentence of a code in a language, placeholders filled. English answers exactly what the owning
// package's own function answers (the CLI and the worker keep using those).
import type { ApiKeyScope } from '@reply-sync/db/api-key-scopes';
import { connectFailureParts, connectFailureSentence as englishConnectFailureSentence } from '@reply-sync/mail/connect-failure';
import type { ConnectSentenceCode } from '@reply-sync/mail/connect-sentences';
import {
  disconnectSentence as englishDisconnectSentence,
  isStatusReason,
  statusReasonSentence as englishStatusReasonSentence,
} from '@reply-sync/mail/disconnect-reasons';
import type { DisconnectReason, StatusReason } from '@reply-sync/mail/disconnect-reasons';
import { isOAuthDisconnectReason, type OAuthErrorCode } from '@reply-sync/mail/oauth-error';
import type { ImapSettings, MailErrorClass } from '@reply-sync/mail';
import { pop3SentenceValues } from '@reply-sync/mail/pop3-settings';
import type { ThrottleReason } from '@reply-sync/mail/throttle-reasons';
import { REASON_SENTENCES, type ReasonCode, type SenderVerificationPolicy } from '@reply-sync/threading';
import type { AttemptErrorCode } from '@reply-sync/webhooks/attempt-errors';
import type { WebhookEventType } from '@reply-sync/webhooks/event-types';
import type { WebhookErrorCode } from '@reply-sync/webhooks/webhook-error';
import type { Language } from './languages';
import { NO_ADDRESS, SENTENCE_TABLES } from './sentence-tables';

export interface AddressContext {
  /** The inbox's email address (or username when no address is known); empty reads "this inbox". */
  address: string;
}

/** `{name}` → values[name], verbatim (a `$` in a value is not a replacement pattern). An empty value also drops the space before it. */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/ ?\{([a-z]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return value === '' ? '' : whole.startsWith(' ') ? ` ${value}` : value;
  });
}

function withAddress(template: string, lang: Language, address: string): string {
  return fillPlaceholders(template, { address: address || NO_ADDRESS[lang] });
}

export function reasonSentence(code: ReasonCode, lang: Language): string {
  return SENTENCE_TABLES.reasons[lang][code];
}

/** The sentence of a decision's stored reason code, also for a code a newer version wrote (as packages/operations' decisionSentence). */
export function decisionSentence(code: string, lang: Language): string {
  if (Object.hasOwn(REASON_SENTENCES, code)) return reasonSentence(code as ReasonCode, lang);
  return fillPlaceholders(SENTENCE_TABLES.unknownCodes[lang].reason, { code });
}

/** The sentence of an inbox's stored reason (null when it has none), also for a code a newer version wrote (as packages/operations' reasonSentenceFor). */
export function inboxReasonSentence(reason: string | null, lang: Language, context: AddressContext): string | null {
  if (!reason) return null;
  if (isStatusReason(reason)) return statusReasonSentence(reason, lang, context);
  return fillPlaceholders(SENTENCE_TABLES.unknownCodes[lang].statusReason, { code: reason });
}

export function disconnectSentence(code: DisconnectReason, lang: Language, context: AddressContext): string {
  if (lang === 'en') return englishDisconnectSentence(code, context);
  return withAddress(SENTENCE_TABLES.statusReasons[lang][code], lang, context.address);
}

/** A disconnect reason's sentence or a history-only code's (`recovered`). */
export function statusReasonSentence(code: StatusReason, lang: Language, context: AddressContext): string {
  if (lang === 'en') return englishStatusReasonSentence(code, context);
  return withAddress(SENTENCE_TABLES.statusReasons[lang][code], lang, context.address);
}

export function throttleSentence(code: ThrottleReason, lang: Language): string {
  return SENTENCE_TABLES.throttleReasons[lang][code];
}

/** What a throttled inbox's last error adds: reply-sync waits, the inbox stays connected. */
export function throttledSuffix(lang: Language): string {
  return SENTENCE_TABLES.throttledSuffix[lang].throttled;
}

export function senderVerificationSentence(policy: SenderVerificationPolicy, lang: Language): string {
  return SENTENCE_TABLES.senderVerification[lang][policy];
}

/** The sentence an OAuthError carries (its message in English), for `code` and the provider's `detail`. */
export function oauthErrorSentence(code: OAuthErrorCode, lang: Language, context: { detail: string }): string {
  if (isOAuthDisconnectReason(code)) return disconnectSentence(code, lang, { address: '' });
  return fillPlaceholders(SENTENCE_TABLES.oauthErrors[lang][code], { detail: context.detail });
}

export function apiKeyScopeSentence(scope: ApiKeyScope, lang: Language): string {
  return SENTENCE_TABLES.apiKeyScopes[lang][scope];
}

export function webhookEventSentence(type: WebhookEventType, lang: Language): string {
  return SENTENCE_TABLES.webhookEvents[lang][type];
}

export function webhookErrorSentence(code: WebhookErrorCode, lang: Language): string {
  return SENTENCE_TABLES.webhookErrors[lang][code];
}

export function attemptErrorSentence(code: AttemptErrorCode, lang: Language): string {
  return SENTENCE_TABLES.attemptErrors[lang][code];
}

/** A connect check's sentence with its values (`{server}`, `{detail}`...; see packages/mail's CONNECT_SENTENCES). */
export function connectSentence(code: ConnectSentenceCode, lang: Language, values: Readonly<Record<string, string>>): string {
  return fillPlaceholders(SENTENCE_TABLES.connectFailures[lang][code], values);
}

/** POP3 settings refused before connecting, with the IMAP server to try instead. */
export function pop3Sentence(settings: Pick<ImapSettings, 'host' | 'port'>, lang: Language): string {
  return connectSentence('pop3_settings', lang, pop3SentenceValues(settings));
}

/** TLS mode none to a server off this machine, refused before connecting. */
export function plaintextSentence(settings: Pick<ImapSettings, 'host' | 'port'>, protocol: 'IMAP' | 'SMTP', lang: Language): string {
  return connectSentence(protocol === 'IMAP' ? 'plaintext_imap' : 'plaintext_smtp', lang, { server: `${settings.host.trim()}:${settings.port}` });
}

/**
 * The sentence of a failed connect check (a MailConnectError's kind, reason, throttle and detail, and
 * the settings tried): in English exactly the error's own sentence.
 */
export function connectFailureSentence(
  cls: Pick<MailErrorClass, 'kind' | 'reason' | 'throttle' | 'detail'>,
  settings: Pick<ImapSettings, 'host' | 'port' | 'tls'>,
  address: string,
  lang: Language,
): string {
  if (lang === 'en') return englishConnectFailureSentence(cls, settings, address);
  const parts = connectFailureParts(cls, settings);
  if ('reason' in parts) return disconnectSentence(parts.reason, lang, { address });
  return connectSentence(parts.code, lang, parts.throttle ? { ...parts.values, throttle: throttleSentence(parts.throttle, lang) } : parts.values);
}
