import { describe, expect, it } from 'vitest';
import { decide, findThread, threadCandidates } from '../src/index';
import { context, replyFacts, thread } from './builders';

describe('rule 5, not_a_reply: a message that answers no logged email', () => {
  it('is skipped when the worker found no thread', () => {
    const d = decide(replyFacts({ inReplyTo: [], references: [] }), context({ thread: null }));
    expect(d).toEqual({ action: 'skip', reason: 'not_a_reply', detail: 'no In-Reply-To or References' });
  });

  it('is skipped when its references name only emails that are not logged', () => {
    const facts = replyFacts({ inReplyTo: ['other@x'], references: ['root@x', 'other@x'] });
    const found = findThread(threadCandidates(facts.inReplyTo, facts.references), new Map());
    expect(decide(facts, context({ thread: found })).reason).toBe('not_a_reply');
  });

  it('is never matched by subject: same subject, unknown ids, no thread', () => {
    const facts = replyFacts({ subject: 'Re: Proposal', inReplyTo: ['unknown@x'], references: [] });
    const found = findThread(threadCandidates(facts.inReplyTo, facts.references), new Map([['crm-1@crm.ourco.com', thread()]]));
    expect(found).toBeNull();
  });
});
