// One send test's world: its own account, a CRM user with a connected inbox (a Dovecot user that sends
// through the stack's Postfix), a recipient mailbox, and sendEmail deps with an in-memory state store.
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type DbHandle, type Provider, type Scoped } from '@reply-sync/db';
import type { SendJobData } from '@reply-sync/queue';
import { createMailUser, openImap, removeMailUser, stack, uniqueName, type MailUser, type ProfileName } from '@reply-sync/testkit';
import { expect } from 'vitest';
import { memoryStateStore, type SendDeps } from '../../src/send/send-email';
import { SendError } from '../../src/send/send-error';

let migrated: Promise<void> | null = null;

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface SenderInbox {
  inboxId: string;
  userId: string;
  mailUser: MailUser;
}

export interface SendFixture {
  db: DbHandle;
  q: Scoped;
  accountId: string;
  keys: ReturnType<typeof parseEncryptionKeys>;
  /** A CRM user and a connected inbox for a new Dovecot user of `profile`. */
  addSender(options?: { profile?: ProfileName; provider?: Provider; password?: string }): Promise<SenderInbox>;
  mailUser(profile?: ProfileName): Promise<MailUser>;
  job(sender: SenderInbox, overrides?: Partial<SendJobData>): SendJobData;
  deps(overrides?: Partial<SendDeps>): SendDeps & { state: ReturnType<typeof memoryStateStore> };
  cleanup(): Promise<void>;
}

export async function createSendFixture(name: string): Promise<SendFixture> {
  migrated ??= migrate(stack.databaseUrl);
  await migrated;
  const db = createDb(stack.databaseUrl, { max: 3 });
  const account = await createAccount(db.db, uniqueName(`send-${name}`));
  const q = scoped(db.db, account.id);
  const keys = parseEncryptionKeys(stack.encryptionKeys);
  const users: MailUser[] = [];

  async function mailUser(profile: ProfileName = 'standard'): Promise<MailUser> {
    const u = await createMailUser({ profile });
    users.push(u);
    return u;
  }

  return {
    db,
    q,
    accountId: account.id,
    keys,
    mailUser,
    async addSender(options = {}) {
      const profile = options.profile ?? 'standard';
      const u = await mailUser(profile);
      const p = stack.profiles[profile];
      const user = await q.users.add({ email: u.address, name: 'Sam Sender' });
      const inbox = await q.inboxes.create(
        {
          userId: user.id,
          kind: 'personal',
          provider: options.provider ?? 'imap',
          address: u.address,
          imapHost: p.host,
          imapPort: p.imapPort,
          imapTls: 'starttls',
          smtpHost: stack.smtp.host,
          smtpPort: stack.smtp.submissionPort,
          smtpTls: 'starttls',
          username: u.user,
          credentials: { password: options.password ?? u.password },
        },
        keys,
      );
      return { inboxId: inbox.id, userId: user.id, mailUser: u };
    },
    job(sender, overrides = {}) {
      return {
        accountId: account.id,
        inboxId: sender.inboxId,
        sendId: uniqueName('send'),
        to: [],
        subject: `Proposal ${uniqueName('s')}`,
        text: 'Here is our proposal.',
        ...overrides,
      };
    },
    deps(overrides = {}) {
      return { db: db.db, keys, ca: stack.caCert, logger: silentLogger, state: memoryStateStore(), ...overrides } as SendDeps & {
        state: ReturnType<typeof memoryStateStore>;
      };
    },
    async cleanup() {
      await Promise.all(users.map((u) => removeMailUser(u).catch(() => undefined)));
      await db.close();
    },
  };
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  messageId: string | undefined;
  source: Buffer;
}

/** The messages of one mailbox (read-only, nothing marked seen). */
export async function messagesIn(user: MailUser, mailbox: string): Promise<StoredMessage[]> {
  const client = await openImap(user);
  try {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const status = client.mailbox;
      if (!status || status.exists === 0) return [];
      const out: StoredMessage[] = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, source: true })) {
        out.push({ uid: m.uid, flags: [...(m.flags ?? [])], messageId: m.envelope?.messageId, source: m.source ?? Buffer.alloc(0) });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export const SENT_MAILBOX: Record<ProfileName, string> = { standard: 'Sent', gmail: '[Gmail]/Sent Mail' };

/** The SendError a send failed with (the test fails if it succeeded or failed otherwise). */
export async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}
