// Logging a batch of replies of one inbox in ONE transaction of a handful of statements, whatever the
// batch size: the catch-up's path for the replies it holds in memory. logReply (emails.ts) does the
// same for one reply in ~7 statements; at 500 replies a batch that was ~3,500 round trips, and the
// database's share of them bounded the worker at ~500 replies/s.
//
// The same guarantees as logReply, statement by statement:
// - exactly once: the emails go in one INSERT ... ON CONFLICT (account_id, message_id_norm) DO NOTHING;
//   the ones not returned were logged before (a re-read batch, another worker) and get `duplicate`;
// - the inbox row is locked FOR KEY SHARE for the transaction (connected-at-arrival.ts): a reply is
//   logged here only in that check's common case (connected now, and since before it arrived). Any
//   other reply is handed to logReply, whose full check reads the status history;
// - associations only to rows of this account (else not_in_account, and nothing of the batch commits);
// - every text value through toStorableText, as the storable columns do;
// - the webhook outbox gets one email.logged per reply logged, in the same transaction.
// Values the database refuses (isRefusedValue) fail the whole batch: the caller then logs its replies
// one by one with logReply, so only the refused one is lost to `malformed`.
import type postgres from 'postgres';
import { toStorableText, type Address } from '@reply-sync/threading';
import type { AccountScope } from '../account-scope';
import { DbError } from '../errors';
import { requireMessageIdNorm } from '../message-id';
import { toStorableJson } from '../storable-columns';
import type { DecisionInput } from './decisions';
import { insertOwnedDecisionsSql } from './decisions';
import type { LogReplyInput, LogReplyResult } from './emails';
import { recordEventsIn } from '../webhook-outbox';
import { insertNewEmailAssociations } from './email-associations-batch';

const SECOND_MS = 1000;

/** A reply of the batch, with what the statements need computed once. */
interface Pending {
  index: number;
  input: LogReplyInput;
  norm: string;
  storedNorm: string;
}

export interface LogRepliesOutcome {
  /** Results by input position; null for the inputs left to logReply (`deferred`). */
  results: (LogReplyResult | null)[];
  /** Positions of the inputs whose inbox status needs logReply's full check. */
  deferred: number[];
}

const text = (v: string | null | undefined) => (v == null ? null : toStorableText(v));
const storedAddresses = (list: Address[]) =>
  toStorableJson(list.map((a) => (a.name ? { address: a.address.toLowerCase(), name: a.name } : { address: a.address.toLowerCase() })));

/**
 * Logs `inputs` (all of inbox `inboxId`) in one transaction. Replies whose arrival the locked inbox row
 * cannot vouch for are not written: their positions come back in `deferred`, for logReply.
 * `input.checkpoint` is not used here: the caller saves the checkpoint once the batch has committed.
 */
export async function logRepliesIn(sql: postgres.Sql, scope: AccountScope, inboxId: string, inputs: LogReplyInput[]): Promise<LogRepliesOutcome> {
  const { accountId } = scope;
  const results: (LogReplyResult | null)[] = inputs.map(() => null);
  const deferred: number[] = [];
  if (inputs.length === 0) return { results, deferred };
  for (const input of inputs) {
    if (input.inboxId !== inboxId) throw new Error('logReplies: every reply must belong to the one inbox given');
  }
  const pending: Pending[] = inputs.map((input, index) => {
    const norm = requireMessageIdNorm(input.messageId);
    return { index, input, norm, storedNorm: toStorableText(norm) };
  });

  await sql.begin(async (tx) => {
    const [inbox] = await tx<{ status: string; since_ms: number | null }[]>`
      SELECT status, (extract(epoch FROM connected_since) * 1000)::float8 AS since_ms
      FROM inboxes WHERE id = ${inboxId}::uuid AND account_id = ${accountId}::uuid FOR KEY SHARE`;
    if (!inbox) throw new DbError('not_in_account', 'One or more inboxes do not exist in this account.');
    const since = inbox.since_ms !== null ? Math.floor(inbox.since_ms / SECOND_MS) * SECOND_MS : null;
    const vouched = pending.filter((p) => {
      const arrivedSecond = Math.floor(p.input.receivedAt.getTime() / SECOND_MS) * SECOND_MS;
      const ok = inbox.status === 'connected' && since !== null && arrivedSecond >= since;
      if (!ok) deferred.push(p.index);
      return ok;
    });

    // The first of each Message-ID is inserted; a repeat within the batch is that one's duplicate.
    const firstOf = new Map<string, Pending>();
    const repeats: Pending[] = [];
    for (const p of vouched) {
      if (firstOf.has(p.storedNorm)) repeats.push(p);
      else firstOf.set(p.storedNorm, p);
    }
    const toInsert = [...firstOf.values()];
    const inserted = await insertEmails(tx, accountId, toInsert);

    const duplicates = [...toInsert.filter((p) => !inserted.has(p.storedNorm)), ...repeats];
    const existing = await existingIds(tx, accountId, [...new Set(duplicates.filter((p) => !inserted.has(p.storedNorm)).map((p) => p.storedNorm))]);
    const decisionRows: DecisionInput[] = [];
    const decisionBase = (p: Pending) => ({
      inboxId,
      uidvalidity: p.input.uidvalidity,
      uid: p.input.uid,
      messageId: p.input.messageId,
      messageIdNorm: p.norm,
      fromAddress: p.input.from.address.toLowerCase(),
      subject: p.input.subject,
    });
    for (const p of duplicates) {
      const emailId = inserted.get(p.storedNorm) ?? existing.get(p.storedNorm) ?? null;
      results[p.index] = { inserted: false, emailId, reason: 'duplicate' };
      decisionRows.push({ ...decisionBase(p), reasonCode: 'duplicate', detail: emailId ? `already logged as email ${emailId}` : null });
    }
    const logged = toInsert.filter((p) => inserted.has(p.storedNorm));
    for (const p of logged) {
      const reason = p.input.attachmentsSkippedReason ? 'logged_without_attachments' : 'logged';
      results[p.index] = { inserted: true, emailId: inserted.get(p.storedNorm)!, reason };
      decisionRows.push({ ...decisionBase(p), reasonCode: reason, detail: p.input.attachmentsSkippedReason ?? null });
    }
    const emailIdOf = (p: Pending) => inserted.get(p.storedNorm)!;
    await insertNewEmailAssociations(tx, accountId, logged.map((p) => ({ emailId: emailIdOf(p), ...p.input.associations })));
    await insertAttachments(tx, accountId, logged.filter((p) => !p.input.attachmentsSkippedReason), emailIdOf);
    await insertOwnedDecisionsSql(tx, accountId, decisionRows);
    // The webhook outbox, in this transaction as logReply's: one email.logged per reply logged here.
    await recordEventsIn(
      tx,
      accountId,
      'email.logged',
      logged.map((p) => ({
        emailId: emailIdOf(p),
        messageId: p.input.messageId,
        source: 'reply_sync' as const,
        direction: 'inbound' as const,
        threadId: p.input.thread.threadId,
        inboxId,
        ...p.input.associations,
        reason: results[p.index]!.reason,
      })),
    );
  });
  return { results, deferred };
}

/**
 * The rows of a statement as ONE jsonb parameter, read back with jsonb_to_recordset: postgres.js infers
 * an array parameter's type from its first element (an array of booleans goes as a boolean), and a
 * statement of 500 rows × 25 columns of separate parameters costs drizzle and postgres.js more CPU
 * than the insert itself. Every text is storable (no U+0000), so jsonb accepts it.
 */
const rowsParam = (tx: postgres.TransactionSql, rows: object[]) => tx`${JSON.stringify(rows)}::jsonb`;

/** One INSERT of every email; returns stored Message-ID (normalised) → new email id, for the ones inserted. */
async function insertEmails(tx: postgres.TransactionSql, accountId: string, list: Pending[]): Promise<Map<string, string>> {
  if (list.length === 0) return new Map();
  const rows = list.map(({ input: i, storedNorm }) => ({
    message_id: toStorableText(i.messageId),
    norm: storedNorm,
    thread_id: i.thread.threadId,
    owner: i.thread.ownerUserId,
    thread_inbox: i.thread.inboxId,
    inbox_id: i.inboxId,
    from_address: toStorableText(i.from.address.toLowerCase()),
    from_name: text(i.from.name),
    to_json: storedAddresses(i.to),
    cc_json: storedAddresses(i.cc),
    subject: toStorableText(i.subject),
    sent_at: i.sentAt?.toISOString() ?? null,
    received_at: i.receivedAt.toISOString(),
    text_body: text(i.textBody),
    html_body: text(i.htmlBody),
    in_reply_to: text(i.inReplyTo),
    refs: (i.references ?? []).map((r) => toStorableText(r)),
    uid: i.uid,
    skipped: text(i.attachmentsSkippedReason),
    auth_verified: i.senderVerification?.verified ?? null,
    auth_dmarc: i.senderVerification?.dmarc ?? null,
    auth_dkim: i.senderVerification?.dkim ?? null,
    auth_dkim_aligned: i.senderVerification ? i.senderVerification.dkimAligned : null,
    auth_spf: i.senderVerification?.spf ?? null,
    auth_detail: text(i.senderVerification?.detail),
  }));
  const inserted = await tx<{ id: string; norm: string }[]>`
    INSERT INTO logged_emails
      (account_id, direction, source, message_id, message_id_norm, thread_id, thread_owner_user_id, thread_inbox_id,
       inbox_id, from_address, from_name, "to", cc, subject, sent_at, received_at, text_body, html_body, in_reply_to,
       references_ids, uid, attachments_skipped_reason, auth_verified, auth_dmarc, auth_dkim, auth_dkim_aligned, auth_spf, auth_detail)
    SELECT ${accountId}::uuid, 'inbound', 'reply_sync', u.message_id, u.norm, u.thread_id, u.owner, u.thread_inbox,
      u.inbox_id, u.from_address, u.from_name, u.to_json, u.cc_json, u.subject, u.sent_at, u.received_at,
      u.text_body, u.html_body, u.in_reply_to, ARRAY(SELECT jsonb_array_elements_text(u.refs)), u.uid, u.skipped,
      u.auth_verified, u.auth_dmarc, u.auth_dkim, u.auth_dkim_aligned, u.auth_spf, u.auth_detail
    FROM jsonb_to_recordset(${rowsParam(tx, rows)}) AS u(
      message_id text, norm text, thread_id uuid, owner uuid, thread_inbox uuid, inbox_id uuid, from_address text,
      from_name text, to_json jsonb, cc_json jsonb, subject text, sent_at timestamptz, received_at timestamptz,
      text_body text, html_body text, in_reply_to text, refs jsonb, uid bigint, skipped text, auth_verified boolean,
      auth_dmarc text, auth_dkim text, auth_dkim_aligned boolean, auth_spf text, auth_detail text)
    ON CONFLICT (account_id, message_id_norm) DO NOTHING
    RETURNING id, message_id_norm AS norm`;
  return new Map(inserted.map((r) => [r.norm, r.id]));
}

async function existingIds(tx: postgres.TransactionSql, accountId: string, norms: string[]): Promise<Map<string, string>> {
  if (norms.length === 0) return new Map();
  const rows = await tx<{ id: string; norm: string }[]>`
    SELECT id, message_id_norm AS norm FROM logged_emails WHERE account_id = ${accountId}::uuid AND message_id_norm = ANY(${norms}::text[])`;
  return new Map(rows.map((r) => [r.norm, r.id]));
}

/** Every attachment of the batch in one statement (base64 text decoded by PostgreSQL: see emails.ts). */
async function insertAttachments(tx: postgres.TransactionSql, accountId: string, logged: Pending[], emailIdOf: (p: Pending) => string): Promise<void> {
  const rows = logged.flatMap((p) =>
    (p.input.attachments ?? []).map((f) => ({
      email_id: emailIdOf(p),
      filename: text(f.filename),
      content_type: toStorableText(f.contentType),
      size: f.size ?? f.content.length,
      content_id: text(f.contentId),
      content: f.content.toString('base64'),
    })),
  );
  if (rows.length === 0) return;
  await tx`
    INSERT INTO attachments (account_id, email_id, filename, content_type, size, content_id, content)
    SELECT ${accountId}::uuid, u.email_id, u.filename, u.content_type, u.size, u.content_id, decode(u.content, 'base64')
    FROM jsonb_to_recordset(${rowsParam(tx, rows)}) AS u(email_id uuid, filename text, content_type text, size int, content_id text, content text)`;
}
