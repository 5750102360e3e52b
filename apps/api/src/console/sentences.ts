// The one door from the console to the reason and disconnect sentences, and to the choice of language:
// packages/i18n's tables (English, Dutch, Polish), so a Dutch support person reads a disconnect's reason
// in Dutch.
import { isStatusReason } from '@reply-sync/mail/disconnect-reasons';
import { decisionSentence, inboxReasonSentence, pickLanguage as pickI18nLanguage, SENTENCE_TABLES, statusReasonSentence } from '@reply-sync/i18n';
import { CONSOLE_LANGUAGES, type ConsoleLanguage } from '@reply-sync/db/console-roles';

export type Language = ConsoleLanguage;
export const LANGUAGES: readonly Language[] = CONSOLE_LANGUAGES;

/** Why a message was or was not logged (a decision's reason code, also one a newer version wrote). */
export function reasonSentence(code: string, lang: Language): string {
  return decisionSentence(code, lang);
}

/** What an inbox's status reason means and what to do (null for none). */
export function disconnectSentence(code: string | null, lang: Language, vars: { address: string }): string | null {
  return inboxReasonSentence(code, lang, vars);
}

/** The user's setting, else the best language of Accept-Language we have (by q), else English. */
export function pickLanguage(setting: string | null | undefined, acceptLanguage: string | undefined): Language {
  return pickI18nLanguage(setting, acceptLanguage);
}

/** A failed connect or reconnect as our sentence: a status reason's sentence when the code is one, else the error's own. */
export function failureSentence(error: { code: string; message: string }, lang: Language, vars: { address: string }): string {
  return isStatusReason(error.code) ? statusReasonSentence(error.code, lang, vars) : error.message;
}

/** Why an open or click is a person's or likely automated (a tracking event's reason code). */
export function trackingReasonSentence(code: string, lang: Language): string {
  const table: Readonly<Record<string, string>> = SENTENCE_TABLES.trackingReasons[lang];
  return table[code] ?? code;
}
