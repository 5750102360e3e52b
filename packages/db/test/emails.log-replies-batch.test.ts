// logReplies writes a batch of replies in one transaction with logReply's guarantees: each Message-ID
// once (a repeat in the batch, or one logged before, is a `duplicate` pointing at the logged email),
// associations and attachments stored, a decision per reply; a reply whose arrival the inbox row
// cannot vouch for is left to logReply (deferred, nothing written); a foreign association refuses
// the whole batch.
import { describe, expect, it } from 'vitest';
import { newAccount, uniqueMessageId, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('emails.logReplies', () => {
  const ctx = useDb();

  it('logs a batch once per Message-ID, with associations, attachments and decisions', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const now = new Date();
    const earlier = await replyInput(s, scene, { uid: 1, receivedAt: now });
    const before = await s.emails.logReply(earlier);
    const repeated = uniqueMessageId();
    const inputs = await Promise.all([
      replyInput(s, scene, { uid: 2, receivedAt: now, attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 1, 2, 255]) }] }),
      replyInput(s, scene, { uid: 3, receivedAt: now, messageId: repeated, subject: 'Re: Renewal\u0000 (NUL)' }),
      replyInput(s, scene, { uid: 4, receivedAt: now, messageId: repeated }),
      replyInput(s, scene, { uid: 5, receivedAt: now, messageId: earlier.messageId }),
      replyInput(s, scene, { uid: 6, receivedAt: now, attachmentsSkippedReason: 'attachments total 60.0 MB, over the 50 MB limit' }),
    ]);
    const { results, deferred } = await s.emails.logReplies(scene.inbox.id, inputs);
    expect(deferred).toEqual([]);
    expect(results.map((r) => r?.reason)).toEqual(['logged', 'logged', 'duplicate', 'duplicate', 'logged_without_attachments']);
    expect(results[2]).toMatchObject({ inserted: false, emailId: results[1]!.emailId });
    expect(results[3]).toMatchObject({ inserted: false, emailId: before.emailId });

    const first = await s.emails.getByMessageId(inputs[0]!.messageId);
    expect(first).toMatchObject({ subject: 'Re: Renewal', uid: 2, textBody: 'Yes, let us renew.', to: [{ address: 'ana@mail.test' }] });
    expect(first!.referencesIds).toEqual([scene.originalMessageId]);
    expect((await s.emails.getByMessageId(repeated))!.subject).toBe('Re: Renewal (NUL)');
    const [entry] = (await s.timeline.forDeal(scene.deal.id)).filter((e) => e.id === first!.id);
    expect(entry).toBeDefined();
    const stored = await ctx.handle.sql<{ content: Buffer; filename: string }[]>`SELECT content, filename FROM attachments WHERE email_id = ${first!.id}`;
    expect(stored.map((a) => [a.filename, [...a.content]])).toEqual([['a.bin', [0, 1, 2, 255]]]);
    const skipped = await s.emails.getByMessageId(inputs[4]!.messageId);
    expect(skipped!.attachmentsSkippedReason).toMatch(/over the 50 MB limit/);

    const byUid = new Map((await s.decisions.forInbox(scene.inbox.id)).map((d) => [d.uid, d.reasonCode]));
    expect([2, 3, 4, 5, 6].map((uid) => byUid.get(uid))).toEqual(['logged', 'logged', 'duplicate', 'duplicate', 'logged_without_attachments']);

    // The same batch again (a re-read after a crash) writes nothing new.
    const again = await s.emails.logReplies(scene.inbox.id, inputs);
    expect(again.results.map((r) => r?.reason)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const [count] = await ctx.handle.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM logged_emails WHERE account_id = ${s.accountId} AND source = 'reply_sync'`;
    expect(count!.n).toBe(4);
  });

  it('leaves a reply from before the inbox was connected to logReply, and writes nothing for it', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const inputs = [
      await replyInput(s, scene, { uid: 1, receivedAt: new Date() }),
      await replyInput(s, scene, { uid: 2, receivedAt: new Date('2024-01-02T09:00:01Z') }),
    ];
    const { results, deferred } = await s.emails.logReplies(scene.inbox.id, inputs);
    expect(deferred).toEqual([1]);
    expect(results[0]).toMatchObject({ inserted: true, reason: 'logged' });
    expect(results[1]).toBeNull();
    expect(await s.emails.getByMessageId(inputs[1]!.messageId)).toBeNull();
  });

  it('leaves a reply that arrived once the inbox was disconnected to logReply, which refuses it', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    await s.inboxes.markDisconnected(scene.inbox.id, 'password_rejected', 'the server refused the password');
    const input = await replyInput(s, scene, { uid: 1, receivedAt: new Date(Date.now() + 1_000) });
    const { results, deferred } = await s.emails.logReplies(scene.inbox.id, [input]);
    expect({ results, deferred }).toEqual({ results: [null], deferred: [0] });
    expect(await s.emails.logReply(input)).toMatchObject({ inserted: false, reason: 'inbox_disconnected' });
    expect(await s.emails.getByMessageId(input.messageId)).toBeNull();
  });

  it("refuses the whole batch when one reply would be associated with another account's contact", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const scene = await seedThread(a.s);
    const foreign = await seedThread(b.s);
    const good = await replyInput(a.s, scene, { uid: 1, receivedAt: new Date() });
    const bad = await replyInput(a.s, scene, { uid: 2, receivedAt: new Date() });
    bad.associations = { ...bad.associations, contactIds: [foreign.contact.id] };
    await expect(a.s.emails.logReplies(scene.inbox.id, [good, bad])).rejects.toMatchObject({ code: 'not_in_account' });
    expect(await a.s.emails.getByMessageId(good.messageId)).toBeNull();
    expect(await a.s.decisions.forInbox(scene.inbox.id)).toEqual([]);
  });
});
