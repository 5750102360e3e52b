// One test's world: its own account, CRM user, Dovecot user + connected inbox, a contact with a company
// and a deal, a logged outbound email to reply to, its own queue, and a real worker (startWorker) on it.
import { createAccount, createDb, migrate, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { createRedisConnection, deleteFleet, registerInboxes } from '@reply-sync/queue';
import {
  composeEmail,
  createMailUser,
  deliver,
  stack,
  uniqueName,
  type ComposeEmailInput,
  type MailUser,
} from '@reply-sync/testkit';
import { createMetrics } from '../../src/metrics';
import { parseWorkerEnv } from '../../src/env';
import { createLogger } from '../../src/logger';
import { startWorker, type RunningWorker } from '../../src/worker';

let migrated: Promise<void> | null = null;
let sharedDb: DbHandle | null = null;

export function testDb(): DbHandle {
  sharedDb ??= createDb(stack.databaseUrl, { max: 5 });
  return sharedDb;
}

export async function closeTestDb(): Promise<void> {
  await sharedDb?.close();
  sharedDb = null;
}

export interface AddInboxOptions {
  userEmail?: string;
  /** Where the inbox's IMAP goes (default the stack's standard Dovecot, STARTTLS): e.g. a proxy in front of it. */
  imap?: { host: string; port: number; tls: 'tls' | 'starttls' | 'none' };
}

export interface Fixture {
  db: DbHandle;
  q: Scoped;
  accountId: string;
  userId: string;
  mailUser: MailUser;
  inboxId: string;
  contact: { id: string; email: string };
  companyId: string;
  dealId: string;
  /** The CRM's email the replies answer (Message-ID without brackets). */
  outbound: { messageId: string; subject: string };
  /** The test's own fleet (REPLY_SYNC_QUEUE): its registry and membership. */
  queueName: string;
  redis: Redis;
  /** A reply from the contact to the outbound email, with overrides. */
  reply(overrides?: Partial<ComposeEmailInput>): Promise<{ raw: Buffer; messageId: string }>;
  deliverReply(overrides?: Partial<ComposeEmailInput>): Promise<string>;
  /** Adds a connected inbox for another CRM user (a colleague) with its own Dovecot user. */
  addInbox(options?: AddInboxOptions): Promise<{ inboxId: string; userId: string; mailUser: MailUser }>;
  /** Registers inboxes in the fleet's registry, as the scheduler does for connected inboxes. */
  enqueue(inboxIds?: string[]): Promise<void>;
  /** Whether any worker this fixture started holds a session for the inbox. */
  holds(inboxId?: string): boolean;
  startWorker(overrides?: Record<string, string>): Promise<RunningWorker>;
  decisions(inboxId?: string): Promise<{ uid: number; reasonCode: string; messageIdNorm: string | null; detail: string | null }[]>;
  cleanup(): Promise<void>;
}

export async function createFixture(name: string): Promise<Fixture> {
  migrated ??= migrate(stack.databaseUrl);
  await migrated;
  const db = testDb();
  const account = await createAccount(db.db, uniqueName(`sync-${name}`));
  const q = scoped(db.db, account.id);
  const keys = parseWorkerEnv(workerEnvSource()).encryptionKeys;
  const workers: RunningWorker[] = [];

  async function addInbox(options: AddInboxOptions = {}) {
    const mailUser = await createMailUser();
    const user = await q.users.add({ email: options.userEmail ?? mailUser.address });
    const inbox = await q.inboxes.create(
      {
        userId: user.id,
        kind: 'personal',
        address: mailUser.address,
        imapHost: options.imap?.host ?? stack.profiles.standard.host,
        imapPort: options.imap?.port ?? stack.profiles.standard.imapPort,
        imapTls: options.imap?.tls ?? 'starttls',
        username: mailUser.user,
        credentials: { password: mailUser.password },
      },
      keys,
    );
    return { inboxId: inbox.id, userId: user.id, mailUser };
  }

  const own = await addInbox();
  const company = await q.companies.add({ name: uniqueName('Acme') });
  const deal = await q.deals.add({ name: uniqueName('Deal') });
  const contactEmail = `${uniqueName('ana')}@client.test`;
  const contact = await q.contacts.add({ email: contactEmail, companyIds: [company.id], dealIds: [deal.id] });
  const outboundId = `${uniqueName('out')}@crm.test`;
  const subject = `Proposal ${uniqueName('p')}`;
  await q.emails.logOutbound({
    source: 'crm_send',
    messageId: `<${outboundId}>`,
    userId: own.userId,
    inboxId: own.inboxId,
    from: { address: own.mailUser.address },
    to: [{ address: contactEmail }],
    subject,
    sentAt: new Date(),
    textBody: 'Here is our proposal.',
  });

  const queueName = uniqueName(`q-${name}`);
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });

  async function reply(overrides: Partial<ComposeEmailInput> = {}) {
    const messageId = `${uniqueName('reply')}@client.test`;
    const raw = await composeEmail({
      from: contactEmail,
      to: own.mailUser.address,
      subject: `Re: ${subject}`,
      messageId,
      inReplyTo: `<${outboundId}>`,
      references: `<${outboundId}>`,
      text: 'Thanks, looks good.',
      ...overrides,
    });
    return { raw, messageId: (overrides.messageId ?? messageId).replace(/^<|>$/g, '').toLowerCase() };
  }

  const fixture: Fixture = {
    db,
    q,
    accountId: account.id,
    userId: own.userId,
    mailUser: own.mailUser,
    inboxId: own.inboxId,
    contact: { id: contact.id, email: contactEmail },
    companyId: company.id,
    dealId: deal.id,
    outbound: { messageId: outboundId, subject },
    queueName,
    redis,
    reply,
    async deliverReply(overrides) {
      const r = await reply(overrides);
      await deliver(own.mailUser, r.raw);
      return r.messageId;
    },
    addInbox,
    async enqueue(inboxIds = [own.inboxId]) {
      await registerInboxes(redis, queueName, inboxIds.map((inboxId) => ({ accountId: account.id, inboxId })));
    },
    holds(inboxId = own.inboxId) {
      return workers.some((w) => w.holds(inboxId));
    },
    async startWorker(overrides = {}) {
      const env = parseWorkerEnv({ ...workerEnvSource(), REPLY_SYNC_QUEUE: queueName, ...overrides });
      const running = await startWorker({
        env,
        logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }),
        metrics: createMetrics({ defaultMetrics: false }),
        metricsPort: false,
      });
      workers.push(running);
      return running;
    },
    async decisions(inboxId = own.inboxId) {
      const rows = await q.decisions.forInbox(inboxId, 1000);
      return rows
        .map((r) => ({ uid: r.uid, reasonCode: r.reasonCode, messageIdNorm: r.messageIdNorm, detail: r.detail }))
        .sort((a, b) => a.uid - b.uid);
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.close()));
      await deleteFleet(redis, queueName).catch(() => undefined);
      redis.disconnect();
    },
  };
  return fixture;
}

/** The stack's environment as the worker reads it, with test-friendly timings. */
export function workerEnvSource(): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
    REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
    SESSION_MAX_MS: '60000',
    WATCHDOG_INTERVAL_MS: '1000',
    POLL_INTERVAL_MS: '500',
    DB_POOL_MAX: '5',
    // The stack's Dovecot is ours: the tests' logins are not paced like a provider's.
    LOGIN_RATE_PER_HOST: '2000/s:2000',
    LOG_LEVEL: 'warn',
  };
}
