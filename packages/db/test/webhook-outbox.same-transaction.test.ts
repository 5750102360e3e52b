// The webhook outbox: every change an event tells of writes its event in the same transaction, so a
// committed change has exactly one event and a rolled-back one has none; an account without a
// subscriber to the type writes nothing.
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { webhookEvents, type WebhookEventType } from '../src/schema';
import type { Scoped } from '../src/scoped';
import { inboxInput, newAccount, testKeys, uniqueMessageId, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('webhook outbox', () => {
  const ctx = useDb();
  const keys = testKeys();

  async function subscribe(s: Scoped, eventTypes: WebhookEventType[]) {
    return s.webhooks.create({ url: 'https://crm.example/hooks', eventTypes, secret: 'whsec_dGVzdA==' }, keys);
  }
  async function events(s: Scoped) {
    return ctx.handle.db.select().from(webhookEvents).where(eq(webhookEvents.accountId, s.accountId)).orderBy(webhookEvents.createdAt);
  }

  it('a logged reply and a logged CRM email each write one email.logged with ids and their source; a duplicate writes none', async () => {
    const { s } = await newAccount(ctx.handle);
    await subscribe(s, ['email.logged']);
    const scene = await seedThread(s);
    const input = await replyInput(s, scene);
    const logged = await s.emails.logReply(input);
    await s.emails.logReply({ ...input, uid: 11 }); // the same Message-ID again: a duplicate
    const list = await events(s);
    expect(list.map((e) => [e.type, e.payload.source])).toEqual([
      ['email.logged', 'crm_send'],
      ['email.logged', 'reply_sync'],
    ]);
    expect(list[1]!.id).toMatch(/^evt_[0-9a-z]+$/);
    expect(list[1]!.payload).toMatchObject({ emailId: logged.emailId, messageId: input.messageId, inboxId: scene.inbox.id, contactIds: [scene.contact.id], reason: 'logged' });
    expect(JSON.stringify(list[1]!.payload)).not.toContain('renew'); // no body, no subject
  });

  it('a batch of replies logged in one transaction (logReplies, the catch-up path) writes one email.logged per logged reply, none for its duplicates, none when the batch is refused', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    await subscribe(s, ['email.logged']);
    const now = new Date();
    const repeated = uniqueMessageId();
    const inputs = [
      await replyInput(s, scene, { uid: 1, receivedAt: now }),
      await replyInput(s, scene, { uid: 2, receivedAt: now, messageId: repeated }),
      await replyInput(s, scene, { uid: 3, receivedAt: now, messageId: repeated }),
    ];
    const { results } = await s.emails.logReplies(scene.inbox.id, inputs);
    await s.emails.logReplies(scene.inbox.id, inputs); // re-read after a crash: all duplicates
    const list = await events(s);
    expect(list.map((e) => [e.type, e.payload.source, e.payload.emailId]).sort()).toEqual(
      [results[0]!.emailId, results[1]!.emailId].map((id) => ['email.logged', 'reply_sync', id]).sort(),
    );
    expect(list[0]!.payload).toMatchObject({ inboxId: scene.inbox.id, contactIds: [scene.contact.id], reason: 'logged' });

    // A foreign association refuses the whole batch: no email, no event.
    const other = await newAccount(ctx.handle);
    const stranger = await other.s.contacts.add({ email: 'eve@else.test' });
    const refused = await replyInput(s, scene, { uid: 4, receivedAt: now });
    await expect(s.emails.logReplies(scene.inbox.id, [{ ...refused, associations: { ...refused.associations, contactIds: [stranger.id] } }])).rejects.toThrow();
    expect(await events(s)).toHaveLength(2);
  });

  it('a rolled-back change writes no event', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    await subscribe(s, ['email.logged']);
    const input = await replyInput(s, scene);
    await expect(
      ctx.handle.db.transaction(async (tx) => {
        await s.emails.logReply(tx, input);
        throw new Error('the caller gave up');
      }),
    ).rejects.toThrow('the caller gave up');
    // A reply whose association is another account's contact fails inside logReply itself.
    const other = await newAccount(ctx.handle);
    const stranger = await other.s.contacts.add({ email: 'eve@else.test' });
    await expect(s.emails.logReply({ ...input, associations: { ...input.associations, contactIds: [stranger.id] } })).rejects.toThrow();
    expect(await events(s)).toEqual([]);
    expect(await s.emails.getByMessageId(input.messageId)).toBeNull();
  });

  it('no subscriber to the type, or none at all: nothing is written', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s); // no endpoint yet
    await subscribe(s, ['inbox.disconnected']);
    await s.emails.logReply(await replyInput(s, scene));
    expect(await events(s)).toEqual([]);
  });

  it('inbox connected, disconnected (code and the provider\'s text; once per change), reconnected', async () => {
    const { s } = await newAccount(ctx.handle);
    await subscribe(s, ['inbox.connected', 'inbox.disconnected', 'inbox.reconnected']);
    const inbox = await s.inboxes.create(inboxInput(), keys);
    await s.inboxes.markDisconnected(inbox.id, 'password_rejected', 'AUTHENTICATIONFAILED Authentication failed.');
    await s.inboxes.markDisconnected(inbox.id, 'password_rejected', 'again');
    await s.inboxes.reconnect(inbox.id, { password: 'new' }, keys);
    await s.inboxes.markDisconnected(inbox.id, 'server_unreachable', null);
    await s.inboxes.markConnected(inbox.id);
    const list = await events(s);
    expect(list.map((e) => e.type)).toEqual(['inbox.connected', 'inbox.disconnected', 'inbox.reconnected', 'inbox.disconnected', 'inbox.reconnected']);
    expect(list[1]!.payload).toEqual({ inboxId: inbox.id, address: inbox.address, code: 'password_rejected', providerText: 'AUTHENTICATIONFAILED Authentication failed.' });
  });

  it('a CRM send: email.sent once when it becomes sent, email.send_failed with code and sentence', async () => {
    const { s } = await newAccount(ctx.handle);
    await subscribe(s, ['email.sent', 'email.send_failed']);
    const scene = await seedThread(s);
    const base = { inboxId: scene.inbox.id, userId: scene.user.id, to: ['bob@acme.test'], subject: 'Hi', textBody: 'x' };
    const sent = (await s.outgoingEmails.create({ ...base, sendId: 'one' })).email;
    await s.outgoingEmails.markSent(sent.id, { emailId: scene.original.emailId, rejected: [] });
    await s.outgoingEmails.markSent(sent.id, { emailId: scene.original.emailId, rejected: [] });
    const failed = (await s.outgoingEmails.create({ ...base, sendId: 'two' })).email;
    await s.outgoingEmails.markFailed(failed.id, 'recipient_refused: The server refused every recipient.');
    await s.outgoingEmails.markFailed(sent.id, 'late: ignored, it was sent');
    const list = await events(s);
    expect(list.map((e) => [e.type, e.payload.outgoingEmailId])).toEqual([
      ['email.sent', sent.id],
      ['email.send_failed', failed.id],
    ]);
    expect(list[1]!.payload).toMatchObject({ sendId: 'two', code: 'recipient_refused', sentence: 'The server refused every recipient.' });
  });

  it('a disabled endpoint subscribes to nothing', async () => {
    const { s } = await newAccount(ctx.handle);
    const endpoint = await subscribe(s, ['inbox.connected']);
    await ctx.handle.db.execute(sql`UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'test' WHERE id = ${endpoint.id}`);
    await s.inboxes.create(inboxInput({ address: `x-${uniqueMessageId().slice(1, 9)}@mail.test` }), keys);
    expect(await events(s)).toEqual([]);
  });
});
