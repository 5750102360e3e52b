// The public face of @reply-sync/threading: pure Message-ID, header and decision logic, no I/O.
export * from './types';
export * from './reason-codes';
export { normalizeMessageId, parseMessageIdList, formatMessageId } from './parse-message-id-list';
export { threadCandidates, findThread, DEFAULT_MAX_CANDIDATES } from './thread-candidates';
export { batchLookupKeys, decideBatch, decideMessages, type BatchLookupKeys, type BatchLookups, type BatchMessage } from './decide-batch';
export { parseHeaderBlock, firstHeader } from './parse-header-block';
export { parseAddressList } from './parse-address-list';
export { normalizeAddress, normalizeDomain } from './normalize-address';
export { decodeHeaderValue, MAX_CACHED_DECODERS } from './decode-header-value';
export { toStorableText, toIdentifierText } from './storable-text';
export { stripComments } from './strip-comments';
export * from './header-caps';
export {
  messageFactsFromHeaders,
  HEADER_FIELDS_FOR_SCAN,
  HEADER_FIELDS_TO_MATCH,
  HEADER_FIELDS_AFTER_THREAD,
  RULE_HEADER_FIELDS,
  MAX_REFERENCES,
  MAX_AUTHENTICATION_RESULTS,
  type MessagePlace,
} from './message-facts-from-headers';
export { decide, MAX_DETAIL_LENGTH } from './decide';
export { bounceSignal } from './detect-bounce';
export { autoReplySignal } from './detect-auto-reply';
export { matchNeverLog } from './match-never-log';
export {
  parseAuthenticationResults,
  MAX_AUTHENTICATION_RESULTS_CHARS,
  type AuthResult,
  type ParsedAuthenticationResults,
} from './parse-authentication-results';
export {
  verifySender,
  senderVerificationOf,
  normalizeAuthservId,
  defaultTrustedAuthservIds,
  DEFAULT_TRUSTED_AUTHSERV_IDS,
  NO_AUTHSERV_ID,
  SENDER_VERIFICATION_POLICIES,
  SENDER_VERIFICATION_SENTENCES,
  type SenderVerification,
  type SenderVerificationPolicy,
  type VerifySenderInput,
} from './sender-verification';
export {
  decideBcc,
  checkLogger,
  pickOwner,
  OWNER_RULES,
  type OwnerRule,
  type SenderCandidate,
  type BccFacts,
  type BccContext,
  type BccDecision,
  type BccOwner,
  type BccRecipient,
  type SkippedRecipientWhy,
  type LoggerContext,
} from './decide-bcc';
export { decideForward, type ForwardReading, type ForwardFacts, type ForwardContext, type ForwardDecision } from './decide-forward';
export { subjectKey } from './subject-key';
export { parseQuotedDate, dateOffsetMinutes, MAX_QUOTED_DATE_LENGTH, type QuotedDate } from './parse-quoted-date';
