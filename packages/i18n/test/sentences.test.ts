// The sentence functions: English is exactly what the owning packages say today; Dutch and Polish fill
// in the inbox's address (verbatim) or read naturally without one.
import { describe, expect, it } from 'vitest';
import { connectFailureSentence as englishConnectFailureSentence } from '@reply-sync/mail/connect-failure';
import { CONNECT_SENTENCE_CODES } from '@reply-sync/mail/connect-sentences';
import * as mail from '@reply-sync/mail/disconnect-reasons';
import { plaintextSentence as englishPlaintextSentence, pop3Sentence as englishPop3Sentence } from '@reply-sync/mail';
import { OAuthError, type OAuthErrorCode } from '@reply-sync/mail/oauth-error';
import { THROTTLE_REASONS, THROTTLED_SUFFIX, throttleSentence as englishThrottleSentence } from '@reply-sync/mail/throttle-reasons';
import * as threading from '@reply-sync/threading';
import {
  LANGUAGES,
  SENTENCE_TABLES,
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
} from '../src/index';

const STATUS_REASONS = [...mail.DISCONNECT_REASONS, ...mail.HISTORY_REASONS];

describe('English', () => {
  it("is the owning package's own sentence for every code", () => {
    for (const code of Object.keys(threading.REASON_SENTENCES) as threading.ReasonCode[]) {
      expect(reasonSentence(code, 'en')).toBe(threading.reasonSentence(code));
    }
    for (const code of STATUS_REASONS) {
      for (const address of ['ana@example.com', '']) {
        expect(statusReasonSentence(code, 'en', { address })).toBe(mail.statusReasonSentence(code, { address }));
      }
    }
    for (const code of mail.DISCONNECT_REASONS) {
      expect(disconnectSentence(code, 'en', { address: 'ana@example.com' })).toBe(mail.disconnectSentence(code, { address: 'ana@example.com' }));
    }
    for (const code of THROTTLE_REASONS) expect(throttleSentence(code, 'en')).toBe(englishThrottleSentence(code));
    expect(throttledSuffix('en')).toBe(THROTTLED_SUFFIX);
    expect(senderVerificationSentence('require', 'en')).toBe('replies whose sender is not verified are not logged (reason sender_unverified)');
  });

  it("is an OAuthError's own message for each of its codes", () => {
    const codes: OAuthErrorCode[] = ['oauth_revoked', 'sessions_revoked', 'consent_missing', 'transient', 'config'];
    for (const code of codes) {
      const detail = 'invalid_grant: Token has been expired or revoked. $& $1';
      expect(oauthErrorSentence(code, 'en', { detail })).toBe(new OAuthError(code, detail).message);
    }
    expect(new OAuthError('transient', 'ETIMEDOUT').message).toBe(
      "The provider's sign-in service could not be reached or failed for now (ETIMEDOUT); the token is refreshed again later.",
    );
  });
});

describe('Dutch and Polish', () => {
  it('name the inbox by its address in every status sentence, and leave no placeholder', () => {
    for (const lang of ['nl', 'pl'] as const) {
      for (const code of STATUS_REASONS) {
        const sentence = statusReasonSentence(code, lang, { address: 'ana@example.com' });
        expect(sentence, `${code} in ${lang}`).toContain('ana@example.com');
        expect(sentence).not.toMatch(/[{}]/);
      }
    }
    expect(disconnectSentence('password_rejected', 'nl', { address: 'ana@example.com' })).toBe(
      'De mailserver heeft het wachtwoord voor ana@example.com geweigerd; het is waarschijnlijk gewijzigd. Koppel de inbox opnieuw met het nieuwe wachtwoord.',
    );
    expect(disconnectSentence('password_rejected', 'pl', { address: 'ana@example.com' })).toBe(
      'Serwer poczty odrzucił hasło do skrzynki ana@example.com; prawdopodobnie zostało zmienione. Podłącz skrzynkę ponownie, podając nowe hasło.',
    );
  });

  it('read naturally without an address: "deze inbox" in Dutch, just "skrzynka" in Polish', () => {
    expect(disconnectSentence('imap_disabled', 'nl', { address: '' })).toMatch(/^IMAP-toegang staat uit voor deze inbox;/);
    expect(disconnectSentence('password_rejected', 'pl', { address: '' })).toMatch(/^Serwer poczty odrzucił hasło do skrzynki; /);
    for (const code of STATUS_REASONS) {
      const sentence = statusReasonSentence(code, 'pl', { address: '' });
      expect(sentence, code).not.toMatch(/ {2}| [;:,.]|[{}]/);
    }
  });

  it('put an address in verbatim, even one with replacement patterns in it', () => {
    const address = "o'brien$&$1@example.com";
    for (const lang of ['nl', 'pl'] as const) expect(disconnectSentence('oauth_revoked', lang, { address })).toContain(address);
    expect(fillPlaceholders('a {detail} b', { detail: '$`x' })).toBe('a $`x b');
    expect(fillPlaceholders('a {other} b', { detail: 'x' })).toBe('a {other} b');
  });

  it("fill in the provider's text of an OAuth error and use the disconnect sentence for a revoked grant", () => {
    expect(oauthErrorSentence('config', 'nl', { detail: 'invalid_client' })).toBe(
      'De provider heeft de OAuth-clientinstellingen geweigerd (invalid_client); controleer de client-id, het clientgeheim en de endpoints in de configuratie.',
    );
    expect(oauthErrorSentence('oauth_revoked', 'pl', { detail: 'invalid_grant' })).toBe(statusReasonSentence('oauth_revoked', 'pl', { address: '' }));
  });

  it('differ from the English in every table (the functions read the language asked for)', () => {
    for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
      expect(reasonSentence('not_in_inbox', lang)).not.toBe(reasonSentence('not_in_inbox', 'en'));
      expect(throttleSentence('gmail_throttled', lang)).toBe(SENTENCE_TABLES.throttleReasons[lang].gmail_throttled);
    }
    expect(reasonSentence('not_in_inbox', 'pl')).toContain('INBOX');
  });
});

describe('connect checks', () => {
  const settings = { host: 'mail.example.com', port: 993, tls: 'tls' as const };
  const failures = [
    { kind: 'auth' as const, reason: 'password_rejected' as const, detail: 'AUTHENTICATIONFAILED' },
    { kind: 'auth' as const, reason: 'pop3_not_supported' as const, detail: '+OK POP3 ready' },
    { kind: 'transient' as const, throttle: 'gmail_throttled' as const, detail: 'NO [THROTTLED] $&' },
    { kind: 'transient' as const, detail: 'connect ECONNREFUSED 127.0.0.1:993' },
    { kind: 'config' as const, detail: 'wrong version number' },
    { kind: 'unknown' as const, detail: 'socket hang up' },
  ];

  it("say in English exactly what the mail package's error carries", () => {
    for (const cls of failures) {
      expect(connectFailureSentence(cls, settings, 'ana@example.com', 'en')).toBe(englishConnectFailureSentence(cls, settings, 'ana@example.com'));
    }
    expect(pop3Sentence({ host: 'pop.example.com', port: 995 }, 'en')).toBe(englishPop3Sentence({ host: 'pop.example.com', port: 995 }));
    expect(plaintextSentence({ host: 'mail.example.com', port: 25 }, 'SMTP', 'en')).toBe(englishPlaintextSentence({ host: 'mail.example.com', port: 25 }, 'SMTP'));
  });

  it('say in Dutch and Polish which server answered what, with the throttle sentence in the same language', () => {
    for (const lang of ['nl', 'pl'] as const) {
      for (const cls of failures) {
        const sentence = connectFailureSentence(cls, settings, 'ana@example.com', lang);
        expect(sentence, `${cls.kind} ${lang}`).not.toMatch(/[{}]/);
        expect(sentence).not.toBe(englishConnectFailureSentence(cls, settings, 'ana@example.com'));
        if (!cls.reason) expect(sentence).toContain(cls.detail);
      }
      expect(connectFailureSentence(failures[2]!, settings, '', lang)).toContain(throttleSentence('gmail_throttled', lang));
      expect(pop3Sentence({ host: 'pop.example.com', port: 995 }, lang)).toContain('imap.example.com:993');
      expect(plaintextSentence({ host: ' mail.example.com ', port: 143 }, 'IMAP', lang)).toContain('mail.example.com:143');
    }
    expect(connectFailureSentence(failures[3]!, settings, '', 'nl')).toBe(
      'De IMAP-server mail.example.com:993 was niet bereikbaar (connect ECONNREFUSED 127.0.0.1:993); controleer de host en de poort en probeer het opnieuw.',
    );
  });

  it('fill every placeholder of every code when given the values', () => {
    const values = { server: 'h:1', suggested: 'imap.h:993', detail: 'd', tls: 'tls', throttle: 'T.' };
    for (const lang of LANGUAGES) for (const code of CONNECT_SENTENCE_CODES) expect(connectSentence(code, lang, values)).not.toMatch(/[{}]/);
  });
});

describe('stored codes', () => {
  it("answer as packages/operations does in English, for known codes and for one a newer version wrote", async () => {
    const { decisionSentence: opsDecision } = await import('@reply-sync/operations/timeline');
    const { reasonSentenceFor } = await import('@reply-sync/operations/inbox-status');
    for (const code of ['not_in_inbox', 'logged', 'some_future_code', 'toString', '$&']) expect(decisionSentence(code, 'en')).toBe(opsDecision(code));
    for (const code of ['password_rejected', 'recovered', 'some_future_code', null]) {
      expect(inboxReasonSentence(code, 'en', { address: 'ana@example.com' })).toBe(reasonSentenceFor(code, 'ana@example.com'));
    }
  });

  it('are translated, with the unknown code shown as it is', () => {
    expect(decisionSentence('some_future_code', 'nl')).toBe('Geregistreerd met reden some_future_code.');
    expect(decisionSentence('not_in_inbox', 'pl')).toBe(reasonSentence('not_in_inbox', 'pl'));
    expect(inboxReasonSentence('some_future_code', 'pl', { address: 'a@b' })).toBe('Skrzynka odłączona (some_future_code).');
    expect(inboxReasonSentence('recovered', 'nl', { address: 'a@b' })).toContain('a@b');
    expect(inboxReasonSentence(null, 'nl', { address: 'a@b' })).toBeNull();
  });
});
