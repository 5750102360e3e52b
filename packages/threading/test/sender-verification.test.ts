import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultTrustedAuthservIds,
  messageFactsFromHeaders,
  normalizeAuthservId,
  NO_AUTHSERV_ID,
  senderVerificationOf,
  verifySender,
  type MessageFacts,
} from '../src/index';
import { inbox } from './builders';

// Messages as they sit in the mailbox: the provider's own headers on top of what the sender wrote
// (shaped after Gmail's "Show original" and Exchange Online's message headers).
const place = { mailbox: 'INBOX', arrivedAt: new Date('2025-06-03T10:00:00Z') };
const fixture = (name: string): MessageFacts =>
  messageFactsFromHeaders(readFileSync(new URL(`./fixtures/authentication-results/${name}`, import.meta.url)), place);
const gmailInbox = inbox({ trustedAuthservIds: defaultTrustedAuthservIds('gmail') });
const office365Inbox = inbox({ trustedAuthservIds: defaultTrustedAuthservIds('office365') });

describe('sender verification with the provider defaults', () => {
  it('Gmail: mx.google.com says DMARC passed for the From domain → verified', () => {
    const v = senderVerificationOf(fixture('gmail-inbound.eml'), gmailInbox);
    expect(v).toEqual({
      verified: true,
      dmarc: 'pass',
      dkim: 'pass',
      dkimAligned: true,
      spf: 'pass',
      authservId: 'mx.google.com',
      detail: 'mx.google.com: dmarc=pass header.from=example.com; spf=pass',
    });
  });

  it('Office 365: the header without authserv-id says DMARC passed → verified', () => {
    const v = senderVerificationOf(fixture('office365-inbound.eml'), office365Inbox);
    expect(v).toMatchObject({ verified: true, dmarc: 'pass', dkim: 'pass', dkimAligned: true, spf: 'pass', authservId: NO_AUTHSERV_ID });
    expect(v.detail).toBe('the header without authserv-id: dmarc=pass header.from=contoso.example; spf=pass');
  });

  it('an IMAP inbox trusts nothing until its authserv-id is configured', () => {
    expect(defaultTrustedAuthservIds('imap')).toEqual([]);
    const v = senderVerificationOf(fixture('gmail-inbound.eml'), inbox({ trustedAuthservIds: defaultTrustedAuthservIds('imap') }));
    expect(v).toMatchObject({ verified: false, detail: 'no trusted authserv-id is configured for this inbox' });
    expect(senderVerificationOf(fixture('gmail-inbound.eml'), inbox()).verified).toBe(false);
  });

  it("a Gmail inbox does not trust Microsoft's id-less header, nor an Office 365 inbox Gmail's", () => {
    expect(senderVerificationOf(fixture('office365-inbound.eml'), gmailInbox)).toMatchObject({
      verified: false,
      detail: 'the topmost Authentication-Results is from the header without authserv-id, not a trusted server (mx.google.com)',
    });
    expect(senderVerificationOf(fixture('gmail-inbound.eml'), office365Inbox).verified).toBe(false);
  });

  it('no Authentication-Results at all → unverified, saying so', () => {
    const facts = messageFactsFromHeaders('From: ana@example.com\r\nSubject: Re: x\r\n\r\n', place);
    expect(senderVerificationOf(facts, gmailInbox)).toMatchObject({ verified: false, dmarc: null, authservId: null, detail: 'no Authentication-Results header' });
  });
});

describe('a header the sender wrote never counts', () => {
  it('Gmail: a forged mx.google.com "dmarc=pass" below Gmail\'s own "dmarc=fail"', () => {
    const facts = fixture('gmail-forged-below.eml');
    expect(facts.authenticationResults).toHaveLength(2);
    expect(senderVerificationOf(facts, gmailInbox)).toEqual({
      verified: false,
      dmarc: 'fail',
      dkim: null,
      dkimAligned: false,
      spf: 'fail',
      authservId: 'mx.google.com',
      detail: 'mx.google.com: dmarc=fail header.from=example.com; spf=fail (1 more below, not counted)',
    });
  });

  it("Office 365: forged id-less and mx.microsoft.com headers below Microsoft's own compauth=fail", () => {
    const v = senderVerificationOf(fixture('office365-forged-below.eml'), inbox({ trustedAuthservIds: [NO_AUTHSERV_ID, 'mx.microsoft.com'] }));
    expect(v).toMatchObject({ verified: false, dmarc: 'fail', dkim: 'none', spf: 'fail' });
    expect(v.detail).toContain('(2 more below, not counted)');
  });

  it('the trusted server added none and another server is on top: the trusted id below it does not count', () => {
    const facts = fixture('filter-on-top-forged-gmail-id.eml');
    expect(senderVerificationOf(facts, gmailInbox)).toMatchObject({
      verified: false,
      authservId: null,
      detail: 'the topmost Authentication-Results is from mx1.ourco.example, not a trusted server (mx.google.com) (1 more below, not counted)',
    });
    // The inbox's real server, once configured, tells the truth about the same message.
    expect(senderVerificationOf(facts, inbox({ trustedAuthservIds: ['mx1.ourco.example'] }))).toMatchObject({ verified: false, dmarc: 'fail', spf: 'fail' });
  });

  it('a quoted authserv-id spelled like the id-less entry is not the id-less header', () => {
    const v = verifySender({ authenticationResults: [`"${NO_AUTHSERV_ID}"; dmarc=pass header.from=example.com`], from: 'ana@example.com', trustedAuthservIds: [NO_AUTHSERV_ID] });
    expect(v.verified).toBe(false);
  });

  it("a server that echoes a sender's MAIL FROM into a comment unescaped: the header reads two ways, so it does not count", () => {
    const echoed = 'mx.example.org; spf=pass (domain of "a);dmarc=pass header.from=example.com;(b"@spoofer.test designates 192.0.2.1) smtp.mailfrom=spoofer.test';
    expect(verifySender({ authenticationResults: [echoed], from: 'ana@example.com', trustedAuthservIds: ['mx.example.org'] })).toMatchObject({
      verified: false,
      detail: 'the Authentication-Results from mx.example.org does not read one way only: a comment contains a quote',
    });
  });

  // What order cannot tell (see sender-verification.ts): with no header of its own above it, a header
  // claiming the trusted id is byte for byte the server's. Only a server that stamps every inbound
  // message and removes such headers (RFC 8601 §5) may be trusted; this test pins that limit down.
  it('LIMIT: a lone header claiming the trusted id, with nothing above it, is read as the server\'s own', () => {
    const lone = ['mx.google.com; dmarc=pass header.from=example.com'];
    expect(verifySender({ authenticationResults: lone, from: 'ana@example.com', trustedAuthservIds: ['mx.google.com'] }).verified).toBe(true);
  });
});

describe('what counts as verified', () => {
  const verify = (header: string, from = 'ana@example.com') => verifySender({ authenticationResults: [header], from, trustedAuthservIds: ['mx.example.org'] });

  it('DMARC pass without header.from counts; DMARC pass for another domain does not', () => {
    expect(verify('mx.example.org; dmarc=pass').verified).toBe(true);
    expect(verify('mx.example.org; dmarc=pass header.from=other.example')).toMatchObject({
      verified: false,
      detail: "mx.example.org: dmarc=pass for other.example, not the sender's domain example.com",
    });
  });

  it('a DMARC fail is never overridden by an aligned DKIM pass', () => {
    expect(verify('mx.example.org; dkim=pass header.d=example.com; dmarc=fail header.from=example.com').verified).toBe(false);
  });

  it('without a usable DMARC result, an aligned DKIM pass verifies (same domain or a subdomain either way)', () => {
    expect(verify('mx.example.org; dkim=pass header.d=example.com; dmarc=none header.from=example.com')).toMatchObject({
      verified: true,
      dkim: 'pass',
      dkimAligned: true,
      detail: 'mx.example.org: dmarc=none; dkim=pass header.d=example.com (aligned)',
    });
    expect(verify('mx.example.org; dkim=pass header.i=@mail.example.com').verified).toBe(true);
    expect(verify('mx.example.org; dkim=pass header.d=example.com', 'ana@eu.example.com').verified).toBe(true);
    expect(verify('mx.example.org; dmarc=temperror; dkim=pass header.d=example.com').verified).toBe(true);
    expect(verify('mx.example.org; dmarc=bestguesspass; dkim=pass header.d=example.com').verified).toBe(true);
  });

  it('an unaligned DKIM pass, a one-label signing domain, a look-alike domain or SPF alone do not verify', () => {
    expect(verify('mx.example.org; dkim=pass header.d=mailer.test')).toMatchObject({
      verified: false,
      dkim: 'pass',
      dkimAligned: false,
      detail: 'mx.example.org: no DMARC result; dkim=pass header.d=mailer.test (not aligned with example.com)',
    });
    expect(verify('mx.example.org; dkim=pass header.d=com').verified).toBe(false);
    expect(verify('mx.example.org; dkim=pass header.d=badexample.com').verified).toBe(false);
    expect(verify('mx.example.org; dkim=pass header.d=example.com.attacker.test').verified).toBe(false);
    expect(verify('mx.example.org; spf=pass smtp.mailfrom=example.com')).toMatchObject({ verified: false, spf: 'pass' });
  });

  it('several signatures: the aligned one is reported', () => {
    expect(verify('mx.example.org; dkim=pass header.d=esp.test; dkim=fail header.d=example.com; dkim=pass header.d=example.com')).toMatchObject({
      verified: true,
      dkim: 'pass',
      dkimAligned: true,
    });
  });

  it('conflicting DMARC results in the counted header do not verify', () => {
    expect(verify('mx.example.org; dmarc=pass header.from=example.com; dmarc=fail header.from=example.com')).toMatchObject({
      verified: false,
      detail: 'the Authentication-Results from mx.example.org gives conflicting DMARC results',
    });
  });

  it('no From, a From without domain, an unreadable or over-long topmost header', () => {
    expect(verify('mx.example.org; dmarc=pass', '').detail).toBe('no From address');
    expect(verify('mx.example.org; dmarc=pass', 'ana').detail).toBe('the From address ana has no domain');
    expect(verify('').detail).toBe('the topmost Authentication-Results cannot be read: empty');
    const long = messageFactsFromHeaders(`From: ana@example.com\r\nAuthentication-Results: mx.example.org; dmarc=pass x=${'a'.repeat(9000)}\r\n\r\n`, place);
    expect(long.authenticationResults![0]!.length).toBe(8193);
    expect(senderVerificationOf(long, inbox({ trustedAuthservIds: ['mx.example.org'] })).detail).toBe(
      'the topmost Authentication-Results cannot be read: longer than 8192 characters',
    );
  });
});

describe('normalizeAuthservId: what an operator may configure', () => {
  it('lower-cases a hostname-like id and the id-less entry; refuses what cannot be an authserv-id', () => {
    expect(normalizeAuthservId(' MX.Google.com ')).toBe('mx.google.com');
    expect(normalizeAuthservId(NO_AUTHSERV_ID)).toBe(NO_AUTHSERV_ID);
    for (const bad of ['', ' ', 'mx google', 'mx;google', 'a=b', '"x"', 'mx.google.com 1', '(c)x', '@other', 'x'.repeat(256)]) {
      expect(normalizeAuthservId(bad)).toBeNull();
    }
  });
});

describe('IDN sender domains', () => {
  // parseAddressList gives From with its domain in Unicode; servers write header.from / header.d in
  // punycode (A-labels), as DNS needs them. The comparison must see one domain.
  it('a DMARC pass and an aligned DKIM pass written in punycode verify a From in Unicode', () => {
    const facts = messageFactsFromHeaders(
      [
        'Authentication-Results: mx.google.com; dkim=pass header.i=@xn--mller-kva.example header.s=s1 header.b=abc;',
        '       dmarc=pass (p=REJECT) header.from=xn--mller-kva.example',
        'From: Ana <ana@xn--mller-kva.example>',
        '',
      ].join('\r\n'),
      place,
    );
    expect(facts.from?.address).toBe('ana@müller.example');
    expect(senderVerificationOf(facts, gmailInbox)).toMatchObject({ verified: true, dmarc: 'pass', dkimAligned: true });
    const dkimOnly = verifySender({
      authenticationResults: ['mx.google.com; dkim=pass header.d=xn--mller-kva.example'],
      from: 'ana@müller.example',
      trustedAuthservIds: ['mx.google.com'],
    });
    expect(dkimOnly).toMatchObject({ verified: true, dkimAligned: true });
  });
});
