// Against the real Dovecot of the test stack: locateMessage finds a message by Message-ID in whatever
// folder it was filed (a subfolder, Junk/Spam, the INBOX), headers only, and marks nothing \Seen.
import { appendTo, composeEmail, createMailbox, createMailUser, openImap, removeMailUser, stack, uniqueName, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapClient } from '../src/create-imap-client';
import { locateMessage } from '../src/locate-message';

const FIELDS = ['message-id', 'in-reply-to', 'references', 'from', 'to', 'subject', 'date'];

let ana: MailUser;
let gina: MailUser;
beforeAll(async () => {
  [ana, gina] = await Promise.all([createMailUser({ profile: 'standard' }), createMailUser({ profile: 'gmail' })]);
});
afterAll(async () => {
  await Promise.all([removeMailUser(ana), removeMailUser(gina)]);
});

async function message(tag: string) {
  const messageId = `<${uniqueName(tag)}@acme.test>`;
  const raw = await composeEmail({ from: 'Bob <bob@acme.test>', to: 'ana@mail.test', subject: `Re: ${tag}`, messageId, inReplyTo: '<orig@mail.test>', text: 'secret body text' });
  return { messageId, raw };
}

async function locate(user: MailUser, messageId: string) {
  const p = stack.profiles[user.profile];
  const client = createImapClient({ host: p.host, port: p.imapPort, tls: 'starttls' }, { kind: 'password', username: user.user, password: user.password }, { ca: stack.caCert });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await locateMessage(client, messageId, { headerFields: FIELDS });
  } finally {
    await client.logout();
  }
}

async function seenFlags(user: MailUser, mailbox: string): Promise<string[][]> {
  const client = await openImap(user);
  try {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const rows = await client.fetchAll('1:*', { flags: true });
    return rows.map((r) => [...(r.flags ?? [])]);
  } finally {
    await client.logout();
  }
}

describe('locateMessage', () => {
  it('finds a reply filed in a subfolder and one in Junk (standard profile), headers only, nothing \\Seen', async () => {
    await createMailbox(ana, 'INBOX.Projects');
    const filed = await message('filed');
    const junk = await message('junk');
    const other = await message('other');
    const a = await appendTo(ana, 'INBOX.Projects', filed.raw);
    await appendTo(ana, 'INBOX.Projects', other.raw);
    const j = await appendTo(ana, 'Junk', junk.raw);

    const hits = await locate(ana, filed.messageId);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ mailbox: 'INBOX.Projects', specialUse: null, uid: a.uid, uidValidity: Number(a.uidValidity) });
    const headers = hits[0]!.headers.toString();
    expect(headers).toContain(filed.messageId);
    expect(headers).not.toContain('secret body text');
    expect(hits[0]!.internalDate).toBeInstanceOf(Date);

    // Without angle brackets too.
    const junkHits = await locate(ana, junk.messageId.slice(1, -1));
    expect(junkHits).toEqual([expect.objectContaining({ mailbox: 'Junk', specialUse: '\\Junk', uid: j.uid })]);

    expect(await locate(ana, '<nowhere@acme.test>')).toEqual([]);
    for (const box of ['INBOX.Projects', 'Junk']) for (const flags of await seenFlags(ana, box)) expect(flags).not.toContain('\\Seen');
  });

  it('gmail profile: finds it in INBOX/Projects and [Gmail]/Spam, not again in [Gmail]/All Mail', async () => {
    await createMailbox(gina, 'INBOX/Projects');
    const filed = await message('gfiled');
    await appendTo(gina, 'INBOX/Projects', filed.raw);
    await appendTo(gina, '[Gmail]/Spam', filed.raw);
    await appendTo(gina, '[Gmail]/All Mail', filed.raw);

    const hits = await locate(gina, filed.messageId);
    expect(hits.map((h) => [h.mailbox, h.specialUse]).sort()).toEqual([
      ['INBOX/Projects', null],
      ['[Gmail]/Spam', '\\Junk'],
    ]);
    for (const box of ['INBOX/Projects', '[Gmail]/Spam']) for (const flags of await seenFlags(gina, box)) expect(flags).not.toContain('\\Seen');
  });
});
