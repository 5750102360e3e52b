// @reply-sync/i18n: the language a user reads (pickLanguage) and every support-facing sentence table in
// English, Dutch and Polish. English stays in each table's own package; this package adds the others.
export { DEFAULT_LANGUAGE, LANGUAGES, isLanguage, type Language, type Translation } from './languages';
export { MAX_ACCEPT_LANGUAGE_CHARS, MAX_LANGUAGE_RANGES, pickLanguage } from './pick-language';
export { COPIED_RUN_WORDS, SAME_IN_EVERY_LANGUAGE, keptVerbatim, translationProblems } from './check-translation';
export { NO_ADDRESS, SENTENCE_TABLES, type SentenceTableName } from './sentence-tables';
export {
  apiKeyScopeSentence,
  attemptErrorSentence,
  connectFailureSentence,
  connectSentence,
  decisionSentence,
  disconnectSentence,
  fillPlaceholders,
  inboxReasonSentence,
  oauthErrorSentence,
  plaintextSentence,
  pop3Sentence,
  reasonSentence,
  senderVerificationSentence,
  statusReasonSentence,
  throttledSuffix,
  throttleSentence,
  webhookErrorSentence,
  webhookEventSentence,
  type AddressContext,
} from './sentences';
