import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { contact, context, replyFacts } from './builders';

describe('rule 8, sender_not_contact: only replies from a contact address are logged', () => {
  it('skips a sender the worker found no contact for', () => {
    expect(decide(replyFacts(), context({ senderContact: null }))).toEqual({
      action: 'skip',
      reason: 'sender_not_contact',
      detail: 'no contact has the address ana@example.com',
    });
  });

  it('an alias is not the contact: contacts-alias@domain is not contacts@domain', () => {
    const facts = replyFacts({ from: { address: 'contacts-alias@example.com' } });
    const ctx = context({ senderContact: contact({ email: 'contacts@example.com' }) });
    expect(decide(facts, ctx).reason).toBe('sender_not_contact');
  });

  it('a plus-address is not the contact either (no fuzzy matching)', () => {
    const facts = replyFacts({ from: { address: 'ana+crm@example.com' } });
    expect(decide(facts, context()).reason).toBe('sender_not_contact');
  });

  it('the display name does not matter, and the case of the stored address does not either', () => {
    const facts = replyFacts({ from: { address: 'ana@example.com', name: 'Someone Else' } });
    expect(decide(facts, context({ senderContact: contact({ email: 'Ana@Example.com' }) })).reason).toBe('logged');
  });

  it('a message without From is not from a contact', () => {
    expect(decide(replyFacts({ from: null }), context({ senderContact: null })).reason).toBe('sender_not_contact');
  });
});
