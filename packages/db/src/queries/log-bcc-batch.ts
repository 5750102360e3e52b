// Deciding many BCC'd messages of one account in ONE transaction of a handful of statements, whatever
// the batch size: apps/inbound's processor path. Done one message at a time it was ~13 statements per
// message (the contacts, two association look-ups, a savepoint with the owner checks, the email, its
// associations and webhook event, the spool row), and the process spent a quarter of its CPU in the
// socket writes of those statements (README, Performance: Inbound).
//
// The same guarantees as the one-message path, statement by statement:
// - exactly once per Message-ID: the emails go in one INSERT ... ON CONFLICT (account_id,
//   message_id_norm) DO NOTHING; one not returned was logged meanwhile (or earlier in the batch) and is
//   `duplicate`. Contacts are created only for the emails that were inserted, so a duplicate never
//   leaves a contact behind;
// - the owner users and inboxes are rows of this account (else not_in_account: nothing commits);
// - each spooled row is decided exactly once: the decisions are written with `status = 'spooled'` as a
//   condition, and a row another run decided first fails the whole batch (BatchRowTaken) so the caller
//   can decide its messages one by one;
// - every text through toStorableText; the webhook outbox gets one email.logged per email logged.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { MAX_DETAIL_LENGTH, normalizeAddress, normalizeMessageId, toStorableText, type Address, type SenderVerification } from '@reply-sync/threading';
import type { AccountScope } from '../account-scope';
import { DbError } from '../errors';
import { requireMessageIdNorm } from '../message-id';
import type { DecisionOutcome } from '../schema';
import { toStorableJson } from '../storable-columns';
import { recordEventsIn } from '../webhook-outbox';
import { insertNewEmailAssociations } from './email-associations-batch';
import type { AttachmentInput } from './emails';
import { BCC_DEALS_PER_CONTACT, type InboundOutcome } from './inbound-outcome';

/** An email of the batch to log (decideBcc said `logged`). */
export interface BccEmailToLog {
  messageId: string;
  owner: { userId: string | null; inboxId: string | null };
  /** To/Cc recipients to log on; contactId null: created (owner: the sending user, non-marketing). */
  recipients: { address: string; name: string | null; contactId: string | null }[];
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  sentAt: Date | null;
  textBody: string | null;
  htmlBody: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: AttachmentInput[];
  attachmentsSkippedReason: string | null;
  senderVerification: SenderVerification;
  /** decideBcc's detail (owner rule, recipients left out, unverified under `flag`). */
  detail: string;
}

export interface BccBatchItem {
  inboundMessageId: string;
  /** What the headers said, kept on the decision. */
  base: { messageId: string | null; fromAddress: string | null; subject: string };
  /** Decided already (a skip): recorded as it is. */
  decided?: InboundOutcome;
  /** Otherwise the email to log. */
  log?: BccEmailToLog;
}

/** A spooled row of the batch was decided by another run first: nothing of the batch committed. */
export class BatchRowTaken extends Error {
  constructor() {
    super('another run decided a message of this batch first');
  }
}

const MAX_DETAIL = 2000;
const cut = (s: string) => (s.length > MAX_DETAIL_LENGTH ? `${s.slice(0, MAX_DETAIL_LENGTH - 1)}…` : s);
const text = (v: string | null | undefined) => (v == null ? null : toStorableText(v));
const stored = (list: Address[]) => toStorableJson(list.map((a) => (a.name ? { address: a.address.toLowerCase(), name: a.name } : { address: a.address.toLowerCase() })));
/** Rows as ONE jsonb parameter read back with jsonb_to_recordset (see log-replies.ts for why). */
const rowsParam = (tx: postgres.TransactionSql, rows: object[]) => tx`${JSON.stringify(rows)}::jsonb`;

/**
 * Records every item's decision in one transaction, logging the `log` items (emails, contacts,
 * associations, attachments, webhook events). Returns each item's outcome, in order.
 */
export async function logBccBatch(sql: postgres.Sql, scope: AccountScope, items: BccBatchItem[]): Promise<InboundOutcome[]> {
  const { accountId } = scope;
  const outcomes: (InboundOutcome | null)[] = items.map((i) => i.decided ?? null);
  const toLog = items.map((item, index) => ({ item, index, email: item.log, norm: item.log ? toStorableText(requireMessageIdNorm(item.log.messageId)) : '' })).filter((p) => p.email);
  if (items.length === 0) return [];

  await sql.begin(async (tx) => {
    if (toLog.length > 0) {
      const inboxKinds = await ownersOf(tx, accountId, toLog.map((p) => p.email!.owner));

      // 1. The emails: the first of each Message-ID; the rest of the batch's copies are its duplicates.
      const firstOf = new Map<string, (typeof toLog)[number]>();
      for (const p of toLog) if (!firstOf.has(p.norm)) firstOf.set(p.norm, p);
      const inserted = await insertEmails(tx, accountId, [...firstOf.values()].map((p) => ({ norm: p.norm, email: p.email!, teamInbox: p.email!.owner.inboxId ? inboxKinds.get(p.email!.owner.inboxId) === 'team' : false })));
      const logged = [...firstOf.values()].filter((p) => inserted.has(p.norm));
      const duplicates = toLog.filter((p) => !logged.includes(p));
      const existing = await existingIds(tx, accountId, [...new Set(duplicates.filter((p) => !inserted.has(p.norm)).map((p) => p.norm))]);
      for (const p of duplicates) {
        const emailId = inserted.get(p.norm)?.id ?? existing.get(p.norm) ?? null;
        outcomes[p.index] = { ...p.item.base, decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${emailId}`, emailId };
      }

      // 2. The missing contacts of the emails logged (the first email wanting one creates it), then 3. their associations.
      const missing = new Map<string, { email: string; name: string | null; owner: string | null; index: number }>();
      for (const p of logged) {
        for (const r of p.email!.recipients) {
          const address = normalizeAddress(r.address);
          if (!r.contactId && !missing.has(address)) missing.set(address, { email: address, name: text(r.name), owner: p.email!.owner.userId, index: p.index });
        }
      }
      const made = await ensureContacts(tx, accountId, [...missing.values()]);
      const contactIdsOf = (p: (typeof logged)[number]) =>
        [...new Set(p.email!.recipients.map((r) => r.contactId ?? made.ids.get(normalizeAddress(r.address))).filter((id): id is string => Boolean(id)))];
      const allContacts = [...new Set(logged.flatMap(contactIdsOf))];
      const links = await associationsOf(tx, accountId, allContacts);
      const associations = new Map(
        logged.map((p) => {
          const contactIds = contactIdsOf(p);
          return [p.index, { contactIds, companyIds: [...new Set(contactIds.flatMap((c) => links.companies.get(c) ?? []))], dealIds: [...new Set(contactIds.flatMap((c) => links.deals.get(c) ?? []))] }];
        }),
      );
      const emailIdOf = (p: (typeof logged)[number]) => inserted.get(p.norm)!.id;
      await insertNewEmailAssociations(tx, accountId, logged.map((p) => ({ emailId: emailIdOf(p), ...associations.get(p.index)! })));
      await insertAttachments(tx, accountId, logged.filter((p) => !p.email!.attachmentsSkippedReason).flatMap((p) => p.email!.attachments.map((f) => ({ emailId: emailIdOf(p), f }))));
      await recordEventsIn(
        tx,
        accountId,
        'email.logged',
        logged.map((p) => ({
          emailId: emailIdOf(p),
          messageId: p.email!.messageId,
          source: 'bcc' as const,
          direction: 'outbound' as const,
          threadId: inserted.get(p.norm)!.threadId,
          inboxId: p.email!.owner.inboxId,
          ...associations.get(p.index)!,
        })),
      );
      for (const p of logged) {
        const e = p.email!;
        const created = [...missing.values()].filter((m) => m.index === p.index && made.created.has(m.email)).map((m) => m.email);
        const notes = `${e.attachmentsSkippedReason ? `${e.attachmentsSkippedReason}; ` : ''}${e.detail}${created.length > 0 ? `; contacts created: ${created.join(', ')}` : ''}`;
        outcomes[p.index] = {
          ...p.item.base,
          decision: 'logged',
          reasonCode: e.attachmentsSkippedReason ? 'logged_without_attachments' : 'logged',
          detail: cut(notes),
          emailId: emailIdOf(p),
        };
      }
    }

    // 4. Every decision, on rows still spooled only.
    const done = await markProcessed(tx, accountId, items.map((item, i) => ({ id: item.inboundMessageId, outcome: outcomes[i]! })));
    if (done !== items.length) throw new BatchRowTaken();
  });
  return outcomes as InboundOutcome[];
}

/** The owners' inboxes' kinds; throws not_in_account unless every owner user and inbox is of this account. */
async function ownersOf(tx: postgres.TransactionSql, accountId: string, owners: BccEmailToLog['owner'][]): Promise<Map<string, string>> {
  const userIds = [...new Set(owners.map((o) => o.userId).filter((id): id is string => Boolean(id)))];
  const inboxIds = [...new Set(owners.map((o) => o.inboxId).filter((id): id is string => Boolean(id)))];
  const [row] = await tx<{ users: number; inboxes: { id: string; kind: string }[] }[]>`
    SELECT (SELECT count(*)::int FROM users WHERE account_id = ${accountId}::uuid AND id = any(${userIds}::uuid[])) AS users,
           (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind)), '[]') FROM inboxes
             WHERE account_id = ${accountId}::uuid AND id = any(${inboxIds}::uuid[])) AS inboxes`;
  if (row!.users !== userIds.length) throw new DbError('not_in_account', 'One or more users do not exist in this account.');
  if (row!.inboxes.length !== inboxIds.length) throw new DbError('not_in_account', 'One or more inboxes do not exist in this account.');
  return new Map(row!.inboxes.map((i) => [i.id, i.kind]));
}

/** One INSERT of the emails (each a new thread); returns stored norm → {id, threadId} for the ones inserted. */
async function insertEmails(
  tx: postgres.TransactionSql,
  accountId: string,
  list: { norm: string; email: BccEmailToLog; teamInbox: boolean }[],
): Promise<Map<string, { id: string; threadId: string }>> {
  if (list.length === 0) return new Map();
  const rows = list.map(({ norm, email: e, teamInbox }) => ({
    message_id: toStorableText(e.messageId),
    norm,
    thread_id: randomUUID(),
    owner: teamInbox ? null : e.owner.userId,
    inbox_id: e.owner.inboxId,
    from_address: toStorableText(e.from.address.toLowerCase()),
    from_name: text(e.from.name),
    to_json: stored(e.to),
    cc_json: stored(e.cc),
    subject: toStorableText(e.subject),
    sent_at: e.sentAt?.toISOString() ?? null,
    text_body: text(e.textBody),
    html_body: text(e.htmlBody),
    in_reply_to: text(e.inReplyTo),
    refs: e.references.map((r) => toStorableText(r)),
    skipped: text(e.attachmentsSkippedReason),
    auth_verified: e.senderVerification.verified,
    auth_dmarc: e.senderVerification.dmarc,
    auth_dkim: e.senderVerification.dkim,
    auth_dkim_aligned: e.senderVerification.dkimAligned,
    auth_spf: e.senderVerification.spf,
    auth_detail: text(e.senderVerification.detail),
  }));
  const inserted = await tx<{ id: string; norm: string; thread_id: string }[]>`
    INSERT INTO logged_emails
      (account_id, direction, source, message_id, message_id_norm, thread_id, thread_owner_user_id, thread_inbox_id,
       inbox_id, from_address, from_name, "to", cc, subject, sent_at, text_body, html_body, in_reply_to,
       references_ids, attachments_skipped_reason, auth_verified, auth_dmarc, auth_dkim, auth_dkim_aligned, auth_spf, auth_detail)
    SELECT ${accountId}::uuid, 'outbound', 'bcc', u.message_id, u.norm, u.thread_id, u.owner, u.inbox_id,
      u.inbox_id, u.from_address, u.from_name, u.to_json, u.cc_json, u.subject, u.sent_at,
      u.text_body, u.html_body, u.in_reply_to, ARRAY(SELECT jsonb_array_elements_text(u.refs)), u.skipped,
      u.auth_verified, u.auth_dmarc, u.auth_dkim, u.auth_dkim_aligned, u.auth_spf, u.auth_detail
    FROM jsonb_to_recordset(${rowsParam(tx, rows)}) AS u(
      message_id text, norm text, thread_id uuid, owner uuid, inbox_id uuid, from_address text, from_name text,
      to_json jsonb, cc_json jsonb, subject text, sent_at timestamptz, text_body text, html_body text, in_reply_to text,
      refs jsonb, skipped text, auth_verified boolean, auth_dmarc text, auth_dkim text, auth_dkim_aligned boolean,
      auth_spf text, auth_detail text)
    ON CONFLICT (account_id, message_id_norm) DO NOTHING
    RETURNING id, message_id_norm AS norm, thread_id`;
  return new Map(inserted.map((r) => [r.norm, { id: r.id, threadId: r.thread_id }]));
}

async function existingIds(tx: postgres.TransactionSql, accountId: string, norms: string[]): Promise<Map<string, string>> {
  if (norms.length === 0) return new Map();
  const rows = await tx<{ id: string; norm: string }[]>`
    SELECT id, message_id_norm AS norm FROM logged_emails WHERE account_id = ${accountId}::uuid AND message_id_norm = ANY(${norms}::text[])`;
  return new Map(rows.map((r) => [r.norm, r.id]));
}

/**
 * Creates the contacts that do not exist (ON CONFLICT DO NOTHING: one made meanwhile is kept as it is)
 * and returns every one's id, with the addresses this statement created.
 */
async function ensureContacts(
  tx: postgres.TransactionSql,
  accountId: string,
  people: { email: string; name: string | null; owner: string | null }[],
): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const ids = new Map<string, string>();
  const created = new Set<string>();
  if (people.length === 0) return { ids, created };
  const rows = await tx<{ id: string; email: string; created: boolean }[]>`
    WITH want AS (SELECT * FROM jsonb_to_recordset(${rowsParam(tx, people)}) AS w(email text, name text, owner uuid)),
    ins AS (
      INSERT INTO contacts (account_id, email, name, owner_user_id, marketing)
      SELECT ${accountId}::uuid, email, name, owner, false FROM want
      ON CONFLICT DO NOTHING RETURNING id, email)
    SELECT id, email, true AS created FROM ins
    UNION ALL
    SELECT c.id, c.email, false FROM contacts c WHERE c.account_id = ${accountId}::uuid AND lower(c.email) IN (SELECT email FROM want)`;
  for (const r of rows) {
    ids.set(normalizeAddress(r.email), r.id);
    if (r.created) created.add(normalizeAddress(r.email));
  }
  // A contact another transaction committed while ours waited on it is not in this statement's snapshot.
  const late = people.map((p) => p.email).filter((e) => !ids.has(e));
  if (late.length > 0) {
    const again = await tx<{ id: string; email: string }[]>`
      SELECT id, email FROM contacts WHERE account_id = ${accountId}::uuid AND lower(email) = any(${late}::text[])`;
    for (const r of again) ids.set(normalizeAddress(r.email), r.id);
  }
  return { ids, created };
}

/** Each contact's companies and its BCC_DEALS_PER_CONTACT most recent open deals, in one statement. */
async function associationsOf(tx: postgres.TransactionSql, accountId: string, contactIds: string[]): Promise<{ companies: Map<string, string[]>; deals: Map<string, string[]> }> {
  const companies = new Map<string, string[]>();
  const deals = new Map<string, string[]>();
  if (contactIds.length === 0) return { companies, deals };
  const rows = await tx<{ kind: 'company' | 'deal'; contact_id: string; id: string }[]>`
    SELECT 'company' AS kind, contact_id, company_id AS id FROM contact_companies
      WHERE account_id = ${accountId}::uuid AND contact_id = any(${contactIds}::uuid[])
    UNION ALL
    SELECT 'deal', contact_id, deal_id FROM (
      SELECT cd.contact_id, cd.deal_id, row_number() OVER (PARTITION BY cd.contact_id ORDER BY d.created_at DESC, d.id) AS n
      FROM contact_deals cd JOIN deals d ON d.id = cd.deal_id AND d.account_id = ${accountId}::uuid
      WHERE cd.account_id = ${accountId}::uuid AND cd.contact_id = any(${contactIds}::uuid[]) AND d.status = 'open'
    ) ranked WHERE n <= ${BCC_DEALS_PER_CONTACT}`;
  for (const r of rows) {
    const map = r.kind === 'company' ? companies : deals;
    map.set(r.contact_id, [...(map.get(r.contact_id) ?? []), r.id]);
  }
  return { companies, deals };
}


/** The attachments in one statement (base64 text PostgreSQL decodes, as emails.ts's big ones). */
async function insertAttachments(tx: postgres.TransactionSql, accountId: string, list: { emailId: string; f: AttachmentInput }[]): Promise<void> {
  if (list.length === 0) return;
  const rows = list.map(({ emailId, f }) => ({
    email_id: emailId,
    filename: text(f.filename),
    content_type: toStorableText(f.contentType),
    size: f.size ?? f.content.length,
    content_id: text(f.contentId),
    content: f.content.toString('base64'),
  }));
  await tx`
    INSERT INTO attachments (account_id, email_id, filename, content_type, size, content_id, content)
    SELECT ${accountId}::uuid, u.email_id, u.filename, u.content_type, u.size, u.content_id, decode(u.content, 'base64')
    FROM jsonb_to_recordset(${rowsParam(tx, rows)}) AS u(email_id uuid, filename text, content_type text, size int, content_id text, content text)`;
}

/** The decisions of rows still spooled (their bytes dropped); returns how many were. */
async function markProcessed(tx: postgres.TransactionSql, accountId: string, list: { id: string; outcome: InboundOutcome }[]): Promise<number> {
  const rows = list.map(({ id, outcome: o }) => ({
    id,
    decision: o.decision satisfies DecisionOutcome,
    reason_code: o.reasonCode,
    detail: o.detail ? toStorableText(o.detail.slice(0, MAX_DETAIL)) : null,
    message_id: text(o.messageId),
    norm: text((o.messageId && normalizeMessageId(o.messageId)) || null),
    from_address: text(o.fromAddress),
    subject: text(o.subject),
    email_id: o.emailId,
  }));
  const done = await tx<{ id: string }[]>`
    UPDATE inbound_messages m SET
      status = 'processed', raw = NULL, decision = u.decision, reason_code = u.reason_code, detail = u.detail,
      message_id = coalesce(u.message_id, m.message_id), message_id_norm = coalesce(u.norm, m.message_id_norm),
      from_address = coalesce(u.from_address, m.from_address), subject = coalesce(u.subject, m.subject),
      email_id = u.email_id, processed_at = now()
    FROM jsonb_to_recordset(${rowsParam(tx, rows)}) AS u(id uuid, decision text, reason_code text, detail text,
      message_id text, norm text, from_address text, subject text, email_id uuid)
    WHERE m.id = u.id AND m.account_id = ${accountId}::uuid AND m.status = 'spooled'
    RETURNING m.id`;
  return done.length;
}
