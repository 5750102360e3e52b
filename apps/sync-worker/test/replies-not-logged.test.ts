// Replies that must not reach the timeline, each with the reason code support will read: from an alias,
// from a non-contact, to a never-log recipient, in a colleague's inbox, not a reply at all, and the ones
// filed outside the INBOX (subfolder, Junk), which the worker never reads.
import { afterEach, describe, expect, it } from 'vitest';
import { appendTo, createMailbox, deliver, uniqueName, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

describe('replies that are not logged', () => {
  it('records each with its reason code and logs only the genuine reply', async () => {
    fx = await createFixture('skips');
    // A second contact whose domain is on the never-log list, with a logged email to reply to.
    const secretContact = `${uniqueName('bob')}@nolog-${uniqueName('d')}.test`;
    await fx.q.contacts.add({ email: secretContact });
    const secretOutbound = `${uniqueName('out')}@crm.test`;
    await fx.q.emails.logOutbound({
      source: 'crm_send',
      messageId: `<${secretOutbound}>`,
      userId: fx.userId,
      inboxId: fx.inboxId,
      from: { address: fx.mailUser.address },
      to: [{ address: secretContact }],
      subject: 'Confidential',
      sentAt: new Date(),
    });
    await fx.q.neverLog.add('domain', secretContact.split('@')[1]!);
    const colleague = await fx.addInbox();
    await createMailbox(fx.mailUser, 'Projects');

    await fx.enqueue([fx.inboxId, colleague.inboxId]);
    await fx.startWorker();
    await waitFor(
      async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity && (await fx.q.inboxes.get(colleague.inboxId))?.uidvalidity,
      { what: 'both baselines' },
    );

    const alias = await fx.deliverReply({ from: `ana.alias@client.test` });
    const stranger = await fx.deliverReply({ from: `stranger@elsewhere.test` });
    const neverLog = await fx.deliverReply({
      from: secretContact,
      inReplyTo: `<${secretOutbound}>`,
      references: `<${secretOutbound}>`,
    });
    const notReply = await fx.deliverReply({ inReplyTo: undefined, references: undefined, subject: 'Hello' });
    const inSubfolder = await fx.reply();
    await appendTo(fx.mailUser, 'Projects', inSubfolder.raw);
    const inJunk = await fx.reply();
    await appendTo(fx.mailUser, 'Junk', inJunk.raw);
    const toColleague = await fx.reply({ to: colleague.mailUser.address });
    await deliver(colleague.mailUser, toColleague.raw);
    // The genuine reply comes last: once it is logged, everything before it was decided.
    const genuine = await fx.deliverReply();

    await waitFor(async () => (await fx.q.emails.getByMessageId(genuine).catch(() => null)) !== null, {
      what: 'the genuine reply logged',
      timeoutMs: 15_000,
    });
    const colleagueDecisions = await waitFor(async () => {
      const rows = await fx.decisions(colleague.inboxId);
      return rows.length > 0 ? rows : null;
    }, { what: "the colleague inbox's decision" });

    const reasons = Object.fromEntries((await fx.decisions()).map((d) => [d.messageIdNorm, d.reasonCode]));
    expect(reasons).toEqual({
      [alias]: 'sender_not_contact',
      [stranger]: 'sender_not_contact',
      [neverLog]: 'never_log',
      [notReply]: 'not_a_reply',
      [genuine]: 'logged',
    });
    expect(colleagueDecisions).toEqual([expect.objectContaining({ messageIdNorm: toColleague.messageId, reasonCode: 'not_thread_owner' })]);

    // Outside the INBOX nothing is read, so nothing is recorded or logged.
    for (const id of [inSubfolder.messageId, inJunk.messageId]) {
      expect(await fx.q.decisions.forMessageId(id)).toEqual([]);
    }
    const timeline = (await fx.q.timeline.forContact(fx.contact.email)).map((e) => e.messageIdNorm);
    expect(timeline).toContain(genuine);
    for (const id of [alias, stranger, neverLog, notReply, inSubfolder.messageId, inJunk.messageId, toColleague.messageId]) {
      expect(timeline).not.toContain(id);
      expect(await fx.q.emails.getByMessageId(id)).toBeNull();
    }
  });
});
