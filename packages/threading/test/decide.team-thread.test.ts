import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { context, inbox, replyFacts, thread } from './builders';

const teamThread = thread({ ownerUserId: null, inboxId: 'inbox-sales', inboxKind: 'team', recipients: ['sales@ourco.com', 'ana@example.com'] });
const salesInbox = inbox({ id: 'inbox-sales', kind: 'team', ownerUserId: null, address: 'sales@ourco.com', aliases: ['deals@ourco.com'] });

describe('rule 10, team_thread: a thread started from a team inbox is logged only from that team inbox', () => {
  it('logs the reply in the team inbox, also when addressed to its alias', () => {
    const facts = replyFacts({ to: [{ address: 'deals@ourco.com' }] });
    expect(decide(facts, context({ thread: teamThread, inbox: salesInbox })).reason).toBe('logged');
  });

  it("skips the reply in a personal inbox (a salesperson was in Cc)", () => {
    expect(decide(replyFacts(), context({ thread: teamThread }))).toEqual({
      action: 'skip',
      reason: 'team_thread',
      detail: 'started from team inbox inbox-sales',
    });
  });

  it("skips the reply in another team's inbox: team_thread, since no user owns either side", () => {
    const support = inbox({ id: 'inbox-support', kind: 'team', ownerUserId: null, address: 'support@ourco.com' });
    expect(decide(replyFacts(), context({ thread: teamThread, inbox: support }))).toEqual({
      action: 'skip',
      reason: 'team_thread',
      detail: 'started from team inbox inbox-sales, arrived in team inbox inbox-support',
    });
  });

  it('lets any team inbox log it when the starting inbox is unknown', () => {
    const support = inbox({ id: 'inbox-support', kind: 'team', ownerUserId: null });
    expect(decide(replyFacts(), context({ thread: { ...teamThread, inboxId: null }, inbox: support })).reason).toBe('logged');
  });
});
