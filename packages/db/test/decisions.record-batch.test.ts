// decisions.record writes a whole catch-up batch (and the checkpoint after it) in one statement:
// every column round-trips, nulls included; a retried batch inserts nothing; a new UIDVALIDITY
// replaces the checkpoint; an inbox of another account is refused even after this one was proved.
import { describe, expect, it } from 'vitest';
import { inboxInput, newAccount, testKeys, useDb } from './helpers';

describe('decisions.record', () => {
  const ctx = useDb();

  it('records a large batch and its checkpoint at once; a retry is a no-op', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const batch = Array.from({ length: 2_000 }, (_, i) => ({
      inboxId: inbox.id,
      uidvalidity: 7,
      uid: 3_000_000_000 + i, // above 2^31: bigint all the way
      messageId: i % 3 === 0 ? null : `<M${i}@Example.test>`,
      reasonCode: i % 3 === 0 ? ('malformed' as const) : ('not_a_reply' as const),
      detail: i % 2 === 0 ? null : `detail ${i} with 'quotes', {braces} and "double"`,
      fromAddress: i % 5 === 0 ? null : `sender${i}@example.test`,
      subject: i % 7 === 0 ? null : `Subject ${i}, é`,
    }));
    const last = 3_000_000_000 + 1_999;
    expect(await s.decisions.record(batch, { inboxId: inbox.id, uidvalidity: 7, lastUid: last })).toEqual({ inserted: 2_000 });
    expect(await s.decisions.record(batch, { inboxId: inbox.id, uidvalidity: 7, lastUid: 5 })).toEqual({ inserted: 0 });
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ uidvalidity: 7, lastUid: last });

    const rows = await s.decisions.forInbox(inbox.id, 3_000);
    expect(rows).toHaveLength(2_000);
    const byUid = new Map(rows.map((r) => [r.uid, r]));
    for (const i of [0, 1, 6, 7, 35, 1_999]) {
      const input = batch[i]!;
      expect(byUid.get(input.uid)).toMatchObject({
        accountId: s.accountId,
        uidvalidity: 7,
        messageId: input.messageId,
        messageIdNorm: input.messageId ? `m${i}@example.test` : null,
        decision: 'skipped',
        reasonCode: input.reasonCode,
        detail: input.detail,
        fromAddress: input.fromAddress,
        subject: input.subject,
      });
    }

    // Only the checkpoint (an empty batch), then a renumbered mailbox re-baselines it.
    expect(await s.decisions.record([], { inboxId: inbox.id, uidvalidity: 7, lastUid: last + 1 })).toEqual({ inserted: 0 });
    expect((await s.inboxes.get(inbox.id))?.lastUid).toBe(last + 1);
    await s.decisions.record([], { inboxId: inbox.id, uidvalidity: 8, lastUid: 2, highestModseq: 40 });
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ uidvalidity: 8, lastUid: 2, highestModseq: 40 });
  });

  it('keeps a decision per mailbox: the same UIDVALIDITY and UID in a folder is another message', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const base = { inboxId: inbox.id, uidvalidity: 1700000000, uid: 12, messageId: null };
    expect(await s.decisions.record([{ ...base, reasonCode: 'not_a_reply' }])).toEqual({ inserted: 1 });
    expect(await s.decisions.record([{ ...base, mailbox: 'INBOX/Projects', reasonCode: 'not_in_inbox' }])).toEqual({ inserted: 1 });
    expect(await s.decisions.record([{ ...base, mailbox: 'INBOX/Projects', reasonCode: 'not_in_inbox' }])).toEqual({ inserted: 0 });
    const rows = await s.decisions.forInbox(inbox.id);
    expect(rows.map((r) => [r.mailbox, r.reasonCode]).sort()).toEqual([
      ['INBOX', 'not_a_reply'],
      ['INBOX/Projects', 'not_in_inbox'],
    ]);
  });

  it("refuses another account's inbox, also after its own inbox was proved", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const own = await b.s.inboxes.create(inboxInput(), testKeys());
    const other = await a.s.inboxes.create(inboxInput(), testKeys());
    await b.s.decisions.record([{ inboxId: own.id, uidvalidity: 1, uid: 1, messageId: null, reasonCode: 'malformed' }]);
    await expect(
      b.s.decisions.record([{ inboxId: other.id, uidvalidity: 1, uid: 1, messageId: null, reasonCode: 'malformed' }]),
    ).rejects.toMatchObject({ code: 'not_in_account' });
    // The checkpoint of another account's inbox is not touched either.
    await b.s.decisions.record([], { inboxId: other.id, uidvalidity: 1, lastUid: 99 });
    expect((await a.s.inboxes.get(other.id))?.lastUid ?? null).toBeNull();
    expect(await a.s.decisions.forInbox(other.id)).toEqual([]);
  });
});
