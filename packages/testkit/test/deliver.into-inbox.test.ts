// deliver() puts real MIME from composeEmail() into INBOX by LMTP; appendTo() files into other mailboxes.
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendTo,
  composeEmail,
  createMailbox,
  createMailUser,
  deliver,
  openImap,
  removeMailUser,
  uniqueName,
  type MailUser,
} from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function headersOf(user: MailUser, mailbox: string): Promise<string[]> {
  const client = await openImap(user);
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const out: string[] = [];
      for await (const m of client.fetch('1:*', { headers: ['message-id', 'in-reply-to', 'references', 'subject'] })) {
        out.push(m.headers?.toString() ?? '');
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('deliver', () => {
  it.each(['standard', 'gmail'] as const)('delivers a composed reply into a %s user INBOX with its threading headers', async (profile) => {
    const user = await createMailUser({ profile });
    users.push(user);
    const id = `${uniqueName('msg')}@contact.test`;
    const raw = await composeEmail({
      from: 'Ana Contact <ana@contact.test>',
      to: user.address,
      subject: 'Re: our proposal',
      messageId: id,
      inReplyTo: '<original@crm.test>',
      references: ['<root@crm.test>', '<original@crm.test>'],
      text: 'Sounds good.',
    });
    await deliver(user, raw);
    const headers = await headersOf(user, 'INBOX');
    expect(headers).toHaveLength(1);
    expect(headers[0]).toContain(`<${id}>`);
    expect(headers[0]).toMatch(/In-Reply-To: <original@crm\.test>/i);
    expect(headers[0]).toMatch(/References: <root@crm\.test> <original@crm\.test>/i);
  });

  it('rejects a recipient Dovecot does not know', async () => {
    const raw = await composeEmail({ from: 'a@contact.test', to: 'nobody@mail.test', subject: 'x', text: 'x' });
    await expect(deliver(`${uniqueName('nobody')}@mail.test`, raw)).rejects.toThrow(/rejected|550|User doesn't exist/i);
  });
});

describe('appendTo and createMailbox', () => {
  it('files a message into Junk and into a new subfolder, with flags', async () => {
    const user = await createMailUser();
    users.push(user);
    const raw = await composeEmail({ from: 'spam@spam.test', to: user.address, subject: 'win', text: 'x' });
    const junk = await appendTo(user, 'Junk', raw, ['\\Seen']);
    expect(junk.uid).toBe(1);
    await createMailbox(user, 'Clients.Acme');
    await appendTo(user, 'Clients.Acme', raw);

    const client = await openImap(user);
    try {
      const list = await client.list();
      expect(list.map((m) => m.path)).toContain('Clients.Acme');
      const status = await client.status('Clients.Acme', { messages: true });
      expect(status && status.messages).toBe(1);
      const lock = await client.getMailboxLock('Junk');
      try {
        const msg = await client.fetchOne('1', { flags: true });
        expect(msg && msg.flags?.has('\\Seen')).toBe(true);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });
});
