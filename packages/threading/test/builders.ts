// Builders for decide() tests: a plain reply that is logged, which each test bends one way.
import type { ContactRef, DecisionContext, MessageFacts, ThreadRef } from '../src/index';

export const ARRIVED = new Date('2025-06-02T10:00:00Z');

export function replyFacts(over: Partial<MessageFacts> = {}): MessageFacts {
  return {
    messageId: 'reply-1@mail.example.com',
    inReplyTo: ['crm-1@crm.ourco.com'],
    references: ['crm-1@crm.ourco.com'],
    from: { address: 'ana@example.com', name: 'Ana Silva' },
    to: [{ address: 'bob@ourco.com', name: 'Bob' }],
    cc: [],
    subject: 'Re: Proposal',
    date: ARRIVED,
    mailbox: 'INBOX',
    arrivedAt: ARRIVED,
    headers: {},
    ...over,
  };
}

export function thread(over: Partial<ThreadRef> = {}): ThreadRef {
  return {
    emailId: 'email-1',
    threadId: 'thread-1',
    ownerUserId: 'user-bob',
    inboxId: 'inbox-bob',
    inboxKind: 'personal',
    recipients: ['bob@ourco.com', 'ana@example.com'],
    companyIds: ['company-acme'],
    dealIds: ['deal-42'],
    contactIds: ['contact-ana'],
    ...over,
  };
}

export function contact(over: Partial<ContactRef> = {}): ContactRef {
  return { id: 'contact-ana', email: 'ana@example.com', companyIds: ['company-acme'], dealIds: [], ...over };
}

export function context(over: Partial<DecisionContext> = {}): DecisionContext {
  return {
    inbox: {
      id: 'inbox-bob',
      ownerUserId: 'user-bob',
      kind: 'personal',
      address: 'bob@ourco.com',
      aliases: ['robert@ourco.com'],
      connectedSince: new Date('2025-06-01T00:00:00Z'),
    },
    alreadyLogged: false,
    thread: thread(),
    senderContact: contact(),
    neverLog: [],
    ...over,
  };
}

export function inbox(over: Partial<DecisionContext['inbox']> = {}): DecisionContext['inbox'] {
  return { ...context().inbox, ...over };
}

/** Where a message sits, for messageFactsFromHeaders in tests: INBOX, arrived just after ARRIVED. */
export const place = { mailbox: 'INBOX', arrivedAt: new Date('2025-06-03T08:00:00Z') };
