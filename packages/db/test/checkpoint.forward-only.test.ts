// The sync checkpoint never moves backwards for the same UIDVALIDITY; a new UIDVALIDITY re-baselines.
import { describe, expect, it } from 'vitest';
import { inboxInput, newAccount, testKeys, useDb } from './helpers';

describe('sync checkpoint', () => {
  const ctx = useDb();

  it('only moves forward for the same UIDVALIDITY', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const db = ctx.handle.db;
    expect(await s.inboxes.saveCheckpoint(db, inbox.id, { uidvalidity: 100, lastUid: 50, highestModseq: 900 })).toEqual({
      uidvalidity: 100,
      lastUid: 50,
      highestModseq: 900,
    });
    expect(await s.inboxes.saveCheckpoint(db, inbox.id, { uidvalidity: 100, lastUid: 40, highestModseq: 800 })).toEqual({
      uidvalidity: 100,
      lastUid: 50,
      highestModseq: 900,
    });
    expect(await s.inboxes.saveCheckpoint(db, inbox.id, { uidvalidity: 100, lastUid: 60 })).toEqual({
      uidvalidity: 100,
      lastUid: 60,
      highestModseq: 900,
    });
    // The server renumbered the mailbox: the worker re-baselined at the new UIDNEXT.
    expect(await s.inboxes.saveCheckpoint(db, inbox.id, { uidvalidity: 200, lastUid: 3, highestModseq: 10 })).toEqual({
      uidvalidity: 200,
      lastUid: 3,
      highestModseq: 10,
    });
  });

  it('moves with a batch of decisions in one transaction; a retried batch is a no-op', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const batch = [
      { inboxId: inbox.id, uidvalidity: 1, uid: 5, messageId: '<a@x.test>', reasonCode: 'not_a_reply' as const, fromAddress: 'a@x.test', subject: 'Hi' },
      { inboxId: inbox.id, uidvalidity: 1, uid: 6, messageId: null, reasonCode: 'malformed' as const },
    ];
    expect(await s.decisions.record(batch, { inboxId: inbox.id, uidvalidity: 1, lastUid: 6 })).toEqual({ inserted: 2 });
    expect(await s.decisions.record(batch, { inboxId: inbox.id, uidvalidity: 1, lastUid: 5 })).toEqual({ inserted: 0 });
    expect((await s.inboxes.get(inbox.id))?.lastUid).toBe(6);
    const explained = await s.decisions.forMessageId('A@x.test');
    expect(explained).toMatchObject([{ uid: 5, decision: 'skipped', reasonCode: 'not_a_reply', inboxAddress: inbox.address }]);
  });
});
