import { describe, expect, it } from 'vitest';
import { decide, SKIP_REASONS_IN_ORDER, type DecisionContext, type MessageFacts, type SkipReason } from '../src/index';
import { context, inbox, replyFacts, thread } from './builders';

// Every rule made to apply at once; removing them from the first on must reveal the next reason in
// the documented order.
type Bend = { facts?: Partial<MessageFacts>; ctx?: Partial<DecisionContext> };
// Carla started this thread from the sales team inbox: rules 9 and 10 both apply in Bob's inbox.
const carlasTeamThread = thread({ ownerUserId: 'user-carla', inboxKind: 'team', inboxId: 'inbox-sales' });
const bends: Record<SkipReason, Bend> = {
  duplicate: { ctx: { alreadyLogged: true } },
  bounce: { facts: { headers: { 'x-failed-recipients': 'x@y' } } },
  auto_reply: { facts: { subject: 'Automatic reply: Proposal', headers: { 'x-auto-response-suppress': 'All' } } },
  not_in_inbox: { facts: { mailbox: 'INBOX/Projects' } },
  not_a_reply: { ctx: { thread: null } },
  inbox_disconnected: { ctx: { inbox: inbox({ connectedSince: null }) } },
  never_log: { ctx: { neverLog: [{ kind: 'domain', value: 'example.com' }] } },
  sender_not_contact: { ctx: { senderContact: null } },
  // No Authentication-Results at all, and the account requires verified senders.
  sender_unverified: { ctx: { inbox: inbox({ senderVerification: 'require' }) } },
  not_thread_owner: { ctx: { thread: carlasTeamThread } },
  team_thread: { ctx: { thread: thread({ ownerUserId: null, inboxKind: 'team', inboxId: 'inbox-sales' }) } },
};

function build(active: readonly SkipReason[]): [MessageFacts, DecisionContext] {
  let facts = replyFacts();
  let ctx = context();
  let inboxCtx = ctx.inbox;
  // Apply the later rules first so an earlier rule's bend wins where two touch the same field
  // (not_a_reply's thread: null over the owner rules' threads).
  for (const reason of [...active].reverse()) {
    const bend = bends[reason];
    facts = { ...facts, ...bend.facts, headers: { ...facts.headers, ...bend.facts?.headers } };
    ctx = { ...ctx, ...bend.ctx };
    if (bend.ctx?.inbox) inboxCtx = bend.ctx.inbox;
  }
  return [facts, { ...ctx, inbox: inboxCtx }];
}

describe('decide() checks the rules in the documented order; the first that applies is the answer', () => {
  it('the order in reason-codes.ts is the order of decide.ts', () => {
    expect(SKIP_REASONS_IN_ORDER).toEqual([
      'duplicate', 'bounce', 'auto_reply', 'not_in_inbox', 'not_a_reply', 'inbox_disconnected',
      'never_log', 'sender_not_contact', 'sender_unverified', 'not_thread_owner', 'team_thread',
    ]);
  });

  SKIP_REASONS_IN_ORDER.forEach((expected, i) => {
    const active = SKIP_REASONS_IN_ORDER.slice(i);
    it(`with ${active.join(', ')} all applying, the answer is ${expected}`, () => {
      const [facts, ctx] = build(active);
      expect(decide(facts, ctx).reason).toBe(expected);
    });
  });

  it('with nothing applying, the reply is logged', () => {
    const [facts, ctx] = build([]);
    expect(decide(facts, ctx).reason).toBe('logged');
  });

  it('a bounce that quotes our Message-ID is a bounce, not a reply', () => {
    const facts = replyFacts({ from: { address: 'MAILER-DAEMON@mx.example.com' }, inReplyTo: ['crm-1@crm.ourco.com'] });
    expect(decide(facts, context({ senderContact: null })).reason).toBe('bounce');
  });

  it('an out-of-office from a contact in a subfolder is an auto-reply first', () => {
    const facts = replyFacts({ mailbox: 'INBOX/OOF', headers: { 'auto-submitted': 'auto-replied' } });
    expect(decide(facts, context()).reason).toBe('auto_reply');
  });
});
