// What the worker reads per batch (ThreadRefs in one query) and what the CRM timeline shows.
import { describe, expect, it } from 'vitest';
import { normalizeMessageId } from '@reply-sync/threading';
import { newAccount, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('thread look-ups and the timeline', () => {
  const ctx = useDb();

  it('finds the thread of a logged email with its owner, inbox, recipients and associations', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const norm = normalizeMessageId(scene.originalMessageId)!;
    const refs = await s.emails.findThreadRefs([norm, 'unknown@x.test']);
    expect(refs.size).toBe(1);
    expect(refs.get(norm)).toEqual({
      emailId: scene.original.emailId,
      threadId: scene.original.threadId,
      ownerUserId: scene.user.id,
      inboxId: scene.inbox.id,
      inboxKind: 'personal',
      recipients: ['ana@mail.test', 'bob@acme.test'],
      contactIds: [scene.contact.id],
      companyIds: [scene.company.id],
      dealIds: [scene.deal.id],
    });
  });

  it('logs a reply into the same thread; the timeline shows both, newest first, with attachment names and sizes', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const reply = await replyInput(s, scene, {
      attachments: [{ filename: 'quote.pdf', contentType: 'application/pdf', content: Buffer.alloc(1234, 1) }],
    });
    const logged = await s.emails.logReply(reply);
    expect(logged).toMatchObject({ inserted: true, reason: 'logged' });

    const replyNorm = normalizeMessageId(reply.messageId)!;
    const replyRef = (await s.emails.findThreadRefs([replyNorm])).get(replyNorm);
    expect(replyRef).toMatchObject({ threadId: scene.original.threadId, ownerUserId: scene.user.id, inboxId: scene.inbox.id });

    for (const timeline of [
      await s.timeline.forContact('bob@ACME.test'),
      await s.timeline.forCompany('acme'),
      await s.timeline.forDeal('Acme renewal'),
      await s.timeline.forDeal(scene.deal.id),
    ]) {
      expect(timeline.map((e) => [e.subject, e.direction, e.source])).toEqual([
        ['Re: Renewal', 'inbound', 'reply_sync'],
        ['Renewal', 'outbound', 'crm_send'],
      ]);
      expect(timeline[0]!.attachments).toEqual([
        { id: expect.any(String), filename: 'quote.pdf', contentType: 'application/pdf', size: 1234 },
      ]);
      expect(timeline[0]!.at).toEqual(reply.receivedAt);
      expect(timeline[1]!.attachments).toEqual([]);
    }
    const [decision] = await s.decisions.forMessageId(reply.messageId);
    expect(decision).toMatchObject({ decision: 'logged', reasonCode: 'logged', uid: 10, subject: 'Re: Renewal' });
    expect(decision).not.toHaveProperty('textBody');
  });

  it('logs a reply without its attachments when they were too large, and says so', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const reply = await replyInput(s, scene, {
      attachments: [{ filename: 'huge.bin', contentType: 'application/octet-stream', content: Buffer.alloc(10) }],
      attachmentsSkippedReason: 'attachments total 60 MB, over the 50 MB limit',
    });
    expect(await s.emails.logReply(reply)).toMatchObject({ inserted: true, reason: 'logged_without_attachments' });
    const [entry] = await s.timeline.forContact('bob@acme.test');
    expect(entry).toMatchObject({ attachments: [], attachmentsSkippedReason: 'attachments total 60 MB, over the 50 MB limit' });
    const [decision] = await s.decisions.forMessageId(reply.messageId);
    expect(decision).toMatchObject({ reasonCode: 'logged_without_attachments', detail: expect.stringContaining('50 MB') });
  });

  it('rolls the whole reply back when part of it fails inside a caller transaction', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const reply = await replyInput(s, scene, { checkpoint: { uidvalidity: 1, lastUid: 10 } });
    await expect(
      ctx.handle.db.transaction(async (tx) => {
        await s.emails.logReply(tx, reply);
        throw new Error('worker crashed before commit');
      }),
    ).rejects.toThrow('worker crashed');
    expect(await s.emails.loggedMessageIds([normalizeMessageId(reply.messageId)!])).toEqual(new Set());
    expect(await s.decisions.forMessageId(reply.messageId)).toEqual([]);
    expect((await s.inboxes.get(scene.inbox.id))?.lastUid).toBeNull();
  });

  it('never-log entries come back lower-cased in the shape decide() reads', async () => {
    const { s } = await newAccount(ctx.handle);
    await s.neverLog.add('address', 'Legal@Acme.test');
    await s.neverLog.add('domain', '@Secret.TEST');
    await s.neverLog.add('domain', 'secret.test');
    expect(await s.neverLog.entries()).toEqual(
      expect.arrayContaining([
        { kind: 'address', value: 'legal@acme.test' },
        { kind: 'domain', value: 'secret.test' },
      ]),
    );
    expect(await s.neverLog.list()).toHaveLength(2);
    expect(await s.neverLog.remove('LEGAL@acme.test', 'address')).toBe(1);
    expect(await s.neverLog.entries()).toEqual([{ kind: 'domain', value: 'secret.test' }]);
  });
});
