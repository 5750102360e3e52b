// The Message-ID index is unique per account: the same id in two accounts is fine; logging it twice
// in one account is a no-op that records a `duplicate` decision.
import { describe, expect, it } from 'vitest';
import { newAccount, uniqueMessageId, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('Message-ID unique per account', () => {
  const ctx = useDb();

  it('logs a reply once; a retry and a racing second worker are no-ops', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const input = await replyInput(s, scene, {
      attachments: [{ filename: 'quote.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') }],
      checkpoint: { uidvalidity: 1, lastUid: 10 },
    });

    const results = await Promise.all([s.emails.logReply(input), s.emails.logReply({ ...input, uid: 11 })]);
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const again = await s.emails.logReply(input);
    expect(again).toEqual({ inserted: false, emailId: expect.any(String), reason: 'duplicate' });

    const [count] = await ctx.handle.sql`select count(*)::int as n from logged_emails where account_id = ${s.accountId} and message_id = ${input.messageId}`;
    expect(count!.n).toBe(1);
    const [atts] = await ctx.handle.sql`select count(*)::int as n from attachments where account_id = ${s.accountId}`;
    expect(atts!.n).toBe(1);
    const decisions = await s.decisions.forMessageId(input.messageId);
    expect(decisions.map((d) => [d.uid, d.reasonCode]).sort()).toEqual([
      [10, expect.stringMatching(/^(logged|duplicate)$/)],
      [11, expect.stringMatching(/^(logged|duplicate)$/)],
    ]);
    expect(new Set(decisions.map((d) => d.reasonCode))).toEqual(new Set(['logged', 'duplicate']));
    expect((await s.inboxes.get(scene.inbox.id))?.lastUid).toBe(10);
    expect(await s.emails.loggedMessageIds([input.messageId.slice(1, -1).toLowerCase(), 'nope@x'])).toEqual(
      new Set([input.messageId.slice(1, -1).toLowerCase()]),
    );
  });

  it('treats the same Message-ID in two accounts as two emails', async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const messageId = uniqueMessageId();
    for (const { s } of [a, b]) {
      const user = await s.users.add({ email: 'ana@mail.test' });
      const result = await s.emails.logOutbound({
        source: 'log',
        messageId,
        userId: user.id,
        from: { address: 'ana@mail.test' },
        to: [{ address: 'bob@acme.test' }],
        subject: 'Hello',
        sentAt: null,
      });
      expect(result.inserted).toBe(true);
    }
    const again = await a.s.emails.logOutbound({
      source: 'log',
      messageId: messageId.toUpperCase().replace('<', ' <'),
      userId: null,
      from: { address: 'ana@mail.test' },
      to: [],
      subject: 'Hello',
      sentAt: null,
    });
    expect(again.inserted).toBe(false);
  });
});
