// Every code of every support-facing table has a sentence in every language, and each translation
// keeps what must stay (placeholders, product terms, the CLI's words, the server's own words) and is
// not a forgotten copy of the English.
import { describe, expect, it } from 'vitest';
import { CONNECT_SENTENCE_CODES } from '@reply-sync/mail/connect-sentences';
import { DISCONNECT_REASONS, HISTORY_REASONS } from '@reply-sync/mail/disconnect-reasons';
import { THROTTLE_REASONS } from '@reply-sync/mail/throttle-reasons';
import { SENDER_VERIFICATION_POLICIES, SKIP_REASONS_IN_ORDER } from '@reply-sync/threading';
import { API_KEY_SCOPES } from '@reply-sync/db/api-key-scopes';
import { ATTEMPT_ERROR_CODES } from '@reply-sync/webhooks/attempt-errors';
import { WEBHOOK_EVENT_TYPES } from '@reply-sync/webhooks/event-types';
import { WEBHOOK_ERROR_CODES } from '@reply-sync/webhooks/webhook-error';
import { TRACKING_PLAN_REASONS } from '@reply-sync/tracking';
import { LANGUAGES, SENTENCE_TABLES, translationProblems, type SentenceTableName } from '../src/index';

const TRANSLATIONS = LANGUAGES.filter((l) => l !== 'en');
const TABLE_NAMES = Object.keys(SENTENCE_TABLES) as SentenceTableName[];

function table(name: SentenceTableName, lang: (typeof LANGUAGES)[number]): Readonly<Record<string, string>> {
  return SENTENCE_TABLES[name][lang];
}

describe('every table in every language', () => {
  it.each(TABLE_NAMES)('%s: each English code has a sentence in each language, and no language has a code English lacks', (name) => {
    const codes = Object.keys(table(name, 'en')).sort();
    expect(codes.length).toBeGreaterThan(0);
    for (const lang of LANGUAGES) {
      const sentences = table(name, lang);
      expect(Object.keys(sentences).sort(), `${name} in ${lang}`).toEqual(codes);
      for (const code of codes) expect(sentences[code]?.trim(), `${name}.${code} in ${lang}`).toBeTruthy();
    }
  });

  it("the tables' English holds every code its package declares (none forgotten in a table)", () => {
    const keys = (name: SentenceTableName) => Object.keys(table(name, 'en')).sort();
    expect(keys('reasons')).toEqual(expect.arrayContaining([...SKIP_REASONS_IN_ORDER, 'malformed', 'logged', 'logged_without_attachments']));
    expect(keys('statusReasons')).toEqual([...DISCONNECT_REASONS, ...HISTORY_REASONS].sort());
    expect(keys('throttleReasons')).toEqual([...THROTTLE_REASONS].sort());
    expect(keys('connectFailures')).toEqual([...CONNECT_SENTENCE_CODES].sort());
    expect(keys('senderVerification')).toEqual([...SENDER_VERIFICATION_POLICIES].sort());
    expect(keys('unknownCodes')).toEqual(['reason', 'statusReason']);
    expect(keys('oauthErrors')).toEqual(['config', 'transient']);
    expect(keys('apiKeyScopes')).toEqual([...API_KEY_SCOPES].sort());
    expect(keys('webhookEvents')).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(keys('webhookErrors')).toEqual([...WEBHOOK_ERROR_CODES].sort());
    expect(keys('attemptErrors')).toEqual([...ATTEMPT_ERROR_CODES].sort());
    expect(keys('trackingPlan')).toEqual([...TRACKING_PLAN_REASONS].sort());
  });
});

describe('each translation', () => {
  const cases = TABLE_NAMES.flatMap((name) =>
    TRANSLATIONS.flatMap((lang) => Object.keys(table(name, 'en')).map((code) => [`${name}.${code}`, lang, name, code] as const)),
  );

  it.each(cases)('%s in %s keeps the placeholders and product terms and is not a copy of the English', (_label, lang, name, code) => {
    const english = table(name, 'en')[code] ?? '';
    expect(translationProblems(english, table(name, lang)[code])).toEqual([]);
  });

  it('Polish puts a form of "skrzynka" before every {address}, so an unknown address can be left out', () => {
    for (const [code, sentence] of Object.entries(SENTENCE_TABLES.statusReasons.pl)) {
      const before = [...sentence.matchAll(/(\S+) \{address\}/g)].map((m) => m[1]);
      expect(before.length, code).toBeGreaterThan(0);
      for (const word of before) expect(word, code).toMatch(/^skrzyn/);
    }
  });
});

describe('the checks themselves', () => {
  const english = 'The mail server rejected the password for {address}; reconnect with `--provider office365` ("Request is throttled").';
  const good = 'De mailserver heeft het wachtwoord voor {address} geweigerd; verbind opnieuw met `--provider office365` ("Request is throttled").';

  it('pass a real translation', () => {
    expect(translationProblems(english, good)).toEqual([]);
  });

  it('catch a missing, empty or copied sentence', () => {
    expect(translationProblems(english, undefined)).toEqual(['missing']);
    expect(translationProblems(english, '  ')).toEqual(['missing']);
    expect(translationProblems(english, english)).toEqual(['identical to the English']);
  });

  it('catch a dropped or invented placeholder, a dropped CLI option, product term or server quote', () => {
    expect(translationProblems(english, good.replace('{address}', 'het adres'))).toEqual(['drops {address}']);
    expect(translationProblems(english, `${good} {detail}`)).toEqual(['adds {detail}, which the English does not fill in']);
    expect(translationProblems(english, good.replace('`--provider office365`', 'de Office-provider'))).toEqual(['drops `--provider office365`']);
    expect(translationProblems(english, good.replace('"Request is throttled"', '"Verzoek beperkt"'))).toEqual(['drops "Request is throttled"']);
    expect(translationProblems('Only replies in the INBOX are logged.', 'Alleen antwoorden in de inbox worden gelogd.')).toEqual(['drops INBOX']);
  });

  it('catch part of a sentence left in English, but not product terms the languages share', () => {
    expect(translationProblems(english, 'De mailserver rejected the password for {address}; verbind opnieuw met `--provider office365` ("Request is throttled").')).toEqual([
      'leaves "rejected the password for" in English',
    ]);
    expect(translationProblems('Microsoft 365 admin: IMAP SMTP OAuth INBOX.', 'Microsoft 365-beheerder: IMAP SMTP OAuth INBOX.')).toEqual([]);
  });
});
