// Seeding a scenario fast: Dovecot users (testkit), then the CRM rows for N inboxes in a few bulk
// INSERTs (account, one user + personal inbox + contact + logged outbound email per inbox).
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { encryptCredentials, type EncryptionKeys } from '@reply-sync/db';
import { normalizeMessageId } from '@reply-sync/threading';
import { composeEmail, createMailUser, removeMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { mapLimit } from './concurrency';

export type TlsChoice = 'none' | 'tls';

export interface SeededInbox {
  index: number;
  inboxId: string;
  userId: string;
  mail: MailUser;
  contactId: string;
  contactEmail: string;
  /** Message-ID (with brackets) of the logged outbound email that replies answer. */
  outboundMessageId: string;
}

export interface SeededAccount {
  accountId: string;
  inboxes: SeededInbox[];
  /** Removes the Dovecot users (homes included). The rows go with the bench database. */
  removeMailUsers(): Promise<void>;
}

export interface SeedOptions {
  sql: postgres.Sql;
  keys: EncryptionKeys;
  /** Local-part prefix of the Dovecot users, unique per scenario and run ([a-z0-9-]). */
  prefix: string;
  count: number;
  tls?: TlsChoice;
  /** Point the inboxes at another port (e.g. the counting proxy); default the stack's IMAP/IMAPS port. */
  imapPort?: number;
  /** Default now(). Earlier, for mail put in the mailbox before the inbox "connected" (catch-up). */
  connectedSince?: Date;
  /** Preset checkpoint; default none (the worker starts at UIDNEXT, as for a new inbox). */
  checkpoint?: { uidvalidity: number; lastUid: number };
  /** Extra outbound threads per inbox (replies of the catch-up scenarios answer different threads). */
  threadsPerInbox?: number;
  /** Reuse Dovecot users made by createMailUsers (e.g. the same mailboxes over plaintext and TLS). */
  mailUsers?: { users: MailUser[]; password: string };
}

/** `count` Dovecot users `<prefix>-<i>@mail.test` sharing one password (8 created at a time). */
export async function createMailUsers(prefix: string, count: number): Promise<{ users: MailUser[]; password: string }> {
  const password = `pw-${randomUUID()}`;
  const users = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    (i) => createMailUser({ localPart: `${prefix}-${i}`, password }),
  );
  return { users, password };
}

export async function removeMailUsers(users: readonly MailUser[]): Promise<void> {
  await mapLimit(users, 8, (u) => removeMailUser(u));
}

const CHUNK = 500;

export async function seedInboxes(options: SeedOptions): Promise<SeededAccount & { threads: Map<number, string[]> }> {
  const { sql, keys, prefix, count } = options;
  const tls = options.tls ?? 'none';
  const profile = stack.profiles.standard;
  const port = options.imapPort ?? (tls === 'tls' ? profile.imapsPort : profile.imapPort);
  const { users: mailUsers, password } = options.mailUsers ?? (await createMailUsers(prefix, count));
  if (mailUsers.length < count) throw new Error(`seedInboxes: ${count} inboxes need ${count} mail users, got ${mailUsers.length}`);

  const [account] = await sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${prefix}) RETURNING id`;
  const accountId = account!.id;
  const threadsPerInbox = options.threadsPerInbox ?? 1;

  const inboxes: SeededInbox[] = mailUsers.slice(0, count).map((mail, index) => ({
    index,
    inboxId: randomUUID(),
    userId: randomUUID(),
    mail,
    contactId: randomUUID(),
    contactEmail: `contact-${index}@${prefix}.contacts.test`,
    outboundMessageId: `<out-${index}-0@${prefix}.crm.test>`,
  }));
  const threads = new Map<number, string[]>();

  for (let i = 0; i < inboxes.length; i += CHUNK) {
    const slice = inboxes.slice(i, i + CHUNK);
    await sql.begin(async (tx) => {
      await tx`INSERT INTO users ${tx(
        slice.map((s) => ({ id: s.userId, account_id: accountId, email: s.mail.address })),
      )}`;
      await tx`INSERT INTO inboxes ${tx(
        slice.map((s) => ({
          id: s.inboxId,
          account_id: accountId,
          user_id: s.userId,
          kind: 'personal',
          address: s.mail.address,
          imap_host: profile.host,
          imap_port: port,
          imap_tls: tls,
          username: s.mail.user,
          // Bound to its row like the app's own writes; 100,000 encryptions cost well under a second.
          credentials: encryptCredentials({ password }, keys, { accountId, inboxId: s.inboxId }),
          credentials_key_id: keys.active.id,
          connected_since: options.connectedSince ?? new Date(),
          uidvalidity: options.checkpoint?.uidvalidity ?? null,
          last_uid: options.checkpoint?.lastUid ?? null,
        })),
      )}`;
      await tx`INSERT INTO contacts ${tx(
        slice.map((s) => ({ id: s.contactId, account_id: accountId, email: s.contactEmail, owner_user_id: s.userId })),
      )}`;
      const emails: Record<string, unknown>[] = [];
      const links: Record<string, unknown>[] = [];
      for (const s of slice) {
        const ids: string[] = [];
        for (let t = 0; t < threadsPerInbox; t += 1) {
          const messageId = `<out-${s.index}-${t}@${prefix}.crm.test>`;
          const emailId = randomUUID();
          ids.push(messageId);
          emails.push({
            id: emailId,
            account_id: accountId,
            direction: 'outbound',
            source: 'crm_send',
            message_id: messageId,
            message_id_norm: normalizeMessageId(messageId)!,
            thread_id: randomUUID(),
            thread_owner_user_id: s.userId,
            thread_inbox_id: s.inboxId,
            inbox_id: s.inboxId,
            from_address: s.mail.address,
            subject: `Proposal ${s.index}-${t}`,
          });
          links.push({ id: randomUUID(), account_id: accountId, email_id: emailId, kind: 'contact', target_id: s.contactId });
        }
        threads.set(s.index, ids);
      }
      for (let e = 0; e < emails.length; e += CHUNK) {
        await tx`INSERT INTO logged_emails ${tx(emails.slice(e, e + CHUNK))}`;
        await tx`INSERT INTO email_associations ${tx(links.slice(e, e + CHUNK))}`;
      }
    });
  }

  return {
    accountId,
    inboxes,
    threads,
    removeMailUsers: () => removeMailUsers(mailUsers),
  };
}

let replySeq = 0;

export interface ReplyOptions {
  /** Which thread of the inbox (default its first). */
  threadMessageId?: string;
  /** Adds a small attachment (the throughput scenario). */
  attachment?: Buffer;
  bodyBytes?: number;
}

/** A reply from the inbox's contact to a logged thread, as a mail client would write it. */
export async function composeReply(
  inbox: SeededInbox,
  tag: string,
  options: ReplyOptions = {},
): Promise<{ raw: Buffer; messageId: string; messageIdNorm: string }> {
  replySeq += 1;
  const messageId = `<reply-${tag}-${process.pid}-${replySeq}@contacts.test>`;
  const parent = options.threadMessageId ?? inbox.outboundMessageId;
  const text = `Thanks, sounds good.\n\n${'> quoted text of the original proposal\n'.repeat(Math.ceil((options.bodyBytes ?? 600) / 40))}`;
  const raw = await composeEmail({
    from: inbox.contactEmail,
    to: inbox.mail.address,
    subject: `Re: Proposal ${inbox.index}`,
    messageId,
    inReplyTo: parent,
    references: [parent],
    text,
    ...(options.attachment
      ? { attachments: [{ filename: 'notes.pdf', contentType: 'application/pdf', content: options.attachment }] }
      : {}),
  });
  return { raw, messageId, messageIdNorm: normalizeMessageId(messageId)! };
}

/** A message nobody logs (a newsletter): what most of a real mailbox is. */
export async function composeUnrelated(inbox: SeededInbox, n: number, bodyBytes = 4000): Promise<Buffer> {
  return composeEmail({
    from: `news-${n % 50}@newsletter.test`,
    to: inbox.mail.address,
    subject: `Weekly digest #${n}`,
    messageId: `<digest-${n}-${process.pid}@newsletter.test>`,
    text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil(bodyBytes / 57)),
  });
}
