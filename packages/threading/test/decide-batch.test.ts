// A batch is decided with one round of look-ups: the keys cover every message's thread candidates,
// Message-ID and sender, and each message is then judged exactly as decide() judges it alone.
import { describe, expect, it } from 'vitest';
import { batchLookupKeys, decide, decideBatch, decideMessages, type BatchLookups } from '../src/index';
import { contact, context, inbox, replyFacts, thread } from './builders';

const lookups = (over: Partial<BatchLookups> = {}): BatchLookups => ({
  threadRefs: new Map([['crm-1@crm.ourco.com', thread()]]),
  loggedMessageIds: new Set(),
  contactsByEmail: new Map([['ana@example.com', contact()]]),
  neverLog: [],
  ...over,
});

describe('decideBatch', () => {
  it('asks for every thread candidate, Message-ID and sender once', () => {
    const keys = batchLookupKeys([
      { facts: replyFacts({ from: { address: 'Ana@Example.com' }, references: ['root@crm', 'crm-1@crm.ourco.com'] }), messageIdNorm: 'a@x' },
      { facts: replyFacts({ messageId: 'b@x', inReplyTo: ['other@crm'], references: [] }), messageIdNorm: 'b@x' },
      { facts: replyFacts({ from: null }), messageIdNorm: 'a@x' },
    ]);
    expect(keys.candidates.sort()).toEqual(['crm-1@crm.ourco.com', 'other@crm', 'root@crm']);
    expect(keys.messageIds).toEqual(['a@x', 'b@x']);
    expect(keys.senders).toEqual(['ana@example.com']);
  });

  it('decides each message as decide() would with the looked-up context', () => {
    const facts = [replyFacts(), replyFacts({ messageId: 'x@y', from: { address: 'stranger@example.com' } }), replyFacts({ messageId: 'z@y', inReplyTo: [], references: [] })];
    const decisions = decideBatch(facts.map((f) => ({ facts: f, messageIdNorm: f.messageId! })), inbox(), lookups());
    expect(decisions[0]).toEqual(decide(facts[0]!, context()));
    expect(decisions.map((d) => (d.action === 'skip' ? d.reason : d.reason))).toEqual(['logged', 'sender_not_contact', 'not_a_reply']);
  });

  it('treats a second copy of a Message-ID in the same batch as a duplicate of the first', () => {
    const copy = { facts: replyFacts(), messageIdNorm: 'reply-1@mail.example.com' };
    const decisions = decideBatch([copy, copy], inbox(), lookups());
    expect(decisions.map((d) => d.reason)).toEqual(['logged', 'duplicate']);
  });

  it('skips a Message-ID that is already logged', () => {
    const decisions = decideBatch([{ facts: replyFacts(), messageIdNorm: 'reply-1@mail.example.com' }], inbox(), lookups({ loggedMessageIds: new Set(['reply-1@mail.example.com']) }));
    expect(decisions[0]).toEqual({ action: 'skip', reason: 'duplicate' });
  });

  it('decideMessages looks up once and does not look up for an empty batch', async () => {
    const calls: unknown[] = [];
    const lookUp = async (keys: unknown) => {
      calls.push(keys);
      return lookups();
    };
    expect(await decideMessages([], inbox(), lookUp)).toEqual([]);
    const decisions = await decideMessages([{ facts: replyFacts(), messageIdNorm: 'reply-1@mail.example.com' }], inbox(), lookUp);
    expect(decisions[0]?.action).toBe('log');
    expect(calls).toHaveLength(1);
  });
});
