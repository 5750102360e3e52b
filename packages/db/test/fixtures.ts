// A small CRM scene in one account: a user with a personal inbox, a contact at a company with a
// deal, and an email the user sent that the contact can reply to.
import { normalizeMessageId, type ThreadRef } from '@reply-sync/threading';
import type { Scoped } from '../src/scoped';
import type { LogReplyInput } from '../src/queries/emails';
import { inboxInput, testKeys, uniqueMessageId } from './helpers';

export async function seedThread(s: Scoped) {
  const keys = testKeys();
  const user = await s.users.add({ email: 'ana@mail.test', name: 'Ana' });
  const inbox = await s.inboxes.create(
    inboxInput({ kind: 'personal', userId: user.id, address: 'ana@mail.test', username: 'ana' }),
    keys,
  );
  const company = await s.companies.add({ name: 'Acme', domain: 'acme.test' });
  const deal = await s.deals.add({ name: 'Acme renewal' });
  const contact = await s.contacts.add({ email: 'Bob@Acme.test', name: 'Bob', companyIds: [company.id], dealIds: [deal.id] });
  const originalMessageId = uniqueMessageId();
  const original = await s.emails.logOutbound({
    source: 'crm_send',
    messageId: originalMessageId,
    userId: user.id,
    inboxId: inbox.id,
    from: { address: 'ana@mail.test', name: 'Ana' },
    to: [{ address: 'bob@acme.test', name: 'Bob' }],
    subject: 'Renewal',
    sentAt: new Date('2024-01-01T10:00:00Z'),
    textBody: 'Shall we renew?',
  });
  return { keys, user, inbox, company, deal, contact, original, originalMessageId };
}

export type Scene = Awaited<ReturnType<typeof seedThread>>;

export async function threadOf(s: Scoped, messageId: string): Promise<ThreadRef> {
  const norm = normalizeMessageId(messageId)!;
  const ref = (await s.emails.findThreadRefs([norm])).get(norm);
  if (!ref) throw new Error(`no thread for ${messageId}`);
  return ref;
}

export async function replyInput(s: Scoped, scene: Scene, overrides: Partial<LogReplyInput> = {}): Promise<LogReplyInput> {
  const thread = await threadOf(s, scene.originalMessageId);
  return {
    inboxId: scene.inbox.id,
    uidvalidity: 1,
    uid: 10,
    messageId: uniqueMessageId(),
    from: { address: 'bob@acme.test', name: 'Bob' },
    to: [{ address: 'ana@mail.test' }],
    cc: [],
    subject: 'Re: Renewal',
    sentAt: new Date('2024-01-02T09:00:00Z'),
    receivedAt: new Date('2024-01-02T09:00:01Z'),
    textBody: 'Yes, let us renew.',
    htmlBody: null,
    inReplyTo: scene.originalMessageId,
    references: [scene.originalMessageId],
    thread,
    associations: { contactIds: [scene.contact.id], companyIds: thread.companyIds, dealIds: thread.dealIds },
    ...overrides,
  };
}
