// Both Dovecot profiles show the special-use mailboxes clients look for; gmail with Gmail's names.
import { afterEach, describe, expect, it } from 'vitest';
import { createMailUser, openImap, removeMailUser, stack, type MailUser } from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function listOf(profile: 'standard' | 'gmail') {
  const user = await createMailUser({ profile });
  users.push(user);
  const client = await openImap(user);
  try {
    return await client.list();
  } finally {
    await client.logout();
  }
}

describe('special-use mailboxes', () => {
  it('gmail profile lists [Gmail]/Sent Mail as \\Sent, Spam as \\Junk, and [Gmail] as \\Noselect', async () => {
    const list = await listOf('gmail');
    const byPath = new Map(list.map((m) => [m.path, m]));
    expect(byPath.get('[Gmail]/Sent Mail')?.specialUse).toBe('\\Sent');
    expect(byPath.get('[Gmail]/Spam')?.specialUse).toBe('\\Junk');
    expect(byPath.get('[Gmail]/Drafts')?.specialUse).toBe('\\Drafts');
    expect(byPath.get('[Gmail]/Trash')?.specialUse).toBe('\\Trash');
    expect(byPath.get('[Gmail]/All Mail')?.specialUse).toBe('\\All');
    expect(byPath.get('[Gmail]/Sent Mail')?.delimiter).toBe('/');
    const parent = byPath.get('[Gmail]');
    expect(parent?.flags.has('\\Noselect')).toBe(true);
    expect(stack.profiles.gmail.separator).toBe('/');
  });

  it('standard profile lists Sent, Drafts, Junk, Trash, Archive with "." as separator', async () => {
    const list = await listOf('standard');
    const use = Object.fromEntries(list.map((m) => [m.path, m.specialUse]));
    expect(use).toMatchObject({
      INBOX: '\\Inbox',
      Sent: '\\Sent',
      Drafts: '\\Drafts',
      Junk: '\\Junk',
      Trash: '\\Trash',
      Archive: '\\Archive',
    });
    expect(list.find((m) => m.path === 'Sent')?.delimiter).toBe(stack.profiles.standard.separator);
  });
});
