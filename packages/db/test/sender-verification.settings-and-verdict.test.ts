// Sender verification in the database: the account's policy (default flag), each inbox's trusted
// authserv-ids (default by provider), both carried into the InboxContext decide() reads, and the
// verdict stored on the logged reply and shown on the timeline.
import { NO_AUTHSERV_ID, verifySender } from '@reply-sync/threading';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { trustedAuthservIdsOf } from '../src/queries/inboxes';
import { inboxInput, newAccount, testKeys, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('sender verification settings and verdicts', () => {
  const ctx = useDb();

  it("the account's policy is flag until set, and setting it touches no other account", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    expect(await a.s.account.senderVerification()).toBe('flag');
    expect((await a.s.account.setSenderVerification('require')).senderVerification).toBe('require');
    expect(await a.s.account.senderVerification()).toBe('require');
    expect(await b.s.account.senderVerification()).toBe('flag');
    await expect(ctx.handle.db.execute(sql`update accounts set sender_verification = 'maybe' where id = ${a.account.id}`)).rejects.toMatchObject({
      cause: { constraint_name: 'accounts_sender_verification_ck' },
    });
  });

  it("an inbox trusts its provider's server until given its own list; null goes back to the default", async () => {
    const { s } = await newAccount(ctx.handle);
    const keys = testKeys();
    const gmail = await s.inboxes.create(inboxInput({ provider: 'gmail' }), keys);
    const office = await s.inboxes.create(inboxInput({ provider: 'office365' }), keys);
    const imap = await s.inboxes.create(inboxInput(), keys);
    expect([gmail, office, imap].map((i) => i.trustedAuthservIds)).toEqual([null, null, null]);
    expect(trustedAuthservIdsOf(gmail)).toEqual(['mx.google.com']);
    expect(trustedAuthservIdsOf(office)).toEqual([NO_AUTHSERV_ID]);
    expect(trustedAuthservIdsOf(imap)).toEqual([]);

    const set = await s.inboxes.setTrustedAuthservIds(imap.id, [' MX.Ourco.example', 'mx.ourco.example', 'filter.ourco.example']);
    expect(set.trustedAuthservIds).toEqual(['mx.ourco.example', 'filter.ourco.example']);
    expect((await s.inboxes.setTrustedAuthservIds(gmail.id, [])).trustedAuthservIds).toEqual([]);
    expect(trustedAuthservIdsOf((await s.inboxes.get(gmail.id))!)).toEqual([]);
    expect(trustedAuthservIdsOf(await s.inboxes.setTrustedAuthservIds(gmail.id, null))).toEqual(['mx.google.com']);

    const created = await s.inboxes.create(inboxInput({ trustedAuthservIds: ['MX.Example.org'] }), keys);
    expect(created.trustedAuthservIds).toEqual(['mx.example.org']);
    await expect(s.inboxes.setTrustedAuthservIds('00000000-0000-0000-0000-000000000000', null)).rejects.toMatchObject({ code: 'not_found' });
  });

  it("the InboxContext carries the inbox's trusted ids and the account's policy", async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput({ provider: 'gmail' }), testKeys());
    expect(await s.inboxes.context(inbox.id)).toMatchObject({ trustedAuthservIds: ['mx.google.com'], senderVerification: 'flag' });
    await s.account.setSenderVerification('require');
    await s.inboxes.setTrustedAuthservIds(inbox.id, ['mx.ourco.example']);
    expect(await s.inboxes.context(inbox.id)).toMatchObject({ trustedAuthservIds: ['mx.ourco.example'], senderVerification: 'require' });
  });

  it('the verdict is stored on the logged reply and shown on the timeline; a reply logged without one has nulls', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const verdict = verifySender({
      authenticationResults: ['mx.ourco.example; spf=fail smtp.mailfrom=acme.test; dmarc=fail header.from=acme.test'],
      from: 'bob@acme.test',
      trustedAuthservIds: ['mx.ourco.example'],
    });
    const unverified = await s.emails.logReply(await replyInput(s, scene, { senderVerification: verdict }));
    const plain = await s.emails.logReply(await replyInput(s, scene, { uid: 11 }));
    const byId = new Map((await s.timeline.forContact('bob@acme.test')).map((e) => [e.id, e]));
    expect(byId.get(unverified.emailId!)).toMatchObject({
      authVerified: false,
      authDmarc: 'fail',
      authDkim: null,
      authDkimAligned: false,
      authSpf: 'fail',
      authDetail: 'mx.ourco.example: dmarc=fail header.from=acme.test; spf=fail',
    });
    expect(byId.get(plain.emailId!)).toMatchObject({ authVerified: null, authDmarc: null, authDkimAligned: null, authDetail: null });
  });
});
