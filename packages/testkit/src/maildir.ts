// Filling a mailbox fast: write Maildir files straight into INBOX's new/ (owned by the user's uid),
// then let Dovecot index them with one doveadm call. ~100× faster than LMTP for 10,000 messages, and
// the way to put hundreds of megabytes into a mailbox within a test's time.
import { execFile } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { stack } from './stack-config';
import type { MailUser } from './mail-users';

const execFileAsync = promisify(execFile);

export interface MailboxStatus {
  messages: number;
  uidvalidity: number;
  uidnext: number;
}

async function ensureMaildir(user: MailUser): Promise<string> {
  const maildir = join(stack.profiles[user.profile].homesDir, user.user, 'Maildir');
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    await mkdir(join(maildir, sub), { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) await chown(join(maildir, sub), user.uid, user.uid);
  }
  return maildir;
}

// Across calls in one process, so files written by successive calls keep their order and never collide.
let sequence = 0;

/** Writes the messages into INBOX (new/) in order; returns Dovecot's view after indexing. */
export async function writeMaildirMessages(user: MailUser, messages: readonly Buffer[]): Promise<MailboxStatus> {
  const maildir = await ensureMaildir(user);
  const host = hostname().replace(/[/:]/g, '_');
  const base = Math.floor(Date.now() / 1000);
  const first = sequence;
  sequence += messages.length;
  // Names sort in delivery order (Dovecot assigns UIDs to new/ in the order it reads them).
  let next = 0;
  const writers = Array.from({ length: Math.min(16, messages.length) }, async () => {
    for (let i = next++; i < messages.length; i = next++) {
      const raw = messages[i]!;
      const name = `${base}.M${String(first + i).padStart(7, '0')}P${process.pid}.${host},S=${raw.length}`;
      const path = join(maildir, 'new', name);
      await writeFile(path, raw, { mode: 0o600 });
      if (process.getuid?.() === 0) await chown(path, user.uid, user.uid);
    }
  });
  await Promise.all(writers);
  return mailboxStatus(user);
}

/** doveadm mailbox status (syncs the Maildir into Dovecot's index first, as any access does). */
export async function mailboxStatus(user: MailUser, mailbox = 'INBOX'): Promise<MailboxStatus> {
  const { stdout } = await execFileAsync('doveadm', [
    '-c',
    stack.profiles[user.profile].configPath,
    '-f',
    'flow',
    'mailbox',
    'status',
    '-u',
    user.user,
    'messages uidvalidity uidnext',
    mailbox,
  ]);
  const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(stdout)?.[1] ?? Number.NaN);
  return { messages: field('messages'), uidvalidity: field('uidvalidity'), uidnext: field('uidnext') };
}
