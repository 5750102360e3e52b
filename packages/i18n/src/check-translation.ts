// What is wrong with a translation of one English sentence, as the completeness test (and any later
// table, such as the console's page strings) checks it: empty, a forgotten copy of the English, a
// dropped placeholder or product term, or a run of English words left untranslated.

/**
 * Words that stay the same in every language: protocol and product names, folder names, the CLI's
 * values. A translation must keep each one its English sentence has, and they never count as copied.
 */
export const SAME_IN_EVERY_LANGUAGE = [
  'INBOX',
  'Junk',
  'Spam',
  'IMAP',
  'SMTP AUTH',
  'SMTP',
  'POP3',
  'OAuth',
  'TLS',
  'DMARC',
  'DKIM',
  'DNS',
  'URL',
  'CRM',
  'In-Reply-To',
  'References',
  'Gmail',
  'Microsoft 365',
  'Office 365',
  'Microsoft',
  'reply-sync',
  '[THROTTLED]',
  'starttls',
  'STARTTLS',
  '--allow-plaintext',
  'http://',
  'https://',
  '2xx',
  '50 MB',
  '993',
] as const;

/** A run of this many English words found in a translation means part of it was left in English. */
export const COPIED_RUN_WORDS = 4;

const PLACEHOLDER = /\{[a-z]+\}/g;
const CODE_SPAN = /`[^`]+`/g;
const SERVER_WORDS = /"[^"]+"/g;
const IDENTIFIER = /\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?:=[a-z]+)?/g;

/** The parts of an English sentence a translation must carry unchanged. */
export function keptVerbatim(english: string): string[] {
  const found = [
    ...(english.match(PLACEHOLDER) ?? []),
    ...(english.match(CODE_SPAN) ?? []),
    ...(english.match(SERVER_WORDS) ?? []),
    ...(english.match(IDENTIFIER) ?? []),
    ...SAME_IN_EVERY_LANGUAGE.filter((term) => english.includes(term)),
  ];
  return [...new Set(found)];
}

/** The problems of `translation` as a translation of `english`; empty when there are none. */
export function translationProblems(english: string, translation: string | undefined): string[] {
  if (typeof translation !== 'string' || translation.trim() === '') return ['missing'];
  if (translation.trim() === english.trim()) return ['identical to the English'];
  const problems: string[] = [];
  for (const kept of keptVerbatim(english)) {
    if (!translation.includes(kept) && !translation.includes(polishQuoted(kept))) problems.push(`drops ${kept}`);
  }
  for (const extra of translation.match(PLACEHOLDER) ?? []) {
    if (!english.includes(extra)) problems.push(`adds ${extra}, which the English does not fill in`);
  }
  const run = copiedRun(english, translation);
  if (run) problems.push(`leaves "${run}" in English`);
  return problems;
}

/** "server's words" may also be quoted „the Polish way”. */
function polishQuoted(kept: string): string {
  return kept.startsWith('"') ? `„${kept.slice(1, -1)}”` : kept;
}

function words(text: string, kept: readonly string[]): string[] {
  let rest = text;
  for (const k of kept) rest = rest.replaceAll(k, ' ');
  return rest.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** The first run of COPIED_RUN_WORDS English words (product terms aside) the translation repeats. */
function copiedRun(english: string, translation: string): string | null {
  const kept = [...keptVerbatim(english)].sort((a, b) => b.length - a.length);
  const en = words(english, kept);
  const theirs = ` ${words(translation, kept).join(' ')} `;
  for (let i = 0; i + COPIED_RUN_WORDS <= en.length; i++) {
    const run = en.slice(i, i + COPIED_RUN_WORDS).join(' ');
    if (theirs.includes(` ${run} `)) return run;
  }
  return null;
}
