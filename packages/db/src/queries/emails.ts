// Logged emails: the look-ups the worker makes per batch (thread refs, already-logged ids), logging
// a reply in one transaction (exactly once per Message-ID and account), and registering emails the
// CRM sent or logged, which start threads.
import { randomUUID } from 'node:crypto';
import type { Address, Associations, SenderVerification, ThreadRef } from '@reply-sync/threading';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { requireMessageIdNorm } from '../message-id';
import {
  attachments,
  companies,
  contactCompanies,
  contactDeals,
  contacts,
  deals,
  emailAssociations,
  inboxes,
  loggedEmails,
  users,
  type AssociationKind,
  type Direction,
  type EmailSource,
  type SentCopyStatus,
  type StoredAddress,
} from '../schema';
import { saveCheckpointFor, type Checkpoint } from './checkpoint';
import { connectedAtArrival } from './connected-at-arrival';
import { insertOwnedDecisions } from './decisions';
import { logRepliesIn, type LogRepliesOutcome } from './log-replies';
import { DbError } from '../errors';
import { recordEvent } from '../webhook-outbox';

export interface AttachmentInput {
  filename: string | null;
  contentType: string;
  content: Buffer;
  contentId?: string | null;
  /** Defaults to content.length. */
  size?: number;
}

/**
 * A big attachment goes as base64 text that PostgreSQL decodes: postgres.js sends every parameter as
 * text, and a Buffer is first copied, then written as hex (twice its size) and flattened once more.
 * Measured for a 44 MB attachment: ~400–490 MB of client RSS as a Buffer, ~290 MB as base64. Small
 * ones stay Buffers: with base64 for every attachment the throughput benchmark (2 KiB attachments)
 * ran 250–305 replies/s in three runs against 300–415 without, on the same loaded machine.
 */
const BASE64_ABOVE_BYTES = 1024 * 1024;

export interface LogReplyInput {
  inboxId: string;
  uidvalidity: number;
  uid: number;
  /** The Message-ID header as written; stored with its normalised form (the exactly-once key). */
  messageId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  /** The Date header. */
  sentAt: Date | null;
  /** Arrival in the INBOX (IMAP INTERNALDATE). */
  receivedAt: Date;
  textBody: string | null;
  htmlBody: string | null;
  inReplyTo?: string | null;
  references?: string[];
  /** From decide(): the thread the reply belongs to and what to associate it with. */
  thread: ThreadRef;
  associations: Associations;
  attachments?: AttachmentInput[];
  /** Set when the attachments were left out (over 50 MB): the decision becomes logged_without_attachments. */
  attachmentsSkippedReason?: string | null;
  /** The sender verification verdict (threading's senderVerificationOf), stored beside the reply. */
  senderVerification?: SenderVerification | null;
  /** Saved for `inboxId` in the same transaction. */
  checkpoint?: Checkpoint;
}

export type LogReplyResult =
  | { inserted: true; emailId: string; reason: 'logged' | 'logged_without_attachments' }
  /** The Message-ID was already logged for this account; a `duplicate` decision was recorded. */
  | { inserted: false; emailId: string | null; reason: 'duplicate' }
  /** It arrived once the inbox was no longer connected (connected-at-arrival.ts); that decision was recorded. */
  | { inserted: false; emailId: null; reason: 'inbox_disconnected' };

export interface LogOutboundInput {
  source: Exclude<EmailSource, 'reply_sync'>;
  direction?: Direction;
  messageId: string;
  /** The sending user: the thread owner (unless sent from a team inbox). */
  userId: string | null;
  /** The inbox it was sent from, when known (the thread's inbox). */
  inboxId?: string | null;
  from: Address;
  to: Address[];
  cc?: Address[];
  subject: string;
  sentAt: Date | null;
  textBody?: string | null;
  htmlBody?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  contactIds?: string[];
  companyIds?: string[];
  dealIds?: string[];
  /**
   * Default true: also associate the contacts among To/Cc (exact address, any case), their
   * companies and their open deals, the way the CRM would when it sends.
   */
  associateRecipients?: boolean;
  attachments?: AttachmentInput[];
  sentCopyStatus?: SentCopyStatus | null;
  /** Join an existing thread; default a new thread id. */
  threadId?: string;
  /** Set when the attachments were left out (over 50 MB): kept beside the email (BCC path). */
  attachmentsSkippedReason?: string | null;
  /** The sender verification verdict of an email received by apps/inbound, stored beside it. */
  senderVerification?: SenderVerification | null;
}

export type LogOutboundResult = { inserted: boolean; emailId: string; threadId: string };

/** The auth_* columns of logged_emails; all null when no verdict was made. */
function verificationColumns(v: SenderVerification | null | undefined) {
  return {
    authVerified: v?.verified ?? null,
    authDmarc: v?.dmarc ?? null,
    authDkim: v?.dkim ?? null,
    authDkimAligned: v ? v.dkimAligned : null,
    authSpf: v?.spf ?? null,
    authDetail: v?.detail ?? null,
  };
}

const stored = (list: Address[]): StoredAddress[] =>
  list.map((a) => (a.name ? { address: a.address.toLowerCase(), name: a.name } : { address: a.address.toLowerCase() }));

export function emailQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;
  /**
   * One statement: inserts the associations whose target is a row of this account, and throws
   * not_in_account (rolling the caller's transaction back) unless that was every one of them. Used to
   * be three ownership counts and an insert: four round-trips per logged reply.
   */
  async function insertAssociations(tx: DbOrTx, emailId: string, a: Associations): Promise<void> {
    const rows = [
      ...[...new Set(a.contactIds)].map((targetId) => ({ kind: 'contact' as AssociationKind, targetId })),
      ...[...new Set(a.companyIds)].map((targetId) => ({ kind: 'company' as AssociationKind, targetId })),
      ...[...new Set(a.dealIds)].map((targetId) => ({ kind: 'deal' as AssociationKind, targetId })),
    ];
    if (rows.length === 0) return;
    const values = sql.join(
      rows.map((r) => sql`(${r.kind}, ${r.targetId}::uuid)`),
      sql`, `,
    );
    const owned = (table: typeof contacts | typeof companies | typeof deals) =>
      sql`EXISTS (SELECT 1 FROM ${table} t WHERE t.id = u.target_id AND t.account_id = ${accountId})`;
    const inserted = await tx.execute<{ kind: string }>(sql`
      INSERT INTO ${emailAssociations} (account_id, email_id, kind, target_id)
      SELECT ${accountId}, ${emailId}, u.kind, u.target_id FROM (VALUES ${values}) AS u(kind, target_id)
      WHERE CASE u.kind
        WHEN 'contact' THEN ${owned(contacts)}
        WHEN 'company' THEN ${owned(companies)}
        WHEN 'deal' THEN ${owned(deals)}
        ELSE false END
      ON CONFLICT DO NOTHING
      RETURNING kind`);
    // The email is new within this transaction, so no row can have conflicted: fewer means not owned.
    if (inserted.length !== rows.length) {
      const what = rows.find((r) => !inserted.some((i) => i.kind === r.kind))?.kind ?? 'association';
      throw new DbError('not_in_account', `One or more ${what === 'company' ? 'companies' : `${what}s`} do not exist in this account.`);
    }
  }

  async function insertAttachments(tx: DbOrTx, emailId: string, list: AttachmentInput[]): Promise<void> {
    if (list.length === 0) return;
    await tx.insert(attachments).values(
      list.map((f) => ({
        accountId,
        emailId,
        filename: f.filename,
        contentType: f.contentType,
        size: f.size ?? f.content.length,
        contentId: f.contentId ?? null,
        content: f.content.length > BASE64_ABOVE_BYTES ? sql<Buffer>`decode(${f.content.toString('base64')}, 'base64')` : f.content,
      })),
    );
  }

  async function existingEmailId(tx: DbOrTx, norm: string): Promise<string | null> {
    const [row] = await tx
      .select({ id: loggedEmails.id })
      .from(loggedEmails)
      .where(scope.where(loggedEmails, eq(loggedEmails.messageIdNorm, norm)));
    return row?.id ?? null;
  }

  async function logReplyIn(tx: DbOrTx, input: LogReplyInput): Promise<LogReplyResult> {
    const norm = requireMessageIdNorm(input.messageId);
    const arrival = await connectedAtArrival(tx, accountId, input.inboxId, input.receivedAt);
    if (!arrival) await scope.assertOwned(tx, inboxes, [input.inboxId], 'inboxes'); // throws not_in_account
    const decisionBase = {
      inboxId: input.inboxId,
      uidvalidity: input.uidvalidity,
      uid: input.uid,
      messageId: input.messageId,
      messageIdNorm: norm,
      fromAddress: input.from.address.toLowerCase(),
      subject: input.subject,
    };
    if (arrival && !arrival.connected) {
      // Disconnected or removed since the session read it (see connected-at-arrival.ts).
      await insertOwnedDecisions(tx, scope, [{ ...decisionBase, reasonCode: 'inbox_disconnected', detail: arrival.detail }]);
      if (input.checkpoint) await saveCheckpointFor(tx, accountId, input.inboxId, input.checkpoint);
      return { inserted: false, emailId: null, reason: 'inbox_disconnected' };
    }
    const [row] = await tx
      .insert(loggedEmails)
      .values({
        accountId,
        direction: 'inbound',
        source: 'reply_sync',
        messageId: input.messageId,
        messageIdNorm: norm,
        threadId: input.thread.threadId,
        threadOwnerUserId: input.thread.ownerUserId,
        threadInboxId: input.thread.inboxId,
        inboxId: input.inboxId,
        fromAddress: input.from.address.toLowerCase(),
        fromName: input.from.name ?? null,
        to: stored(input.to),
        cc: stored(input.cc),
        subject: input.subject,
        sentAt: input.sentAt,
        receivedAt: input.receivedAt,
        textBody: input.textBody,
        htmlBody: input.htmlBody,
        inReplyTo: input.inReplyTo ?? null,
        referencesIds: input.references ?? [],
        uid: input.uid,
        attachmentsSkippedReason: input.attachmentsSkippedReason ?? null,
        ...verificationColumns(input.senderVerification),
      })
      .onConflictDoNothing({ target: [loggedEmails.accountId, loggedEmails.messageIdNorm] })
      .returning({ id: loggedEmails.id });

    let result: LogReplyResult;
    if (!row) {
      const emailId = await existingEmailId(tx, norm);
      await insertOwnedDecisions(tx, scope, [
        { ...decisionBase, reasonCode: 'duplicate', detail: emailId ? `already logged as email ${emailId}` : null },
      ]);
      result = { inserted: false, emailId, reason: 'duplicate' };
    } else {
      await insertAssociations(tx, row.id, input.associations);
      const reason = input.attachmentsSkippedReason ? 'logged_without_attachments' : 'logged';
      if (reason === 'logged') await insertAttachments(tx, row.id, input.attachments ?? []);
      await insertOwnedDecisions(tx, scope, [
        { ...decisionBase, reasonCode: reason, detail: input.attachmentsSkippedReason ?? null },
      ]);
      await recordEvent(tx, accountId, 'email.logged', {
        emailId: row.id,
        messageId: input.messageId,
        source: 'reply_sync',
        direction: 'inbound',
        threadId: input.thread.threadId,
        inboxId: input.inboxId,
        ...input.associations,
        reason,
      });
      result = { inserted: true, emailId: row.id, reason };
    }
    if (input.checkpoint) await saveCheckpointFor(tx, accountId, input.inboxId, input.checkpoint);
    return result;
  }

  async function recipientAssociations(tx: DbOrTx, addresses: string[]): Promise<Associations> {
    const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
    if (wanted.length === 0) return { contactIds: [], companyIds: [], dealIds: [] };
    const found = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(scope.where(contacts, inArray(sql`lower(${contacts.email})`, wanted)));
    const contactIds = found.map((c) => c.id);
    if (contactIds.length === 0) return { contactIds, companyIds: [], dealIds: [] };
    const companyRows = await tx
      .select({ id: contactCompanies.companyId })
      .from(contactCompanies)
      .where(scope.where(contactCompanies, inArray(contactCompanies.contactId, contactIds)));
    const dealRows = await tx
      .select({ id: contactDeals.dealId })
      .from(contactDeals)
      .innerJoin(deals, and(eq(deals.id, contactDeals.dealId), eq(deals.accountId, accountId)))
      .where(scope.where(contactDeals, inArray(contactDeals.contactId, contactIds), eq(deals.status, 'open')));
    return { contactIds, companyIds: companyRows.map((r) => r.id), dealIds: dealRows.map((r) => r.id) };
  }

  return {
    /**
     * For each normalised Message-ID that is a logged email of this account, the ThreadRef decide()
     * needs (thread, owner, inbox and its kind, original recipients, associations). One query.
     */
    async findThreadRefs(messageIdNorms: readonly string[]): Promise<Map<string, ThreadRef>> {
      const wanted = [...new Set(messageIdNorms)];
      const refs = new Map<string, ThreadRef>();
      if (wanted.length === 0) return refs;
      const rows = await db
        .select({
          norm: loggedEmails.messageIdNorm,
          emailId: loggedEmails.id,
          threadId: loggedEmails.threadId,
          ownerUserId: loggedEmails.threadOwnerUserId,
          inboxId: loggedEmails.threadInboxId,
          inboxKind: inboxes.kind,
          fromAddress: loggedEmails.fromAddress,
          to: loggedEmails.to,
          cc: loggedEmails.cc,
          links: sql<{ kind: AssociationKind; id: string }[]>`coalesce((
            select json_agg(json_build_object('kind', ea.kind, 'id', ea.target_id))
            from ${emailAssociations} ea
            where ea.email_id = "logged_emails"."id" and ea.account_id = ${accountId}), '[]'::json)`,
        })
        .from(loggedEmails)
        .leftJoin(inboxes, and(eq(inboxes.id, loggedEmails.threadInboxId), eq(inboxes.accountId, accountId)))
        .where(scope.where(loggedEmails, messageIdNormIn(wanted)));
      for (const r of rows) {
        const recipients = new Set([r.fromAddress, ...r.to.map((a) => a.address), ...r.cc.map((a) => a.address)].map((a) => a.toLowerCase()));
        const ids = (kind: AssociationKind) => r.links.filter((l) => l.kind === kind).map((l) => l.id);
        refs.set(r.norm, {
          emailId: r.emailId,
          threadId: r.threadId,
          ownerUserId: r.ownerUserId,
          inboxId: r.inboxId,
          inboxKind: r.inboxKind ?? null,
          recipients: [...recipients],
          companyIds: ids('company'),
          dealIds: ids('deal'),
          contactIds: ids('contact'),
        });
      }
      return refs;
    },

    /** Which of these normalised Message-IDs are already logged for this account. */
    async loggedMessageIds(messageIdNorms: readonly string[]): Promise<Set<string>> {
      const wanted = [...new Set(messageIdNorms)];
      if (wanted.length === 0) return new Set();
      const rows = await db
        .select({ norm: loggedEmails.messageIdNorm })
        .from(loggedEmails)
        .where(scope.where(loggedEmails, messageIdNormIn(wanted)));
      return new Set(rows.map((r) => r.norm));
    },

    /**
     * Logs a reply in ONE transaction: the email (ON CONFLICT on (account_id, message_id_norm) DO
     * NOTHING: a retried job or a racing worker gets `{ inserted: false }` and a `duplicate`
     * decision), its associations, its attachments (unless attachmentsSkippedReason), the decision
     * row and the checkpoint. A reply that arrived once the inbox was no longer connected is not
     * inserted: `inbox_disconnected` (connected-at-arrival.ts), whatever the session believed.
     * Pass `tx` to run inside a transaction of your own (as a savepoint).
     */
    logReply(...args: [LogReplyInput] | [DbOrTx | undefined, LogReplyInput]): Promise<LogReplyResult> {
      const [outer, input] = args.length === 1 ? [undefined, args[0]] : args;
      return (outer ?? db).transaction((tx) => logReplyIn(tx, input));
    },

    /**
     * Logs many replies of one inbox in ONE transaction of a few statements (log-replies.ts), with
     * logReply's guarantees. Replies whose arrival needs the inbox's status history come back in
     * `deferred` unwritten, for logReply; a refused value fails the whole batch (log them one by one).
     */
    logReplies(inboxId: string, inputs: LogReplyInput[]): Promise<LogRepliesOutcome> {
      // drizzle() keeps the pool's postgres.js client as $client; the Db type does not declare it.
      return logRepliesIn((db as Db & { $client: postgres.Sql }).$client, scope, inboxId, inputs);
    },

    /**
     * Registers an email the CRM sent or logged (source crm_send / log / bcc / forward). It starts a
     * new thread (or joins `threadId`); the thread owner is the sending user, or null when it was
     * sent from a team inbox (ThreadRef.ownerUserId). Same Message-ID again: `{ inserted: false }`.
     * Pass `tx` to run inside a transaction of your own (as a savepoint).
     */
    logOutbound(...args: [LogOutboundInput] | [DbOrTx | undefined, LogOutboundInput]): Promise<LogOutboundResult> {
      const [outer, input] = args.length === 1 ? [undefined, args[0]] : args;
      const norm = requireMessageIdNorm(input.messageId);
      return (outer ?? db).transaction(async (tx) => {
        if (input.userId) await scope.assertOwned(tx, users, [input.userId], 'users');
        let inboxKind: string | null = null;
        if (input.inboxId) {
          const [inbox] = await tx
            .select({ kind: inboxes.kind })
            .from(inboxes)
            .where(scope.where(inboxes, eq(inboxes.id, input.inboxId)));
          if (!inbox) await scope.assertOwned(tx, inboxes, [input.inboxId], 'inboxes');
          inboxKind = inbox?.kind ?? null;
        }
        const threadId = input.threadId ?? randomUUID();
        const cc = input.cc ?? [];
        const [row] = await tx
          .insert(loggedEmails)
          .values({
            accountId,
            direction: input.direction ?? 'outbound',
            source: input.source,
            messageId: input.messageId,
            messageIdNorm: norm,
            threadId,
            threadOwnerUserId: inboxKind === 'team' ? null : input.userId,
            threadInboxId: input.inboxId ?? null,
            inboxId: input.inboxId ?? null,
            fromAddress: input.from.address.toLowerCase(),
            fromName: input.from.name ?? null,
            to: stored(input.to),
            cc: stored(cc),
            subject: input.subject,
            sentAt: input.sentAt,
            textBody: input.textBody ?? null,
            htmlBody: input.htmlBody ?? null,
            inReplyTo: input.inReplyTo ?? null,
            referencesIds: input.references ?? [],
            sentCopyStatus: input.sentCopyStatus ?? null,
            attachmentsSkippedReason: input.attachmentsSkippedReason ?? null,
            ...verificationColumns(input.senderVerification),
          })
          .onConflictDoNothing({ target: [loggedEmails.accountId, loggedEmails.messageIdNorm] })
          .returning({ id: loggedEmails.id, threadId: loggedEmails.threadId });
        if (!row) {
          const [existing] = await tx
            .select({ id: loggedEmails.id, threadId: loggedEmails.threadId })
            .from(loggedEmails)
            .where(scope.where(loggedEmails, eq(loggedEmails.messageIdNorm, norm)));
          return { inserted: false, emailId: existing!.id, threadId: existing!.threadId };
        }
        const auto =
          input.associateRecipients === false
            ? { contactIds: [], companyIds: [], dealIds: [] }
            : await recipientAssociations(tx, [...input.to, ...cc].map((a) => a.address));
        const associations = {
          contactIds: [...new Set([...(input.contactIds ?? []), ...auto.contactIds])],
          companyIds: [...new Set([...(input.companyIds ?? []), ...auto.companyIds])],
          dealIds: [...new Set([...(input.dealIds ?? []), ...auto.dealIds])],
        };
        await insertAssociations(tx, row.id, associations);
        await insertAttachments(tx, row.id, input.attachments ?? []);
        await recordEvent(tx, accountId, 'email.logged', {
          emailId: row.id,
          messageId: input.messageId,
          source: input.source,
          direction: input.direction ?? 'outbound',
          threadId: row.threadId,
          inboxId: input.inboxId ?? null,
          ...associations,
        });
        return { inserted: true, emailId: row.id, threadId: row.threadId };
      });
    },

    /** Records where the Sent-folder copy of a CRM-sent email ended up. */
    async setSentCopyStatus(emailId: string, status: SentCopyStatus): Promise<void> {
      await db
        .update(loggedEmails)
        .set({ sentCopyStatus: status })
        .where(scope.where(loggedEmails, eq(loggedEmails.id, emailId)));
    },

    async get(emailId: string) {
      const [row] = await db.select().from(loggedEmails).where(scope.where(loggedEmails, eq(loggedEmails.id, emailId)));
      return row ?? null;
    },

    async getByMessageId(messageId: string) {
      const norm = requireMessageIdNorm(messageId);
      const [row] = await db.select().from(loggedEmails).where(scope.where(loggedEmails, eq(loggedEmails.messageIdNorm, norm)));
      return row ?? null;
    },
  };
}

/**
 * `message_id_norm = ANY($1::text[])`: the whole list as ONE array parameter. inArray() binds one
 * parameter per value, so a 500-message batch built and sent a 500-parameter statement (a new
 * unnamed statement for every distinct list length) and drizzle walked every parameter on the way.
 */
function messageIdNormIn(values: readonly string[]): SQL {
  return sql`${loggedEmails.messageIdNorm} = any(${sql.param([...values])}::text[])`;
}
