import { describe, expect, it } from 'vitest';
import { decide, findThread, threadCandidates } from '../src/index';
import { contact, context, replyFacts, thread } from './builders';

describe('logged: a contact\'s reply to a logged thread, in the owner\'s INBOX', () => {
  it('is logged with the contact, the original\'s companies and deals, and the contact\'s own companies, without repeats', () => {
    const original = thread({ companyIds: ['company-acme', 'company-holding'], dealIds: ['deal-42', 'deal-42'] });
    const ana = contact({ companyIds: ['company-acme', 'company-ana-llc'], dealIds: ['deal-other'] });
    const d = decide(replyFacts(), context({ thread: original, senderContact: ana }));
    expect(d).toEqual({
      action: 'log',
      reason: 'logged',
      thread: original,
      associations: {
        contactIds: ['contact-ana'],
        companyIds: ['company-acme', 'company-holding', 'company-ana-llc'],
        dealIds: ['deal-42'],
      },
    });
  });

  it('a reply to a reply finds the thread through References when In-Reply-To names an unlogged message', () => {
    // Bob answered from his mail client (not logged); Ana answers Bob's answer.
    const facts = replyFacts({
      inReplyTo: ['bob-answer@mail.ourco.com'],
      references: ['crm-1@crm.ourco.com', 'ana-first-reply@mail.example.com', 'bob-answer@mail.ourco.com'],
    });
    const logged = new Map([
      ['crm-1@crm.ourco.com', thread({ emailId: 'email-1' })],
      ['ana-first-reply@mail.example.com', thread({ emailId: 'email-2' })],
    ]);
    const found = findThread(threadCandidates(facts.inReplyTo, facts.references), logged);
    expect(found?.emailId).toBe('email-2');
    const d = decide(facts, context({ thread: found }));
    expect(d.action).toBe('log');
  });
});
