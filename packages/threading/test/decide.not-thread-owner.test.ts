import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { context, inbox, replyFacts, thread } from './builders';

describe("rule 9, not_thread_owner: a user's thread is logged only from that user's inbox", () => {
  it("skips the reply in a colleague's personal inbox (the colleague was in Cc)", () => {
    const ctx = context({ inbox: inbox({ id: 'inbox-carla', ownerUserId: 'user-carla', address: 'carla@ourco.com', aliases: [] }) });
    expect(decide(replyFacts(), ctx)).toEqual({
      action: 'skip',
      reason: 'not_thread_owner',
      detail: 'thread owner user-bob, inbox owner user-carla',
    });
  });

  it("logs the reply in the owner's inbox even when it came through an alias address", () => {
    const facts = replyFacts({ to: [{ address: 'robert@ourco.com' }] });
    expect(decide(facts, context()).reason).toBe('logged');
  });

  it("logs the reply in another of the owner's personal inboxes", () => {
    const ctx = context({ inbox: inbox({ id: 'inbox-bob-2', address: 'bob@other.test' }) });
    expect(decide(replyFacts(), ctx).reason).toBe('logged');
  });

  it("lets a team inbox log a user's thread (a team inbox is not another user's)", () => {
    const ctx = context({ inbox: inbox({ id: 'inbox-sales', kind: 'team', ownerUserId: null, address: 'sales@ourco.com' }) });
    expect(decide(replyFacts(), ctx).reason).toBe('logged');
  });

  it('does not apply when no user owns the thread', () => {
    const ctx = context({ thread: thread({ ownerUserId: null, inboxKind: null, inboxId: null }), inbox: inbox({ ownerUserId: 'user-carla' }) });
    expect(decide(replyFacts(), ctx).reason).toBe('logged');
  });
});
