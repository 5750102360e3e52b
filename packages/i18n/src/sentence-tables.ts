// Every closed code → sentence table support staff read, in each language: English from the table's
// own package (its one source), Dutch and Polish from nl/ and pl/. The completeness test walks this.
import { API_KEY_SCOPE_SENTENCES } from '@reply-sync/db/api-key-scopes';
import { CONNECT_SENTENCES } from '@reply-sync/mail/connect-sentences';
import { STATUS_REASON_SENTENCES, UNKNOWN_STATUS_REASON_SENTENCE } from '@reply-sync/mail/disconnect-reasons';
import { OAUTH_ERROR_SENTENCES } from '@reply-sync/mail/oauth-error';
import { THROTTLE_SENTENCES, THROTTLED_SUFFIX } from '@reply-sync/mail/throttle-reasons';
import { REASON_SENTENCES, SENDER_VERIFICATION_SENTENCES, UNKNOWN_REASON_SENTENCE } from '@reply-sync/threading';
import { ATTEMPT_ERROR_SENTENCES } from '@reply-sync/webhooks/attempt-errors';
import { WEBHOOK_EVENT_SENTENCES } from '@reply-sync/webhooks/event-types';
import { WEBHOOK_ERROR_SENTENCES } from '@reply-sync/webhooks/webhook-error';
import { EVENT_REASON_SENTENCES, TRACKING_PLAN_SENTENCES } from '@reply-sync/tracking';
import type { Language } from './languages';
import { API_KEY_SCOPE_SENTENCES_NL } from './nl/api-key-scopes';
import { ATTEMPT_ERROR_SENTENCES_NL } from './nl/attempt-errors';
import { CONNECT_SENTENCES_NL } from './nl/connect-sentences';
import { NO_ADDRESS_NL, STATUS_REASON_SENTENCES_NL } from './nl/disconnect-reasons';
import { OAUTH_ERROR_SENTENCES_NL } from './nl/oauth-errors';
import { REASON_SENTENCES_NL } from './nl/reasons';
import { SENDER_VERIFICATION_SENTENCES_NL } from './nl/sender-verification';
import { THROTTLE_SENTENCES_NL, THROTTLED_SUFFIX_NL } from './nl/throttle-reasons';
import { TRACKING_PLAN_SENTENCES_NL } from './nl/tracking-plan';
import { WEBHOOK_ERROR_SENTENCES_NL } from './nl/webhook-errors';
import { UNKNOWN_CODE_SENTENCES_NL } from './nl/unknown-codes';
import { WEBHOOK_EVENT_SENTENCES_NL } from './nl/webhook-events';
import { EVENT_REASON_SENTENCES_NL } from './nl/tracking-reasons';
import { API_KEY_SCOPE_SENTENCES_PL } from './pl/api-key-scopes';
import { ATTEMPT_ERROR_SENTENCES_PL } from './pl/attempt-errors';
import { CONNECT_SENTENCES_PL } from './pl/connect-sentences';
import { NO_ADDRESS_PL, STATUS_REASON_SENTENCES_PL } from './pl/disconnect-reasons';
import { OAUTH_ERROR_SENTENCES_PL } from './pl/oauth-errors';
import { REASON_SENTENCES_PL } from './pl/reasons';
import { SENDER_VERIFICATION_SENTENCES_PL } from './pl/sender-verification';
import { THROTTLE_SENTENCES_PL, THROTTLED_SUFFIX_PL } from './pl/throttle-reasons';
import { TRACKING_PLAN_SENTENCES_PL } from './pl/tracking-plan';
import { WEBHOOK_ERROR_SENTENCES_PL } from './pl/webhook-errors';
import { UNKNOWN_CODE_SENTENCES_PL } from './pl/unknown-codes';
import { WEBHOOK_EVENT_SENTENCES_PL } from './pl/webhook-events';
import { EVENT_REASON_SENTENCES_PL } from './pl/tracking-reasons';

type Table = Readonly<Record<string, string>>;

export const SENTENCE_TABLES = {
  /** packages/threading: why a message was or was not logged. */
  reasons: { en: REASON_SENTENCES, nl: REASON_SENTENCES_NL, pl: REASON_SENTENCES_PL },
  /** packages/mail: why an inbox is disconnected (DISCONNECT_SENTENCES), and `recovered`; `{address}`. */
  statusReasons: { en: STATUS_REASON_SENTENCES, nl: STATUS_REASON_SENTENCES_NL, pl: STATUS_REASON_SENTENCES_PL },
  /** A stored reason (decision) or status reason this version has no sentence for; `{code}`. */
  unknownCodes: {
    en: { reason: UNKNOWN_REASON_SENTENCE, statusReason: UNKNOWN_STATUS_REASON_SENTENCE },
    nl: UNKNOWN_CODE_SENTENCES_NL,
    pl: UNKNOWN_CODE_SENTENCES_PL,
  },
  /** packages/mail: why a provider holds an inbox back. */
  throttleReasons: { en: THROTTLE_SENTENCES, nl: THROTTLE_SENTENCES_NL, pl: THROTTLE_SENTENCES_PL },
  /** packages/mail: what a throttled inbox's last error adds. */
  throttledSuffix: { en: { throttled: THROTTLED_SUFFIX }, nl: { throttled: THROTTLED_SUFFIX_NL }, pl: { throttled: THROTTLED_SUFFIX_PL } },
  /** packages/mail: a connect check's refused settings or failed login, other than a disconnect reason; `{server}` etc. */
  connectFailures: { en: CONNECT_SENTENCES, nl: CONNECT_SENTENCES_NL, pl: CONNECT_SENTENCES_PL },
  /** packages/threading: the account's sender-verification policy. */
  senderVerification: { en: SENDER_VERIFICATION_SENTENCES, nl: SENDER_VERIFICATION_SENTENCES_NL, pl: SENDER_VERIFICATION_SENTENCES_PL },
  /** packages/mail: OAuth errors that do not disconnect; `{detail}`. */
  oauthErrors: { en: OAUTH_ERROR_SENTENCES, nl: OAUTH_ERROR_SENTENCES_NL, pl: OAUTH_ERROR_SENTENCES_PL },
  /** packages/db: what an API key's scope allows. */
  apiKeyScopes: { en: API_KEY_SCOPE_SENTENCES, nl: API_KEY_SCOPE_SENTENCES_NL, pl: API_KEY_SCOPE_SENTENCES_PL },
  /** packages/webhooks: the event types. */
  webhookEvents: { en: WEBHOOK_EVENT_SENTENCES, nl: WEBHOOK_EVENT_SENTENCES_NL, pl: WEBHOOK_EVENT_SENTENCES_PL },
  /** packages/webhooks: subscription errors. */
  webhookErrors: { en: WEBHOOK_ERROR_SENTENCES, nl: WEBHOOK_ERROR_SENTENCES_NL, pl: WEBHOOK_ERROR_SENTENCES_PL },
  /** packages/webhooks: why a delivery attempt failed. */
  attemptErrors: { en: ATTEMPT_ERROR_SENTENCES, nl: ATTEMPT_ERROR_SENTENCES_NL, pl: ATTEMPT_ERROR_SENTENCES_PL },
  /** packages/tracking: why an open or click is a person's or "likely automated". */
  trackingReasons: { en: EVENT_REASON_SENTENCES, nl: EVENT_REASON_SENTENCES_NL, pl: EVENT_REASON_SENTENCES_PL },
  /** packages/tracking: who a tracked send tracks, and how (planTracking). */
  trackingPlan: { en: TRACKING_PLAN_SENTENCES, nl: TRACKING_PLAN_SENTENCES_NL, pl: TRACKING_PLAN_SENTENCES_PL },
} as const satisfies Record<string, Record<Language, Table>>;

export type SentenceTableName = keyof typeof SENTENCE_TABLES;

/**
 * What `{address}` reads when no address is known. Polish sentences put the declined word "skrzynka"
 * before `{address}`, so there it is left out (see pl/disconnect-reasons.ts).
 */
export const NO_ADDRESS: Readonly<Record<Language, string>> = { en: 'this inbox', nl: NO_ADDRESS_NL, pl: NO_ADDRESS_PL };
