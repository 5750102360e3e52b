// A reply filed outside the INBOX (a subfolder, Junk) is never examined by the worker, which reads only
// the INBOX; `explain` finds it in the inbox's folders, records the decision (not_in_inbox, with the
// folder's UID) and prints its sentence. Nothing on the server is marked \Seen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REASON_SENTENCES } from '@reply-sync/threading';
import { appendTo, composeEmail, createMailbox, createMailUser, openImap, removeMailUser, uniqueName, type MailUser } from '@reply-sync/testkit';
import { addContact } from '@reply-sync/operations/contacts';
import { logEmail } from '@reply-sync/operations/log-email';
import { cli, connectTestInbox, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let ana: MailUser;
beforeEach(async () => {
  [t, ana] = await Promise.all([freshAccount(), createMailUser({ profile: 'standard' })]);
});
afterEach(async () => {
  await t?.close();
  await removeMailUser(ana).catch(() => undefined);
});

async function seen(user: MailUser, mailbox: string): Promise<boolean> {
  const client = await openImap(user);
  try {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const rows = await client.fetchAll('1:*', { flags: true });
    return rows.some((r) => r.flags?.has('\\Seen'));
  } finally {
    await client.logout();
  }
}

describe('explain for a reply the worker never sees', () => {
  it('records and prints not_in_inbox for replies in INBOX.Projects and in Junk', async () => {
    const { inbox } = await connectTestInbox(t, ana, 'Ana');
    await addContact(t.s, { email: 'bob@acme.test', name: 'Bob', ownerEmail: ana.address });
    const original = `<${uniqueName('proposal')}@mail.test>`;
    await logEmail(t.s, { raw: await composeEmail({ from: ana.address, to: 'bob@acme.test', subject: 'Proposal', messageId: original, text: 'Hi' }), userEmail: ana.address });

    const reply = async (tag: string) => {
      const messageId = `<${uniqueName(tag)}@acme.test>`;
      const raw = await composeEmail({ from: 'Bob <bob@acme.test>', to: ana.address, subject: 'Re: Proposal', messageId, inReplyTo: original, references: original, text: 'Yes' });
      return { messageId, raw };
    };
    const filed = await reply('filed');
    const junk = await reply('junk');
    await createMailbox(ana, 'INBOX.Projects');
    const filedAt = await appendTo(ana, 'INBOX.Projects', filed.raw);
    const junkAt = await appendTo(ana, 'Junk', junk.raw);

    const human = await cli(['explain', '--account', t.accountId, filed.messageId]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`SKIPPED  not_in_inbox  (inbox ${ana.address}, uid ${filedAt.uid})`);
    expect(human.stdout).toContain(REASON_SENTENCES.not_in_inbox);
    expect(human.stdout).toContain('detail: mailbox INBOX.Projects');
    expect(human.stdout).toContain(`found in INBOX.Projects of ${ana.address}, uid ${filedAt.uid}: not_in_inbox (decision recorded now)`);

    const json = await cli(['explain', '--account', t.accountId, '--json', junk.messageId]);
    expect(json.code).toBe(0);
    const e = json.json();
    expect(e.decisions).toEqual([
      expect.objectContaining({ reasonCode: 'not_in_inbox', sentence: REASON_SENTENCES.not_in_inbox, uid: junkAt.uid, uidvalidity: Number(junkAt.uidValidity), detail: 'mailbox Junk (\\Junk)' }),
    ]);
    expect(e.looked.found).toEqual([expect.objectContaining({ mailbox: 'Junk', specialUse: '\\Junk', outcome: 'recorded', reasonCode: 'not_in_inbox' })]);

    // Recorded: the next explain reads it from the database without connecting again.
    const rows = await t.s.decisions.forMessageId(filed.messageId);
    expect(rows).toEqual([expect.objectContaining({ inboxId: inbox.id, reasonCode: 'not_in_inbox', uid: filedAt.uid, uidvalidity: Number(filedAt.uidValidity), fromAddress: 'bob@acme.test' })]);
    const again = await cli(['explain', '--account', t.accountId, '--json', '--no-look', filed.messageId]);
    expect(again.json().looked).toBeUndefined();
    expect(again.json().decisions).toHaveLength(1);
    // --look searches again; the row is already there.
    const look = await cli(['explain', '--account', t.accountId, '--json', '--look', '--inbox', inbox.id, filed.messageId]);
    expect(look.json().looked.found).toEqual([expect.objectContaining({ outcome: 'already_recorded' })]);

    expect(await seen(ana, 'INBOX.Projects')).toBe(false);
    expect(await seen(ana, 'Junk')).toBe(false);
  });

  it('says where it looked when the message is in no folder', async () => {
    await connectTestInbox(t, ana);
    const run = await cli(['explain', '--account', t.accountId, '<nowhere@acme.test>']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No decision is recorded for it');
    expect(run.stdout).toContain(`Looked for it in the folders of: ${ana.address}.`);
    expect(run.stdout).toContain('It is in none of their folders');
  });
});
