// Emails the CRM asked to send: saved with their attachments in one transaction before the send job is
// queued (the job carries only the ids), read back by the send worker scoped by the job's account, and
// the worker's state between attempts (the built bytes, the SMTP mark, the result).
import { asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError } from '../errors';
import { recordEvent } from '../webhook-outbox';
import { MAX_OUTGOING_ATTACHMENT_BYTES } from '../limits';
import { companies, contacts, deals, inboxes, outgoingAttachments, outgoingEmails, users, type OutgoingAttachment, type OutgoingEmail } from '../schema';

export { MAX_OUTGOING_ATTACHMENT_BYTES };

export interface OutgoingAttachmentInput {
  filename: string;
  /** Omit to let the message composer pick one from the filename. */
  contentType?: string | null;
  content: Buffer;
}

export interface CreateOutgoingEmailInput {
  inboxId: string;
  /** The sending user (the thread owner); null from a team inbox. */
  userId: string | null;
  /** The idempotency key: a second create with it returns the first email. */
  sendId: string;
  to: string[];
  cc?: string[];
  subject: string;
  textBody?: string | null;
  htmlBody?: string | null;
  contactIds?: string[];
  companyIds?: string[];
  dealIds?: string[];
  attachments?: OutgoingAttachmentInput[];
  /** Open (and, where allowed, click) tracking requested (issue 15). */
  track?: boolean;
}

/** The message as the first attempt built it. */
export interface BuiltOutgoing {
  messageId: string;
  raw: Buffer;
  date: Date;
  /** A tracked email: the same message without pixel or rewritten links, for the Sent folder; null: raw. */
  sentCopyRaw?: Buffer | null;
  /** planTracking's decisions, saved with the bytes they shaped. */
  trackingPlan?: unknown;
}

export function outgoingEmailQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;
  const byId = (id: string, ...more: SQL[]) => scope.where(outgoingEmails, eq(outgoingEmails.id, id), ...more);

  async function get(id: string): Promise<OutgoingEmail | null> {
    const [row] = await db.select().from(outgoingEmails).where(byId(id));
    return row ?? null;
  }

  return {
    /**
     * Saves the email and its attachments in ONE transaction, after checking that the inbox, the user
     * and every association are this account's. The same sendId again: `{ created: false }` with the
     * email saved first (its attachments untouched).
     */
    async create(input: CreateOutgoingEmailInput): Promise<{ created: boolean; email: OutgoingEmail }> {
      const files = input.attachments ?? [];
      const total = files.reduce((n, f) => n + f.content.length, 0);
      if (total > MAX_OUTGOING_ATTACHMENT_BYTES) {
        throw new DbError('attachments_too_large', `The attachments add up to ${total} bytes; an email sent from the CRM carries at most ${MAX_OUTGOING_ATTACHMENT_BYTES} bytes of attachments.`);
      }
      return db.transaction(async (tx) => {
        await scope.assertOwned(tx, inboxes, [input.inboxId], 'inboxes');
        if (input.userId) await scope.assertOwned(tx, users, [input.userId], 'users');
        await scope.assertOwned(tx, contacts, input.contactIds ?? [], 'contacts');
        await scope.assertOwned(tx, companies, input.companyIds ?? [], 'companies');
        await scope.assertOwned(tx, deals, input.dealIds ?? [], 'deals');
        const [row] = await tx
          .insert(outgoingEmails)
          .values({
            accountId,
            inboxId: input.inboxId,
            userId: input.userId,
            sendId: input.sendId,
            to: input.to,
            cc: input.cc ?? [],
            subject: input.subject,
            textBody: input.textBody ?? null,
            htmlBody: input.htmlBody ?? null,
            contactIds: [...new Set(input.contactIds ?? [])],
            companyIds: [...new Set(input.companyIds ?? [])],
            dealIds: [...new Set(input.dealIds ?? [])],
            track: input.track ?? false,
          })
          .onConflictDoNothing({ target: [outgoingEmails.accountId, outgoingEmails.sendId] })
          .returning();
        if (!row) {
          const [existing] = await tx.select().from(outgoingEmails).where(scope.where(outgoingEmails, eq(outgoingEmails.sendId, input.sendId)));
          return { created: false, email: existing! };
        }
        if (files.length > 0) {
          await tx.insert(outgoingAttachments).values(
            files.map((f, position) => ({
              accountId,
              outgoingEmailId: row.id,
              position,
              filename: f.filename,
              contentType: f.contentType ?? null,
              size: f.content.length,
              content: f.content,
            })),
          );
        }
        return { created: true, email: row };
      });
    },

    get,

    async findBySendId(sendId: string): Promise<OutgoingEmail | null> {
      const [row] = await db.select().from(outgoingEmails).where(scope.where(outgoingEmails, eq(outgoingEmails.sendId, sendId)));
      return row ?? null;
    },

    /** The attachments with their content, in the order they were given. */
    async attachments(id: string): Promise<OutgoingAttachment[]> {
      return db
        .select()
        .from(outgoingAttachments)
        .where(scope.where(outgoingAttachments, eq(outgoingAttachments.outgoingEmailId, id)))
        .orderBy(asc(outgoingAttachments.position));
    },

    /**
     * Saves the built message unless one is saved already, and returns the one that counts: an attempt
     * racing this one may have built first, and every attempt must send and file the same bytes.
     */
    async saveBuilt(id: string, built: BuiltOutgoing): Promise<BuiltOutgoing> {
      const [saved] = await db
        .update(outgoingEmails)
        .set({ messageId: built.messageId, raw: built.raw, messageDate: built.date, sentCopyRaw: built.sentCopyRaw ?? null, trackingPlan: built.trackingPlan ?? null, updatedAt: sql`now()` })
        .where(byId(id, isNull(outgoingEmails.raw)))
        .returning({ id: outgoingEmails.id });
      if (saved) return built;
      const row = await get(id);
      if (!row?.raw || !row.messageId || !row.messageDate) throw new DbError('not_found', `No outgoing email ${id} in this account.`);
      return {
        messageId: row.messageId,
        raw: row.raw,
        date: row.messageDate,
        ...(row.sentCopyRaw ? { sentCopyRaw: row.sentCopyRaw } : {}),
        ...(row.trackingPlan != null ? { trackingPlan: row.trackingPlan } : {}),
      };
    },

    /**
     * The SMTP mark, set in one statement only if no attempt set it before and the email is still
     * pending: true when this attempt may hand the message to the server.
     */
    async claimSmtp(id: string): Promise<boolean> {
      const claimed = await db
        .update(outgoingEmails)
        .set({ smtpStartedAt: sql`now()`, updatedAt: sql`now()` })
        .where(byId(id, eq(outgoingEmails.status, 'pending'), isNull(outgoingEmails.smtpStartedAt), isNotNull(outgoingEmails.raw)))
        .returning({ id: outgoingEmails.id });
      return claimed.length === 1;
    },

    /** Clears the SMTP mark: the server certainly did not take the message, so a retry may send it. */
    async releaseSmtp(id: string): Promise<void> {
      await db
        .update(outgoingEmails)
        .set({ smtpStartedAt: null, updatedAt: sql`now()` })
        .where(byId(id, eq(outgoingEmails.status, 'pending')));
    },

    /**
     * Sent and logged. Wins over a failure another attempt recorded meanwhile: the email did go. The
     * first time it becomes sent, `email.sent` is written in the same transaction.
     */
    async markSent(id: string, result: { emailId: string; rejected: string[] }): Promise<void> {
      await db.transaction(async (tx) => {
        const [before] = await tx.select({ status: outgoingEmails.status }).from(outgoingEmails).where(byId(id)).for('update');
        const [row] = await tx
          .update(outgoingEmails)
          .set({ status: 'sent', emailId: result.emailId, rejected: result.rejected, sentAt: sql`coalesce(${outgoingEmails.sentAt}, now())`, failure: null, updatedAt: sql`now()` })
          .where(byId(id))
          .returning({ sendId: outgoingEmails.sendId, inboxId: outgoingEmails.inboxId });
        if (row && before?.status !== 'sent') {
          await recordEvent(tx, accountId, 'email.sent', { outgoingEmailId: id, sendId: row.sendId, emailId: result.emailId, inboxId: row.inboxId, rejected: result.rejected });
        }
      });
    },

    /** A final failure (`code: sentence`), unless the email was sent; `email.send_failed` with it. */
    async markFailed(id: string, failure: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(outgoingEmails)
          .set({ status: 'failed', failure, updatedAt: sql`now()` })
          .where(byId(id, eq(outgoingEmails.status, 'pending')))
          .returning({ sendId: outgoingEmails.sendId, inboxId: outgoingEmails.inboxId });
        if (!row) return;
        const colon = failure.indexOf(': ');
        const [code, sentence] = colon > 0 ? [failure.slice(0, colon), failure.slice(colon + 2)] : ['send_failed', failure];
        await recordEvent(tx, accountId, 'email.send_failed', { outgoingEmailId: id, sendId: row.sendId, inboxId: row.inboxId, code, sentence });
      });
    },
  };
}
