import { describe, expect, it } from 'vitest';
import { decide, reasonSentence } from '../src/index';
import { context, inbox, replyFacts } from './builders';

const GENUINE = 'mx.ourco.example; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com';
const FORGED_BELOW = ['mx.ourco.example; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com', GENUINE];
const trusting = (senderVerification?: 'flag' | 'require') =>
  context({ inbox: inbox({ trustedAuthservIds: ['mx.ourco.example'], ...(senderVerification ? { senderVerification } : {}) }) });

describe('rule 9, sender_unverified: only under the account policy `require`', () => {
  it('require: a reply whose topmost trusted header says DMARC failed is skipped, with the verdict as detail', () => {
    expect(decide(replyFacts({ authenticationResults: FORGED_BELOW }), trusting('require'))).toEqual({
      action: 'skip',
      reason: 'sender_unverified',
      detail: 'mx.ourco.example: dmarc=fail header.from=example.com; spf=fail (1 more below, not counted)',
    });
  });

  it('require: a reply without any Authentication-Results is skipped', () => {
    const d = decide(replyFacts(), trusting('require'));
    expect(d).toMatchObject({ reason: 'sender_unverified', detail: 'no Authentication-Results header' });
  });

  it('require: a verified reply is logged', () => {
    expect(decide(replyFacts({ authenticationResults: [GENUINE] }), trusting('require')).reason).toBe('logged');
  });

  it('flag (and no policy at all, the default): the unverified reply is logged', () => {
    expect(decide(replyFacts({ authenticationResults: FORGED_BELOW }), trusting('flag')).reason).toBe('logged');
    expect(decide(replyFacts({ authenticationResults: FORGED_BELOW }), trusting()).reason).toBe('logged');
  });

  it('comes after sender_not_contact: a stranger is not a contact first', () => {
    expect(decide(replyFacts(), { ...trusting('require'), senderContact: null }).reason).toBe('sender_not_contact');
  });

  it('has a sentence that says what the account requires', () => {
    expect(reasonSentence('sender_unverified')).toMatch(/requires verified senders/);
  });
});
