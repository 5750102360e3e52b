import { describe, expect, it } from 'vitest';
import { decideBcc, pickOwner, type BccContext, type BccFacts, type SenderCandidate, type SenderVerification } from '../src/index';

const verified: SenderVerification = { verified: true, dmarc: 'pass', dkim: 'pass', dkimAligned: true, spf: 'pass', authservId: 'in.test', detail: 'dmarc=pass' };
const forged: SenderVerification = { verified: false, dmarc: 'fail', dkim: 'pass', dkimAligned: false, spf: 'fail', authservId: 'in.test', detail: 'dmarc=fail (header.from=ourco.test)' };
const ana: SenderCandidate = { rule: 'user_email', userId: 'u-ana', userEmail: 'ana@ourco.test', inboxId: null, connected: true, createdAt: new Date('2026-01-01') };

const facts = (over: Partial<BccFacts> = {}): BccFacts => ({
  from: { address: 'Ana@OurCo.test' },
  to: [{ address: 'bob@client.test', name: 'Bob' }],
  cc: [{ address: 'carol@client.test' }, { address: 'ben@ourco.test' }, { address: 'spam@never.test' }],
  bcc: [],
  envelopeRecipients: ['bcc-abc@in.test'],
  ...over,
});
const ctx = (over: Partial<BccContext> = {}): BccContext => ({
  candidates: [ana],
  ownAddresses: new Set(['ana@ourco.test', 'ben@ourco.test']),
  contactIds: new Map([['bob@client.test', 'c-bob']]),
  neverLog: [{ kind: 'domain', value: 'never.test' }],
  policy: 'flag',
  verification: verified,
  ...over,
});

describe('decideBcc: who an email sent to the BCC address is logged for', () => {
  it('logs on every To and Cc recipient, new ones to be created, not on colleagues or never-log entries', () => {
    const d = decideBcc(facts(), ctx());
    expect(d.reason).toBe('logged');
    if (d.reason !== 'logged') return;
    expect(d.recipients).toEqual([
      { address: 'bob@client.test', name: 'Bob', contactId: 'c-bob' },
      { address: 'carol@client.test', name: null, contactId: null },
    ]);
    expect(d.skipped).toEqual([
      { address: 'ben@ourco.test', why: 'own_user' },
      { address: 'spam@never.test', why: 'never_log' },
    ]);
    expect(d.owner).toMatchObject({ userId: 'u-ana', rule: 'user_email' });
  });

  it("never logs on someone Bcc'd, even one who is also a contact", () => {
    const d = decideBcc(facts({ to: [{ address: 'bob@client.test' }, { address: 'dan@client.test' }], bcc: [{ address: 'dan@client.test' }, { address: 'bcc-abc@in.test' }] }), ctx());
    if (d.reason !== 'logged') throw new Error(d.reason);
    expect(d.recipients.map((r) => r.address)).toEqual(['bob@client.test', 'carol@client.test']);
    expect(d.skipped).toContainEqual({ address: 'dan@client.test', why: 'bcc' });
  });

  it('refuses a From that is not one of the account\'s people: sender_not_user', () => {
    expect(decideBcc(facts({ from: { address: 'eve@evil.test' } }), ctx({ candidates: [] }))).toEqual({ reason: 'sender_not_user', detail: 'From eve@evil.test' });
  });

  it('an unverified sender: skipped under require, logged and marked under flag', () => {
    expect(decideBcc(facts(), ctx({ verification: forged, policy: 'require' }))).toEqual({ reason: 'sender_unverified', detail: forged.detail });
    const flagged = decideBcc(facts(), ctx({ verification: forged, policy: 'flag' }));
    expect(flagged).toMatchObject({ reason: 'logged', unverified: true });
  });

  it('no recipient left: no_loggable_recipient', () => {
    expect(decideBcc(facts({ to: [{ address: 'ben@ourco.test' }], cc: [] }), ctx()).reason).toBe('no_loggable_recipient');
  });
});

describe('pickOwner: the ownership rule when several people have the address', () => {
  const at = (d: string) => new Date(d);
  it('the user whose own email it is, then an inbox address, then an alias; connected first, then the oldest', () => {
    const viaInboxOld: SenderCandidate = { rule: 'inbox_address', userId: 'u-old', userEmail: 'old@ourco.test', inboxId: 'i-1', connected: true, createdAt: at('2025-01-01') };
    const viaInboxNew: SenderCandidate = { ...viaInboxOld, userId: 'u-new', userEmail: 'new@ourco.test', inboxId: 'i-2', createdAt: at('2026-01-01') };
    const viaInboxGone: SenderCandidate = { ...viaInboxOld, userId: 'u-gone', inboxId: 'i-0', connected: false, createdAt: at('2024-01-01') };
    expect(pickOwner([viaInboxNew, viaInboxOld, viaInboxGone])).toEqual({
      rule: 'inbox_address',
      userId: 'u-old',
      inboxId: 'i-1',
      detail: 'owner old@ourco.test by rule inbox_address (1 of 3 candidates: strongest match, then connected, then oldest)',
    });
    expect(pickOwner([viaInboxOld, { ...ana, createdAt: at('2027-01-01') }])?.userId).toBe('u-ana');
  });
});
