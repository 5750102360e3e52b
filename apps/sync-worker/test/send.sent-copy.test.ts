// A CRM send through the stack's Postfix reaches the recipient's INBOX, is logged as the sender's
// thread, and its exact bytes sit once in the sender's \Sent mailbox (both Dovecot profiles), flagged
// \Seen, however often the job is retried; provider inboxes (gmail, office365) get no appended copy.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, type ProfileName } from '@reply-sync/testkit';
import { sendEmail } from '../src/send/send-email';
import { createSendFixture, messagesIn, SENT_MAILBOX, type SendFixture } from './send-helpers/send-fixture';

let fx: SendFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const bare = (id: string) => id.replace(/^<|>$/g, '');

describe.each<ProfileName>(['standard', 'gmail'])('a CRM send from a %s-profile inbox', (profile) => {
  it('arrives in the INBOX, is logged, and sits once in Sent flagged \\Seen even when retried', async () => {
    fx = await createSendFixture(`sent-${profile}`);
    const sender = await fx.addSender({ profile });
    const recipient = await fx.mailUser('standard');
    const job = await fx.job(sender, { to: [recipient.address], attachments: [{ filename: 'quote.txt', content: Buffer.from('42 EUR') }] });
    const deps = fx.deps();

    const result = await sendEmail(job, deps);
    expect(result).toMatchObject({ sentCopyStatus: 'appended', alreadySent: false, rejected: [] });
    expect(result.messageId).toMatch(new RegExp(`^<[0-9a-f]{32}\\.crm@${sender.mailUser.address.split('@')[1]!.replace('.', '\\.')}>$`));

    const inbox = await waitFor(async () => (await messagesIn(recipient, 'INBOX')).filter((m) => m.messageId === result.messageId), {
      what: "the email in the recipient's INBOX",
      timeoutMs: 15_000,
    });
    expect(inbox).toHaveLength(1);

    const sent = await messagesIn(sender.mailUser, SENT_MAILBOX[profile]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.messageId).toBe(result.messageId);
    expect(sent[0]!.flags).toContain('\\Seen');
    // The exact bytes SMTP sent, as the outgoing email keeps them.
    const outgoing = await fx.outgoing(job);
    expect(sent[0]!.source.equals(outgoing.raw!)).toBe(true);
    expect(outgoing).toMatchObject({ status: 'sent', emailId: result.emailId, messageId: result.messageId, rejected: [] });

    const email = await fx.q.emails.get(result.emailId);
    expect(email).toMatchObject({ source: 'crm_send', direction: 'outbound', threadOwnerUserId: sender.userId, inboxId: sender.inboxId, sentCopyStatus: 'appended' });
    // The recipient was not a contact: now one, owned by the sender, and on the email's timeline.
    const contact = await fx.q.contacts.findByEmail(recipient.address);
    expect(contact?.ownerUserId).toBe(sender.userId);
    const timeline = await fx.q.timeline.forContact(recipient.address);
    expect(timeline.map((e) => e.id)).toContain(result.emailId);
    expect(timeline.find((e) => e.id === result.emailId)?.attachments.map((a) => a.filename)).toEqual(['quote.txt']);

    // A retry after everything (the job ran again): nothing sent, nothing appended.
    const again = await sendEmail(job, deps);
    expect(again).toMatchObject({ emailId: result.emailId, alreadySent: true, sentCopyStatus: 'appended' });
    // A retry after the APPEND but before the status was saved: the copy is found, not appended again.
    await fx.q.emails.setSentCopyStatus(result.emailId, 'pending');
    const afterCrash = await sendEmail(job, deps);
    expect(afterCrash).toMatchObject({ alreadySent: true, sentCopyStatus: 'appended' });

    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second delivery would be in by now
    expect((await messagesIn(recipient, 'INBOX')).filter((m) => m.messageId === result.messageId)).toHaveLength(1);
    expect(await messagesIn(sender.mailUser, SENT_MAILBOX[profile])).toHaveLength(1);
    expect(bare(result.messageId)).toBe((await fx.q.emails.getByMessageId(result.messageId))?.messageIdNorm);
  });
});

describe.each(['gmail', 'office365'] as const)('a CRM send from a %s-provider inbox', (provider) => {
  it('is sent and logged, and no copy is appended (the provider files it)', async () => {
    fx = await createSendFixture(`provider-${provider}`);
    const sender = await fx.addSender({ provider });
    const recipient = await fx.mailUser('standard');
    const result = await sendEmail(await fx.job(sender, { to: [recipient.address] }), fx.deps());
    expect(result.sentCopyStatus).toBe('skipped_provider_files_sent');
    await waitFor(async () => (await messagesIn(recipient, 'INBOX')).some((m) => m.messageId === result.messageId), {
      what: "the email in the recipient's INBOX",
      timeoutMs: 15_000,
    });
    expect(await messagesIn(sender.mailUser, 'Sent')).toHaveLength(0);
    expect((await fx.q.emails.get(result.emailId))?.sentCopyStatus).toBe('skipped_provider_files_sent');
  });
});

describe('a send run again after a crash between logging the email and recording the result', () => {
  it('sends once: the retry finds the logged email by its Message-ID and records the send', async () => {
    fx = await createSendFixture('double');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser('standard');
    const job = await fx.job(sender, { to: [recipient.address] });
    const first = await sendEmail(job, fx.deps());
    // The worker died after logOutbound: the outgoing email still looks pending (its SMTP mark set).
    await fx.db.db.execute(`update outgoing_emails set status = 'pending', email_id = null, sent_at = null where id = '${job.outgoingEmailId}'`);
    const second = await sendEmail(job, fx.deps());
    expect(second).toMatchObject({ emailId: first.emailId, messageId: first.messageId, alreadySent: true });
    expect(await fx.outgoing(job)).toMatchObject({ status: 'sent', emailId: first.emailId });
    await waitFor(async () => (await messagesIn(recipient, 'INBOX')).length > 0, { what: 'the delivery', timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesIn(recipient, 'INBOX')).toHaveLength(1);
  });
});
