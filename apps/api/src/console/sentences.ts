// The one door from the console to the reason and disconnect sentences, and to the choice of language.
// Today they are the English tables (packages/threading reason-codes.ts, packages/mail disconnect-reasons.ts,
// through packages/operations); at merge this file switches to packages/i18n (reasonSentence(code, lang),
// disconnectSentence(code, lang, vars), pickLanguage(setting, acceptLanguage)) and nothing else changes.
import { isStatusReason, statusReasonSentence } from '@reply-sync/mail/disconnect-reasons';
import { decisionSentence, reasonSentenceFor } from '@reply-sync/operations';
import { CONSOLE_LANGUAGES, type ConsoleLanguage } from '@reply-sync/db/console-roles';

export type Language = ConsoleLanguage;
export const LANGUAGES: readonly Language[] = CONSOLE_LANGUAGES;

/** Why a message was or was not logged (a decision's reason code). English until packages/i18n. */
export function reasonSentence(code: string, _lang: Language): string {
  return decisionSentence(code);
}

/** What an inbox's status reason means and what to do (null for none). English until packages/i18n. */
export function disconnectSentence(code: string | null, _lang: Language, vars: { address: string }): string | null {
  if (!code) return null;
  return isStatusReason(code) ? statusReasonSentence(code, vars) : reasonSentenceFor(code, vars.address);
}

/** The user's setting, else the first language of Accept-Language we have (by q), else English. */
export function pickLanguage(setting: string | null | undefined, acceptLanguage: string | undefined): Language {
  if (setting && (LANGUAGES as readonly string[]).includes(setting)) return setting as Language;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: (tag ?? '').toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.lang && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((x) => (LANGUAGES as readonly string[]).includes(x.lang))?.lang as Language | undefined) ?? 'en';
}

/** A failed connect or reconnect as our sentence: a status reason's sentence when the code is one, else the error's own. */
export function failureSentence(error: { code: string; message: string }, lang: Language, vars: { address: string }): string {
  return isStatusReason(error.code) ? statusReasonSentence(error.code, vars) : error.message;
}
