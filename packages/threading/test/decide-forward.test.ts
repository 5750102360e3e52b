import { describe, expect, it } from 'vitest';
import { decideForward, subjectKey, type ForwardContext, type ForwardFacts, type SenderCandidate, type SenderVerification } from '../src/index';

const verified: SenderVerification = { verified: true, dmarc: 'pass', dkim: 'pass', dkimAligned: true, spf: 'pass', authservId: 'in.test', detail: 'dmarc=pass' };
const forged: SenderVerification = { verified: false, dmarc: 'fail', dkim: null, dkimAligned: false, spf: 'fail', authservId: 'in.test', detail: 'dmarc=fail' };
const ana: SenderCandidate = { rule: 'user_email', userId: 'u-ana', userEmail: 'ana@ourco.test', inboxId: null, connected: true, createdAt: new Date('2026-01-01') };

const facts = (over: Partial<ForwardFacts> = {}): ForwardFacts => ({
  from: { address: 'ana@ourco.test' },
  reading: { kind: 'forward', originalFrom: { address: 'Bob@Client.test', name: ' Bob ' } },
  ...over,
});
const ctx = (over: Partial<ForwardContext> = {}): ForwardContext => ({
  candidates: [ana],
  ownAddresses: new Set(['ana@ourco.test', 'ben@ourco.test']),
  contactIds: new Map(),
  neverLog: [{ kind: 'domain', value: 'never.test' }],
  policy: 'flag',
  verification: verified,
  ...over,
});

describe('decideForward: what a reply forwarded to the forwarding address logs', () => {
  it('logs the original on its sender (a contact to create, or the existing one), owned by the forwarder', () => {
    const d = decideForward(facts(), ctx());
    expect(d).toMatchObject({ reason: 'logged', owner: { userId: 'u-ana' }, contact: { address: 'bob@client.test', name: 'Bob', contactId: null }, unverified: false });
    expect(decideForward(facts(), ctx({ contactIds: new Map([['bob@client.test', 'c-bob']]) }))).toMatchObject({ contact: { contactId: 'c-bob' } });
  });

  it('applies the BCC sender rules to the forwarder first', () => {
    expect(decideForward(facts({ from: null }), ctx()).reason).toBe('malformed');
    expect(decideForward(facts({ from: { address: 'mallory@evil.test' } }), ctx({ candidates: [] })).reason).toBe('sender_not_user');
    expect(decideForward(facts(), ctx({ verification: forged, policy: 'require' })).reason).toBe('sender_unverified');
    const flagged = decideForward(facts(), ctx({ verification: forged, policy: 'flag' }));
    expect(flagged).toMatchObject({ reason: 'logged', unverified: true });
    // A stranger's unrecognised forward is refused as a stranger, not as unrecognised.
    expect(decideForward(facts({ reading: { kind: 'not_recognised' } }), ctx({ candidates: [] })).reason).toBe('sender_not_user');
  });

  it('skips a thread, an unrecognised forward, one without a From, a colleague and a never-log sender', () => {
    expect(decideForward(facts({ reading: { kind: 'thread' } }), ctx()).reason).toBe('forward_of_thread');
    expect(decideForward(facts({ reading: { kind: 'not_recognised' } }), ctx()).reason).toBe('forward_not_recognised');
    expect(decideForward(facts({ reading: { kind: 'forward', originalFrom: null } }), ctx()).reason).toBe('forward_not_recognised');
    expect(decideForward(facts({ reading: { kind: 'forward', originalFrom: { address: 'Ben@ourco.test' } } }), ctx()).reason).toBe('no_loggable_recipient');
    expect(decideForward(facts({ reading: { kind: 'forward', originalFrom: { address: 'x@never.test' } } }), ctx()).reason).toBe('never_log');
  });
});

describe('subjectKey', () => {
  it('drops reply and forward prefixes of the clients and languages, repeated', () => {
    for (const s of ['Pricing', 'Re: Pricing', 'RE: RE: Pricing', 'AW: Pricing', 'Fwd: Re: Pricing', 'WG: AW: pricing', 'TR: RE:  Pricing', 'RV: Pricing', 'Odp: Pricing', 'Antw: Pricing', 'Re[2]: Pricing', '[EXT] Re: Pricing', 'R: Pricing', 'I: Pricing']) {
      expect(subjectKey(s), s).toBe('pricing');
    }
    expect(subjectKey('Recap: pricing')).toBe('recap: pricing');
    expect(subjectKey('')).toBe('');
  });
});
