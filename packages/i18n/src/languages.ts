// The languages support staff read reply-sync in: those of the documentation our users already read.
export const LANGUAGES = ['en', 'nl', 'pl'] as const;

export type Language = (typeof LANGUAGES)[number];

/** The languages with a table of their own beside packages' English ones. */
export type Translation = Exclude<Language, 'en'>;

export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
