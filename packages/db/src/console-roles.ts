// The console users' roles and languages: constants only (the CLI's command definitions load this for --help).
/** support reads statuses, decisions and explain, never bodies; admin everything, connecting inboxes included. */
export const CONSOLE_ROLES = ['support', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];
/** The console's languages; a user without a setting gets the browser's Accept-Language. */
export const CONSOLE_LANGUAGES = ['en', 'nl', 'pl'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];
