// One send test's world: its own account, a CRM user with a connected inbox (a Dovecot user that sends
// through the stack's Postfix), a recipient mailbox, outgoing emails saved the way `email send` saves
// them, and sendEmail deps.
import {
  createAccount,
  createDb,
  migrate,
  parseEncryptionKeys,
  scoped,
  type CreateOutgoingEmailInput,
  type DbHandle,
  type OutgoingEmail,
  type Provider,
  type Scoped,
} from '@reply-sync/db';
import { createSendEvents, createSendQueue, type SendEvents, type SendQueue, type SendRequest } from '@reply-sync/queue';
import { createMailUser, openImap, removeMailUser, stack, uniqueName, type MailUser, type ProfileName } from '@reply-sync/testkit';
import { expect } from 'vitest';
import type { SendDeps } from '../../src/send/send-email';
import { SendError } from '../../src/send/send-error';
import { startSendWorker, type StartSendWorkerOptions } from '../../src/send/send-worker';

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
  /** Saves an outgoing email from the sender's inbox (a proposal with a text body unless overridden); its job. */
  job(sender: SenderInbox, fields: Partial<CreateOutgoingEmailInput> & Pick<CreateOutgoingEmailInput, 'to'>): Promise<SendRequest>;
  /** The outgoing email as the worker left it. */
  outgoing(job: SendRequest): Promise<OutgoingEmail>;
  deps(overrides?: Partial<SendDeps>): SendDeps;
  /** A send queue of its own, its completion events and a send worker on it (closed by cleanup()). */
  sendQueue(options?: Partial<StartSendWorkerOptions>): Promise<SendQueueWorld>;
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
  const closers: (() => Promise<unknown>)[] = [];

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
    job(sender, fields) {
      return saveOutgoing(q, { inboxId: sender.inboxId, userId: sender.userId, ...fields });
    },
    async outgoing(job) {
      const row = await q.outgoingEmails.get(job.outgoingEmailId);
      expect(row).not.toBeNull();
      return row!;
    },
    deps(overrides = {}) {
      return { db: db.db, keys, ca: stack.caCert, logger: silentLogger, ...overrides };
    },
    sendQueue(options = {}) {
      return startSendQueue(closers, { db: db.db, keys, logger: silentLogger, ...options });
    },
    async cleanup() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await Promise.all(users.map((u) => removeMailUser(u).catch(() => undefined)));
      await db.close();
    },
  };
}

export interface SendQueueWorld {
  queue: SendQueue;
  events: SendEvents;
  name: string;
}

/** A send queue of its own, its completion events and a send worker on it (on `redisUrl`, default the stack's Redis); `closers` close them. */
export async function startSendQueue(
  closers: (() => Promise<unknown>)[],
  options: Pick<StartSendWorkerOptions, 'db' | 'keys' | 'logger'> & Partial<StartSendWorkerOptions>,
): Promise<SendQueueWorld> {
  const name = uniqueName('q-send');
  const redisUrl = options.redisUrl ?? stack.redisUrl;
  const queue = createSendQueue({ redisUrl, name });
  closers.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  const events = await createSendEvents({ redisUrl, name });
  closers.push(() => events.close());
  const worker = startSendWorker({ redisUrl, queueName: name, ca: stack.caCert, ...options });
  closers.push(() => worker.close());
  return { queue, events, name };
}

/** Saves an outgoing email the way `email send` does (a proposal with a text body unless overridden); its job. */
export async function saveOutgoing(q: Scoped, input: Partial<CreateOutgoingEmailInput> & Pick<CreateOutgoingEmailInput, 'inboxId' | 'to'>): Promise<SendRequest> {
  const sendId = input.sendId ?? uniqueName('send');
  const { email } = await q.outgoingEmails.create({
    userId: null,
    subject: `Proposal ${uniqueName('s')}`,
    textBody: 'Here is our proposal.',
    ...input,
    sendId,
  });
  return { accountId: q.accountId, inboxId: email.inboxId, outgoingEmailId: email.id, sendId };
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

/** A failed job's reason (`code: sentence`); the test fails if the job completed. */
export async function jobFailure(promise: Promise<unknown>): Promise<string> {
  const outcome = await promise.then(
    () => 'completed',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  expect(outcome).not.toBe('completed');
  return outcome;
}

/** The SendError a send failed with (the test fails if it succeeded or failed otherwise). */
export async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}
