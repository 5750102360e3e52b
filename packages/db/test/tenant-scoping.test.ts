// Account B's scoped queries never see account A's rows, even when given A's ids.
import { describe, expect, it } from 'vitest';
import { normalizeMessageId } from '@reply-sync/threading';
import { newAccount, testKeys, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('tenant scoping', () => {
  const ctx = useDb();

  it("account B sees none of account A's contacts, inboxes, emails, decisions or timeline", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const scene = await seedThread(a.s);
    const reply = await replyInput(a.s, scene);
    expect((await a.s.emails.logReply(reply)).inserted).toBe(true);
    await a.s.neverLog.add('domain', 'secret.test');
    const dnt = await a.s.doNotTrack.add('address', 'Private@Acme.test');
    await a.s.contacts.setTrackingBasis(scene.contact.id, 'consent');
    const norm = normalizeMessageId(scene.originalMessageId)!;

    // Same names and addresses exist in B, so only the account keeps them apart.
    await b.s.contacts.add({ email: 'bob@acme.test' });
    await b.s.companies.add({ name: 'Acme' });

    expect((await b.s.contacts.findByEmails(['bob@acme.test']))[0]?.id).not.toBe(scene.contact.id);
    expect(await b.s.contacts.get(scene.contact.id)).toBeNull();
    expect(await b.s.users.get(scene.user.id)).toBeNull();
    expect(await b.s.companies.get(scene.company.id)).toBeNull();
    expect(await b.s.deals.find(scene.deal.id)).toBeNull();
    expect(await b.s.inboxes.get(scene.inbox.id)).toBeNull();
    expect(await b.s.inboxes.getWithCredentials(scene.inbox.id, scene.keys)).toBeNull();
    expect(await b.s.inboxes.list()).toEqual([]);
    expect(await b.s.inboxes.history(scene.inbox.id)).toEqual([]);
    expect((await b.s.emails.findThreadRefs([norm])).size).toBe(0);
    expect((await b.s.emails.loggedMessageIds([norm])).size).toBe(0);
    expect(await b.s.emails.get(scene.original.emailId)).toBeNull();
    expect(await b.s.decisions.forMessageId(reply.messageId)).toEqual([]);
    expect(await b.s.decisions.forInbox(scene.inbox.id)).toEqual([]);
    expect(await b.s.timeline.forContact('bob@acme.test')).toEqual([]);
    expect(await b.s.timeline.forCompany('Acme')).toEqual([]);
    expect(await b.s.timeline.forCompany(scene.company.id)).toEqual([]);
    expect(await b.s.timeline.forDeal(scene.deal.id)).toEqual([]);
    expect(await b.s.neverLog.entries()).toEqual([]);
    expect(await b.s.doNotTrack.entries()).toEqual([]);
    expect(await b.s.doNotTrack.get(dnt.id)).toBeNull();

    // Writes through B cannot touch A's rows.
    await expect(b.s.inboxes.markDisconnected(scene.inbox.id, 'password_rejected')).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.s.inboxes.recordTransientError(scene.inbox.id, 'x')).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.s.inboxes.reconnect(scene.inbox.id, {}, testKeys())).rejects.toMatchObject({ code: 'not_found' });
    expect(await b.s.inboxes.saveCheckpoint(ctx.handle.db, scene.inbox.id, { uidvalidity: 1, lastUid: 999 })).toBeNull();
    await expect(
      b.s.decisions.record([{ inboxId: scene.inbox.id, uidvalidity: 1, uid: 1, messageId: null, reasonCode: 'malformed' }]),
    ).rejects.toMatchObject({ code: 'not_in_account' });
    await expect(b.s.emails.logReply({ ...reply, messageId: '<other@x.test>' })).rejects.toMatchObject({ code: 'not_in_account' });
    expect(await b.s.neverLog.remove('secret.test')).toBe(0);
    expect(await b.s.doNotTrack.remove('private@acme.test', 'address')).toBe(0);
    expect(await b.s.contacts.setTrackingBasis(scene.contact.id, null)).toBeNull();
    expect(await b.s.users.setPaidSeat(scene.user.id, true)).toBeNull();
    await b.s.account.setTracking({ trackingGdpr: true, clickTrackingSeatsOnly: true });

    // A still sees its own.
    expect(await a.s.neverLog.entries()).toEqual([{ kind: 'domain', value: 'secret.test' }]);
    expect(await a.s.doNotTrack.entries()).toEqual([{ kind: 'address', value: 'private@acme.test' }]);
    expect((await a.s.contacts.get(scene.contact.id))?.trackingBasis).toBe('consent');
    expect((await a.s.users.get(scene.user.id))?.paidSeat).toBe(false);
    expect(await a.s.account.get()).toMatchObject({ trackingGdpr: false, clickTrackingSeatsOnly: false });
    expect(await a.s.timeline.forContact('BOB@acme.test')).toHaveLength(2);
    expect((await a.s.inboxes.get(scene.inbox.id))?.status).toBe('connected');
  });
});
