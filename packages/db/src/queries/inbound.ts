// Inbound mail of one account (apps/inbound): its logging addresses (show, rotate), the spool of
// received messages and their decisions, and the look-ups the BCC decision needs (who may send, the
// account's own addresses, contacts to create, each contact's companies and recent open deals).
import { randomBytes, randomUUID } from 'node:crypto';
import { normalizeAddress, subjectKey, toStorableText, type NeverLogEntry, type SenderCandidate, type SenderVerificationPolicy } from '@reply-sync/threading';
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { requireMessageIdNorm } from '../message-id';
import { BCC_DEALS_PER_CONTACT, type InboundOutcome } from './inbound-outcome';
import { logBccBatch, type BccBatchItem } from './log-bcc-batch';
import { normalizeMessageId } from '@reply-sync/threading';
import {
  accounts,
  contactCompanies,
  contacts,
  inboundAddresses,
  inboundMessages,
  inboxes,
  loggedEmails,
  loggingFolderCheckpoints,
  neverLog,
  users,
  type InboundAddressKind,
  type InboundAddressRow,
  type InboundMessageRow,
} from '../schema';

export { BCC_DEALS_PER_CONTACT, type InboundOutcome } from './inbound-outcome';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 16 random bytes as 26 lower-case base32 characters: the unguessable part of a logging address. */
export function newInboundToken(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** `bcc-<token>@domain` */
export function inboundAddressOf(kind: InboundAddressKind, token: string, domain: string): string {
  return `${kind}-${token}@${domain.toLowerCase()}`;
}

/** The kind and token of a local part `bcc-<token>` / `fwd-<token>`, or null. */
export function parseInboundLocalPart(local: string): { kind: InboundAddressKind; token: string } | null {
  const m = /^(bcc|fwd)-([a-z2-7]{26})$/.exec(local.toLowerCase());
  return m ? { kind: m[1] as InboundAddressKind, token: m[2]! } : null;
}

export interface SpoolInput {
  addressKind: InboundAddressKind;
  envelopeFrom: string | null;
  envelopeTo: string[];
  clientIp: string | null;
  helo: string | null;
  raw: Buffer;
  /** The message's size when `raw` is not all of it (a logging-mailbox message too large to read: its header only). */
  size?: number;
  /** From the headers, so `explain` finds the message while it is still spooled. */
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
}

/** Where a message of a logging mailbox was read. */
export interface MailboxPlace {
  inboxId: string;
  folder: string;
  uidvalidity: number;
  uid: number;
}

/** Moves a folder's checkpoint to lastUid (never back, unless `reset`: a new baseline). */
async function saveFolderCheckpoint(tx: DbOrTx, inboxId: string, folder: string, uidvalidity: number, lastUid: number, reset = false): Promise<void> {
  await tx
    .insert(loggingFolderCheckpoints)
    .values({ inboxId, folder, uidvalidity, lastUid })
    .onConflictDoUpdate({
      target: [loggingFolderCheckpoints.inboxId, loggingFolderCheckpoints.folder],
      set: reset
        ? { uidvalidity, lastUid, updatedAt: sql`now()` }
        : {
            uidvalidity,
            lastUid: sql`CASE WHEN ${loggingFolderCheckpoints.uidvalidity} = ${uidvalidity} THEN greatest(${loggingFolderCheckpoints.lastUid}, ${lastUid}) ELSE ${lastUid} END`,
            updatedAt: sql`now()`,
          },
    });
}

export interface DecisionContext {
  candidates: SenderCandidate[];
  ownAddresses: Set<string>;
  neverLog: NeverLogEntry[];
  policy: SenderVerificationPolicy;
  contactIds: Map<string, string>;
  duplicateEmailId: string | null;
}

export interface DecisionContextInput {
  from: string | null;
  recipients: string[];
  messageId: string | null;
}


export function inboundQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;

  async function active(tx: DbOrTx, kind: InboundAddressKind): Promise<InboundAddressRow | null> {
    const [row] = await tx
      .select()
      .from(inboundAddresses)
      .where(scope.where(inboundAddresses, eq(inboundAddresses.kind, kind), isNull(inboundAddresses.retiredAt)));
    return row ?? null;
  }

  async function decisionContexts(inputs: DecisionContextInput[]): Promise<DecisionContext[]> {
    if (inputs.length === 0) return [];
    const froms = inputs.map((i) => (i.from ? normalizeAddress(i.from) : null));
    const wantedFroms = [...new Set(froms.filter((a): a is string => a !== null))];
    const wanted = [...new Set(inputs.flatMap((i) => i.recipients.map(normalizeAddress)))];
    const norms = inputs.map((i) => (i.messageId && normalizeMessageId(i.messageId)) || null);
    const wantedNorms = [...new Set(norms.filter((n): n is string => n !== null))];
    const [row] = await db.execute<{
      users: { id: string; email: string; createdAt: string }[];
      inboxes: { id: string; userId: string | null; address: string; aliases: string[] | null; status: string; createdAt: string; userEmail: string | null }[];
      own: string[];
      never: { kind: NeverLogEntry['kind']; value: string }[];
      policy: SenderVerificationPolicy;
      contacts: { id: string; email: string }[];
      duplicates: { norm: string; id: string }[];
    }>(sql`
      SELECT
        (SELECT coalesce(json_agg(json_build_object('id', u.id, 'email', u.email, 'createdAt', u.created_at)), '[]')
           FROM ${users} u WHERE u.account_id = ${accountId} AND lower(u.email) = any(${sql.param(wantedFroms)}::text[])) AS users,
        (SELECT coalesce(json_agg(json_build_object('id', i.id, 'userId', i.user_id, 'address', i.address, 'aliases', i.aliases, 'status', i.status, 'createdAt', i.created_at, 'userEmail', u.email)), '[]')
           FROM ${inboxes} i LEFT JOIN ${users} u ON u.id = i.user_id AND u.account_id = ${accountId}
          WHERE i.account_id = ${accountId} AND i.status <> 'removed'
            AND (lower(i.address) = any(${sql.param(wantedFroms)}::text[])
                 OR EXISTS (SELECT 1 FROM unnest(i.aliases) x WHERE lower(x) = any(${sql.param(wantedFroms)}::text[])))) AS inboxes,
        (SELECT coalesce(array_agg(o.a), '{}') FROM (
           SELECT email AS a FROM ${users} WHERE account_id = ${accountId}
           UNION SELECT address FROM ${inboxes} WHERE account_id = ${accountId} AND status <> 'removed'
           UNION SELECT unnest(aliases) FROM ${inboxes} WHERE account_id = ${accountId} AND status <> 'removed') o) AS own,
        (SELECT coalesce(json_agg(json_build_object('kind', n.kind, 'value', n.value)), '[]') FROM ${neverLog} n WHERE n.account_id = ${accountId}) AS never,
        (SELECT sender_verification FROM ${accounts} WHERE id = ${accountId}) AS policy,
        (SELECT coalesce(json_agg(json_build_object('id', c.id, 'email', c.email)), '[]')
           FROM ${contacts} c WHERE c.account_id = ${accountId} AND lower(c.email) = any(${sql.param(wanted)}::text[])) AS contacts,
        (SELECT coalesce(json_agg(json_build_object('norm', e.message_id_norm, 'id', e.id)), '[]')
           FROM ${loggedEmails} e WHERE e.account_id = ${accountId} AND e.message_id_norm = any(${sql.param(wantedNorms)}::text[])) AS duplicates`);
    if (!row) throw new Error('decisionContexts: no row');
    const ownAddresses = new Set(row.own.map((x) => normalizeAddress(x)));
    const contactIds = new Map(row.contacts.map((c) => [normalizeAddress(c.email), c.id]));
    const duplicates = new Map(row.duplicates.map((d) => [d.norm, d.id]));
    return inputs.map((_, n) => {
      const a = froms[n] ?? null;
      const candidates: SenderCandidate[] =
        a === null
          ? []
          : [
              ...row.users
                .filter((u) => u.email.toLowerCase() === a)
                .map((u) => ({ rule: 'user_email' as const, userId: u.id, userEmail: u.email, inboxId: null, connected: true, createdAt: new Date(u.createdAt) })),
              ...row.inboxes
                .filter((i) => i.address.toLowerCase() === a || (i.aliases ?? []).some((x) => x.toLowerCase() === a))
                .map((i) => ({
                  rule: normalizeAddress(i.address) === a ? ('inbox_address' as const) : ('inbox_alias' as const),
                  userId: i.userId,
                  userEmail: i.userEmail,
                  inboxId: i.id,
                  connected: i.status === 'connected',
                  createdAt: new Date(i.createdAt),
                })),
            ];
      const norm = norms[n];
      return { candidates, ownAddresses, neverLog: row.never, policy: row.policy, contactIds, duplicateEmailId: (norm && duplicates.get(norm)) || null };
    });
  }

  return {
    /** The account's active address of this kind, made on first use. */
    async address(kind: InboundAddressKind): Promise<InboundAddressRow> {
      const existing = await active(db, kind);
      if (existing) return existing;
      const [row] = await db.insert(inboundAddresses).values({ accountId, kind, token: newInboundToken() }).onConflictDoNothing().returning();
      return row ?? (await active(db, kind))!;
    },

    /** Retires the active token (mail to it is refused from now on) and makes a new one. */
    async rotate(kind: InboundAddressKind): Promise<{ address: InboundAddressRow; retired: InboundAddressRow | null }> {
      return db.transaction(async (tx) => {
        const [retired] = await tx
          .update(inboundAddresses)
          .set({ retiredAt: sql`now()` })
          .where(scope.where(inboundAddresses, eq(inboundAddresses.kind, kind), isNull(inboundAddresses.retiredAt)))
          .returning();
        const [row] = await tx.insert(inboundAddresses).values({ accountId, kind, token: newInboundToken() }).returning();
        return { address: row!, retired: retired ?? null };
      });
    },

    /** Writes a received message to the spool; committed when this returns (before the SMTP 250). */
    async spool(input: SpoolInput): Promise<string> {
      const [row] = await db
        .insert(inboundMessages)
        .values({
          accountId,
          addressKind: input.addressKind,
          envelopeFrom: input.envelopeFrom,
          envelopeTo: input.envelopeTo,
          clientIp: input.clientIp,
          helo: input.helo,
          // Large bytes go as base64 text PostgreSQL decodes (see BASE64_ABOVE_BYTES in emails.ts).
          raw: input.raw.length > 1024 * 1024 ? sql<Buffer>`decode(${input.raw.toString('base64')}, 'base64')` : input.raw,
          size: input.raw.length,
          messageId: input.messageId,
          messageIdNorm: (input.messageId && normalizeMessageId(input.messageId)) || null,
          fromAddress: input.fromAddress,
          subject: input.subject,
        })
        .returning({ id: inboundMessages.id });
      return row!.id;
    },

    /**
     * A message read from a logging mailbox, spooled with its place (inbox, folder, uidvalidity, uid)
     * and the folder's checkpoint moved past it, in one transaction. Null when that place was spooled
     * already (a re-read after a crash or a restart): each message is processed once.
     */
    async spoolFromMailbox(input: SpoolInput & MailboxPlace & { decided?: InboundOutcome }): Promise<string | null> {
      const decided = input.decided;
      return db.transaction(async (tx) => {
        const [inbox] = await tx.select({ id: inboxes.id }).from(inboxes).where(scope.where(inboxes, eq(inboxes.id, input.inboxId)));
        if (!inbox) throw new Error('inbox not found in this account');
        const [row] = await tx
          .insert(inboundMessages)
          .values({
            accountId,
            addressKind: input.addressKind,
            envelopeFrom: null,
            envelopeTo: input.envelopeTo,
            clientIp: null,
            helo: null,
            // A message decided without processing (too large to read) keeps no bytes.
            raw: decided ? null : input.raw.length > 1024 * 1024 ? sql<Buffer>`decode(${input.raw.toString('base64')}, 'base64')` : input.raw,
            size: input.size ?? input.raw.length,
            messageId: input.messageId,
            messageIdNorm: (input.messageId && normalizeMessageId(input.messageId)) || null,
            fromAddress: input.fromAddress,
            subject: input.subject,
            ...(decided
              ? { status: 'processed' as const, decision: decided.decision, reasonCode: decided.reasonCode, detail: decided.detail?.slice(0, 2000) ?? null, processedAt: sql`now()` }
              : {}),
            inboxId: input.inboxId,
            folder: input.folder,
            uidvalidity: input.uidvalidity,
            uid: input.uid,
          })
          .onConflictDoNothing()
          .returning({ id: inboundMessages.id });
        await saveFolderCheckpoint(tx, input.inboxId, input.folder, input.uidvalidity, input.uid);
        return row?.id ?? null;
      });
    },

    /** How far the fleet has read a folder of a logging mailbox; null before its first read. */
    async folderCheckpoint(inboxId: string, folder: string): Promise<{ uidvalidity: number; lastUid: number } | null> {
      const [row] = await db
        .select({ uidvalidity: loggingFolderCheckpoints.uidvalidity, lastUid: loggingFolderCheckpoints.lastUid })
        .from(loggingFolderCheckpoints)
        .innerJoin(inboxes, eq(inboxes.id, loggingFolderCheckpoints.inboxId))
        .where(and(eq(inboxes.accountId, accountId), eq(loggingFolderCheckpoints.inboxId, inboxId), eq(loggingFolderCheckpoints.folder, folder)));
      return row ?? null;
    },

    /** A folder's baseline (first read, or a new UIDVALIDITY): reading starts after lastUid. */
    async saveFolderCheckpoint(inboxId: string, folder: string, uidvalidity: number, lastUid: number): Promise<void> {
      const [inbox] = await db.select({ id: inboxes.id }).from(inboxes).where(scope.where(inboxes, eq(inboxes.id, inboxId)));
      if (!inbox) throw new Error('inbox not found in this account');
      await saveFolderCheckpoint(db, inboxId, folder, uidvalidity, lastUid, true);
    },

    async message(id: string): Promise<InboundMessageRow | null> {
      const [row] = await db.select().from(inboundMessages).where(scope.where(inboundMessages, eq(inboundMessages.id, id)));
      return row ?? null;
    },

    /**
     * Records the decision and drops the raw bytes, inside the caller's transaction (the one that logged
     * the email), so a message is processed exactly once. False when it was already processed.
     */
    async markProcessed(tx: DbOrTx, id: string, outcome: InboundOutcome): Promise<boolean> {
      const norm = outcome.messageId ? normalizeMessageId(outcome.messageId) : null;
      const done = await tx
        .update(inboundMessages)
        .set({
          status: 'processed',
          raw: null,
          decision: outcome.decision,
          reasonCode: outcome.reasonCode,
          detail: outcome.detail ? outcome.detail.slice(0, 2000) : null,
          // A value the outcome does not know (null) keeps what the spool read from the headers.
          messageId: sql`coalesce(${outcome.messageId}, ${inboundMessages.messageId})`,
          messageIdNorm: sql`coalesce(${norm || null}, ${inboundMessages.messageIdNorm})`,
          fromAddress: sql`coalesce(${outcome.fromAddress}, ${inboundMessages.fromAddress})`,
          subject: sql`coalesce(${outcome.subject}, ${inboundMessages.subject})`,
          emailId: outcome.emailId,
          processedAt: sql`now()`,
        })
        .where(scope.where(inboundMessages, eq(inboundMessages.id, id), eq(inboundMessages.status, 'spooled')))
        .returning({ id: inboundMessages.id });
      return done.length === 1;
    },

    /** The inbound messages with one Message-ID (decided or still spooled), newest first: what `explain` shows for the BCC path. */
    async forMessageId(messageId: string): Promise<InboundMessageRow[]> {
      const norm = requireMessageIdNorm(messageId);
      return db
        .select()
        .from(inboundMessages)
        .where(scope.where(inboundMessages, eq(inboundMessages.messageIdNorm, norm)))
        .orderBy(desc(inboundMessages.receivedAt));
    },

    /** Users and inboxes (not removed) whose email, address or alias is `address`. */
    async senderCandidates(address: string): Promise<SenderCandidate[]> {
      const a = normalizeAddress(address);
      const userRows = await db
        .select({ id: users.id, email: users.email, createdAt: users.createdAt })
        .from(users)
        .where(scope.where(users, sql`lower(${users.email}) = ${a}`));
      const inboxRows = await db
        .select({ id: inboxes.id, userId: inboxes.userId, address: inboxes.address, aliases: inboxes.aliases, status: inboxes.status, createdAt: inboxes.createdAt, userEmail: users.email })
        .from(inboxes)
        .leftJoin(users, and(eq(users.id, inboxes.userId), eq(users.accountId, accountId)))
        .where(scope.where(inboxes, sql`${inboxes.status} <> 'removed'`, sql`(lower(${inboxes.address}) = ${a} OR ${a} = ANY(SELECT lower(x) FROM unnest(${inboxes.aliases}) x))`));
      return [
        ...userRows.map((u) => ({ rule: 'user_email' as const, userId: u.id, userEmail: u.email, inboxId: null, connected: true, createdAt: u.createdAt })),
        ...inboxRows.map((i) => ({
          rule: normalizeAddress(i.address) === a ? ('inbox_address' as const) : ('inbox_alias' as const),
          userId: i.userId,
          userEmail: i.userEmail,
          inboxId: i.id,
          connected: i.status === 'connected',
          createdAt: i.createdAt,
        })),
      ];
    },

    /**
     * What deciding one received message needs, in ONE statement (the inbound processor's hot path; as
     * separate queries it was seven round trips): senderCandidates(from), ownAddresses(), the never-log
     * entries, the sender-verification policy, contactIdsByAddress(recipients) and the id of an email
     * already logged with this Message-ID (null when none or no usable Message-ID).
     */
    async decisionContext(input: DecisionContextInput): Promise<DecisionContext> {
      return (await decisionContexts([input]))[0]!;
    },

    /** decisionContext for many messages of the account (a processor's batch), still ONE statement. */
    decisionContexts,

    /**
     * Records the decisions of a batch of BCC'd messages and logs the emails among them, in ONE
     * transaction of a few statements (log-bcc-batch.ts); throws BatchRowTaken when another run decided
     * one of them first (nothing committed: decide them one by one).
     */
    logBccBatch(items: BccBatchItem[]): Promise<InboundOutcome[]> {
      // drizzle() keeps the pool's postgres.js client as $client; the Db type does not declare it.
      return logBccBatch((db as Db & { $client: postgres.Sql }).$client, scope, items);
    },

    /** Every address of the account's users and inboxes, aliases included, normalised. */
    async ownAddresses(): Promise<Set<string>> {
      const rows = await db.execute<{ a: string }>(sql`
        SELECT email AS a FROM ${users} WHERE account_id = ${accountId}
        UNION SELECT address FROM ${inboxes} WHERE account_id = ${accountId} AND status <> 'removed'
        UNION SELECT unnest(aliases) FROM ${inboxes} WHERE account_id = ${accountId} AND status <> 'removed'`);
      return new Set(rows.map((r) => normalizeAddress(r.a)));
    },

    /** Contact ids by normalised address, for these addresses. */
    async contactIdsByAddress(addresses: string[]): Promise<Map<string, string>> {
      const wanted = [...new Set(addresses.map(normalizeAddress))];
      if (wanted.length === 0) return new Map();
      const rows = await db
        .select({ id: contacts.id, email: contacts.email })
        .from(contacts)
        .where(scope.where(contacts, sql`lower(${contacts.email}) = any(${sql.param(wanted)}::text[])`));
      return new Map(rows.map((r) => [normalizeAddress(r.email), r.id]));
    },

    /**
     * Creates the contacts that do not exist yet (owner: the sending user, non-marketing) in `tx`; a
     * contact another message made meanwhile is kept as it is. Returns the ids of all of them.
     */
    async ensureContacts(tx: DbOrTx, people: { address: string; name: string | null }[], ownerUserId: string | null): Promise<Map<string, string>> {
      if (people.length === 0) return new Map();
      await tx
        .insert(contacts)
        .values(people.map((p) => ({ accountId, email: normalizeAddress(p.address), name: p.name, ownerUserId, marketing: false })))
        .onConflictDoNothing();
      const wanted = people.map((p) => normalizeAddress(p.address));
      const rows = await tx
        .select({ id: contacts.id, email: contacts.email })
        .from(contacts)
        .where(scope.where(contacts, sql`lower(${contacts.email}) = any(${sql.param(wanted)}::text[])`));
      return new Map(rows.map((r) => [normalizeAddress(r.email), r.id]));
    },

    /**
     * The logged email a forwarded reply answers, from what its quoted header gives: the newest email
     * sent to (To or Cc) the reply's sender with the same subject less its Re:/Fwd: prefixes, sent
     * before the reply when its date could be read. Null when none (the reply starts a thread of its own).
     */
    async answeredEmail(
      tx: DbOrTx,
      replySender: string,
      replySubject: string,
      repliedAt: Date | null,
    ): Promise<{ id: string; messageId: string; threadId: string; references: string[] } | null> {
      const key = subjectKey(replySubject);
      if (!key) return null;
      const address = normalizeAddress(replySender);
      const rows = await tx
        .select({ id: loggedEmails.id, messageId: loggedEmails.messageId, threadId: loggedEmails.threadId, references: loggedEmails.referencesIds, subject: loggedEmails.subject })
        .from(loggedEmails)
        .where(
          scope.where(
            loggedEmails,
            and(
              sql`EXISTS (SELECT 1 FROM jsonb_array_elements(${loggedEmails.to} || ${loggedEmails.cc}) e WHERE lower(e->>'address') = ${address})`,
              repliedAt ? sql`(${loggedEmails.sentAt} IS NULL OR ${loggedEmails.sentAt} <= ${repliedAt.toISOString()}::timestamptz)` : undefined,
            ),
          ),
        )
        .orderBy(desc(loggedEmails.sentAt), desc(loggedEmails.id))
        .limit(200);
      const hit = rows.find((r) => subjectKey(r.subject) === key);
      return hit ? { id: hit.id, messageId: hit.messageId, threadId: hit.threadId, references: hit.references ?? [] } : null;
    },

    /** The companies of these contacts and each one's BCC_DEALS_PER_CONTACT most recent open deals. */
    async associationsOf(tx: DbOrTx, contactIds: string[]): Promise<{ companyIds: string[]; dealIds: string[] }> {
      if (contactIds.length === 0) return { companyIds: [], dealIds: [] };
      const ids = sql.param([...new Set(contactIds)]);
      const companyRows = await tx
        .selectDistinct({ id: contactCompanies.companyId })
        .from(contactCompanies)
        .where(scope.where(contactCompanies, sql`${contactCompanies.contactId} = any(${ids}::uuid[])`));
      const dealRows = await tx.execute<{ id: string }>(sql`
        SELECT DISTINCT deal_id AS id FROM (
          SELECT cd.deal_id, row_number() OVER (PARTITION BY cd.contact_id ORDER BY d.created_at DESC, d.id) AS n
          FROM contact_deals cd JOIN deals d ON d.id = cd.deal_id AND d.account_id = ${accountId}
          WHERE cd.account_id = ${accountId} AND cd.contact_id = any(${ids}::uuid[]) AND d.status = 'open'
        ) ranked WHERE n <= ${BCC_DEALS_PER_CONTACT}`);
      return { companyIds: companyRows.map((r) => r.id), dealIds: dealRows.map((r) => r.id) };
    },
  };
}

/** The account of an active logging address, or null (unknown or retired: refused at RCPT). */
export async function resolveInboundAddress(db: DbOrTx, kind: InboundAddressKind, token: string): Promise<string | null> {
  const [row] = await db
    .select({ accountId: inboundAddresses.accountId })
    .from(inboundAddresses)
    .where(and(eq(inboundAddresses.token, token), eq(inboundAddresses.kind, kind), isNull(inboundAddresses.retiredAt)));
  return row?.accountId ?? null;
}

/**
 * Spooled messages received before `before` (the sweep re-queues them): ids only, oldest first, `limit`
 * at a time after the `after` of the previous page (they stay spooled while their jobs wait).
 */
export async function spooledInboundMessages(
  db: DbOrTx,
  before: Date,
  limit = 1000,
  after: { receivedAt: Date; id: string } | null = null,
): Promise<{ accountId: string; id: string; receivedAt: Date }[]> {
  return db
    .select({ accountId: inboundMessages.accountId, id: inboundMessages.id, receivedAt: inboundMessages.receivedAt })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.status, 'spooled'),
        lt(inboundMessages.receivedAt, before),
        // Milliseconds, as a Date holds them: the page's last row compares equal to itself.
        after ? sql`(date_trunc('milliseconds', ${inboundMessages.receivedAt}), ${inboundMessages.id}) > (${after.receivedAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(sql`date_trunc('milliseconds', ${inboundMessages.receivedAt})`, inboundMessages.id)
    .limit(limit);
}

/** A message for spoolInboundBatch: its account, what spool() takes, and when its DATA ended. */
export interface SpoolBatchRow {
  accountId: string;
  input: SpoolInput;
  receivedAt: Date;
}

/** Messages up to this size are spooled many to a statement; a bigger one goes alone (spool()). */
export const SPOOL_BATCH_MAX_BYTES = 1024 * 1024;

/**
 * Writes several received messages (any accounts) to the spool in ONE statement, committed when this
 * returns: the SMTP receiver's group commit of the messages whose DATA ended while the previous
 * statement ran. Returns the new ids in order. Each row's bytes go as base64 that PostgreSQL decodes.
 */
export async function spoolInboundBatch(db: Db, rows: SpoolBatchRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const ids = rows.map(() => randomUUID());
  const values = rows.map(({ accountId, input, receivedAt }, n) => ({
    id: ids[n],
    account_id: accountId,
    address_kind: input.addressKind,
    envelope_from: input.envelopeFrom === null ? null : toStorableText(input.envelopeFrom),
    envelope_to: input.envelopeTo.map((a) => toStorableText(a)),
    client_ip: input.clientIp === null ? null : toStorableText(input.clientIp),
    helo: input.helo === null ? null : toStorableText(input.helo),
    raw: input.raw.toString('base64'),
    size: input.size ?? input.raw.length,
    received_at: receivedAt.toISOString(),
    message_id: input.messageId === null ? null : toStorableText(input.messageId),
    norm: input.messageId ? (normalizeMessageId(input.messageId) ?? null) : null,
    from_address: input.fromAddress === null ? null : toStorableText(input.fromAddress),
    subject: input.subject === null ? null : toStorableText(input.subject),
  }));
  const sql = (db as Db & { $client: postgres.Sql }).$client;
  await sql`
    INSERT INTO inbound_messages (id, account_id, address_kind, envelope_from, envelope_to, client_ip, helo, raw, size,
      received_at, message_id, message_id_norm, from_address, subject)
    SELECT u.id, u.account_id, u.address_kind, u.envelope_from, ARRAY(SELECT jsonb_array_elements_text(u.envelope_to)),
      u.client_ip, u.helo, decode(u.raw, 'base64'), u.size, u.received_at, u.message_id, u.norm, u.from_address, u.subject
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS u(id uuid, account_id uuid, address_kind text,
      envelope_from text, envelope_to jsonb, client_ip text, helo text, raw text, size int, received_at timestamptz,
      message_id text, norm text, from_address text, subject text)`;
  return ids;
}

/** The spooled rows with these ids (any account; the caller checks each against its job's account). */
export async function inboundMessagesByIds(db: DbOrTx, ids: string[]): Promise<InboundMessageRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(inboundMessages)
    .where(sql`${inboundMessages.id} = any(${sql.param([...new Set(ids)])}::uuid[])`);
}
