// One form for every address: an IDN contact matches whichever way either side wrote the domain.
import { describe, expect, it } from 'vitest';
import { decide, matchNeverLog, messageFactsFromHeaders, normalizeAddress, normalizeDomain } from '../src/index';
import { context, replyFacts } from './builders';

describe('normalizeAddress', () => {
  it('lower-cases and gives IDN domains in Unicode', () => {
    expect(normalizeAddress('Ana@XN--MLLER-KVA.test')).toBe('ana@müller.test');
    expect(normalizeAddress('ana@müller.test')).toBe('ana@müller.test');
    expect(normalizeAddress('ana@Mu\u0308ller.test')).toBe('ana@müller.test'); // decomposed ü
    expect(normalizeDomain('XN--BCHER-KVA.example')).toBe('bücher.example');
  });

  it('keeps what is not a valid IDN as written, and drops whitespace, brackets and controls', () => {
    expect(normalizeAddress('ana@xn--zz.broken')).toBe('ana@xn--zz.broken');
    expect(normalizeAddress('a@[192.0.2.1]')).toBe('a@[192.0.2.1]');
    expect(normalizeAddress(' <Ana\x00@Example.COM>\r\n')).toBe('ana@example.com');
  });

  it('makes a reply from ana@xn--mller-kva.test the contact ana@müller.test, and the other way round', () => {
    const fromPunycode = messageFactsFromHeaders('From: Ana <ana@xn--mller-kva.test>\r\n', { mailbox: 'INBOX', arrivedAt: new Date() });
    const contactUnicode = { id: 'c', email: 'ana@müller.test', companyIds: [], dealIds: [] };
    expect(decide(replyFacts({ from: fromPunycode.from }), context({ senderContact: contactUnicode })).reason).toBe('logged');
    const contactPunycode = { id: 'c', email: 'Ana@xn--mller-kva.test', companyIds: [], dealIds: [] };
    expect(decide(replyFacts({ from: { address: 'ana@müller.test' } }), context({ senderContact: contactPunycode })).reason).toBe('logged');
  });

  it('applies never-log entries written in either form', () => {
    expect(matchNeverLog('ana@müller.test', [{ kind: 'domain', value: 'xn--mller-kva.test' }])).not.toBeNull();
    expect(matchNeverLog('ana@sales.xn--mller-kva.test', [{ kind: 'domain', value: '@Müller.test' }])).not.toBeNull();
    expect(matchNeverLog('ana@xn--mller-kva.test', [{ kind: 'address', value: 'ANA@müller.test' }])).not.toBeNull();
  });
});
