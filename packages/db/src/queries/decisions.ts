// The decision log: one row per message a worker examined (headers only, never a body), and the
// look-up `reply-sync explain` prints.
import { toStorableText, type ReasonCode } from '@reply-sync/threading';
import { desc, eq, and, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { isRefusedValue, pgErrorOf } from '../errors';
import { messageIdNormOrRaw } from '../message-id';
import { decisions, inboxes, type DecisionOutcome, type DecisionRow } from '../schema';
import type postgres from 'postgres';
import type { Checkpoint } from './checkpoint';

export interface DecisionInput {
  inboxId: string;
  /** Mailbox the message was examined in; default INBOX (the only one the worker reads). */
  mailbox?: string;
  uidvalidity: number;
  uid: number;
  /** The Message-ID header as written; null when the message had none. */
  messageId: string | null;
  /** Normalised id when the caller has it already; otherwise computed from messageId. */
  messageIdNorm?: string | null;
  reasonCode: ReasonCode;
  /** Defaults to `logged` for logged / logged_without_attachments, `skipped` otherwise. */
  decision?: DecisionOutcome;
  detail?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
}

export type DecisionWithInbox = DecisionRow & { inboxAddress: string };

/** Checkpoint to save with a batch of decisions (same transaction). */
export type InboxCheckpoint = Checkpoint & { inboxId: string };

/** Where a decision sits in an inbox's newest-first order: created_at as PostgreSQL's text (microseconds kept, which a Date would lose) and id. */
export interface DecisionPosition {
  at: string;
  id: string;
}

export function decisionOutcome(reason: ReasonCode): DecisionOutcome {
  return reason === 'logged' || reason === 'logged_without_attachments' ? 'logged' : 'skipped';
}

export function toDecisionRow(accountId: string, input: DecisionInput) {
  const norm = input.messageIdNorm ?? (input.messageId ? messageIdNormOrRaw(input.messageId) : null);
  return {
    accountId,
    inboxId: input.inboxId,
    mailbox: input.mailbox ?? 'INBOX',
    uidvalidity: input.uidvalidity,
    uid: input.uid,
    messageId: input.messageId,
    messageIdNorm: norm,
    decision: input.decision ?? decisionOutcome(input.reasonCode),
    reasonCode: input.reasonCode,
    detail: input.detail ?? null,
    fromAddress: input.fromAddress ?? null,
    subject: input.subject ?? null,
  };
}

/** Inserts decision rows; a row for the same (inbox, mailbox, uidvalidity, uid) already there is left as is. */
export async function insertDecisions(tx: DbOrTx, scope: AccountScope, rows: DecisionInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  await scope.assertOwned(tx, inboxes, rows.map((r) => r.inboxId), 'inboxes');
  return insertOwnedDecisions(tx, scope, rows);
}

/** insertDecisions for a caller that has already proved every row's inbox is in this account. */
export async function insertOwnedDecisions(tx: DbOrTx, scope: AccountScope, rows: DecisionInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(decisions)
    .values(rows.map((r) => toDecisionRow(scope.accountId, r)))
    .onConflictDoNothing({ target: [decisions.inboxId, decisions.mailbox, decisions.uidvalidity, decisions.uid] })
    .returning({ id: decisions.id });
  return inserted.length;
}

/**
 * Remembers which inboxes were proved to be this account's. An inbox never moves to another account
 * (and a deleted one takes its decisions and emails with it: the foreign keys), so a proof holds for
 * the life of the scoped object: a worker session checks its inbox once, not once per batch or reply.
 */
export function inboxOwnershipProof(scope: AccountScope) {
  const proved = new Set<string>();
  return {
    async assert(db: DbOrTx, ids: readonly string[]): Promise<void> {
      const unproved = [...new Set(ids)].filter((id) => !proved.has(id));
      if (unproved.length === 0) return;
      await scope.assertOwned(db, inboxes, unproved, 'inboxes');
      for (const id of unproved) proved.add(id);
    },
  };
}

export function decisionQueries(db: Db, scope: AccountScope) {
  const inboxProof = inboxOwnershipProof(scope);

  return {
    /**
     * Records a batch of decisions and (optionally) the checkpoint after them, atomically (one
     * statement), so a retried batch is a no-op and the checkpoint never runs ahead of its decisions.
     * Returns how many rows were new.
     *
     * One round-trip however large the batch: the rows go as one array per column through unnest()
     * (a multi-row VALUES would bind ~12 parameters per row), and the checkpoint update is a second
     * data-modifying CTE of the same statement.
     */
    async record(batch: DecisionInput[], checkpoint?: InboxCheckpoint): Promise<{ inserted: number }> {
      if (batch.length === 0 && !checkpoint) return { inserted: 0 };
      await inboxProof.assert(db, batch.map((r) => r.inboxId));
      // Raw SQL skips the columns' own mapping (storable-columns.ts): the text goes through it here.
      const rows = batch.map((r) => storableDecisionRow(toDecisionRow(scope.accountId, r)));
      // drizzle() returns the pool's postgres.js client as $client; the Db type does not declare it.
      const sql = (db as Db & { $client: postgres.Sql }).$client;
      try {
        return { inserted: await insertDecisionRows(sql, scope.accountId, rows, checkpoint ?? null) };
      } catch (error) {
        if (!isRefusedValue(error) || rows.length === 0) throw error;
      }
      // One row's values refused (a limit nothing upstream caught): the rest of the batch must still be
      // recorded, and the checkpoint move on. Row by row, a refused row kept as `malformed` without
      // its header values, then the checkpoint.
      let inserted = 0;
      for (const row of rows) {
        try {
          inserted += await insertDecisionRows(sql, scope.accountId, [row], null);
        } catch (error) {
          if (!isRefusedValue(error)) throw error;
          inserted += await insertDecisionRows(sql, scope.accountId, [refusedDecisionRow(row, error)], null);
        }
      }
      if (checkpoint) await insertDecisionRows(sql, scope.accountId, [], checkpoint);
      return { inserted };
    },

    /** Every decision recorded for a Message-ID (raw or normalised), oldest first, with the inbox address. */
    async forMessageId(messageId: string): Promise<DecisionWithInbox[]> {
      const norm = messageIdNormOrRaw(messageId);
      const rows = await db
        .select({ d: decisions, inboxAddress: inboxes.address })
        .from(decisions)
        .innerJoin(inboxes, and(eq(inboxes.id, decisions.inboxId), eq(inboxes.accountId, scope.accountId)))
        .where(scope.where(decisions, eq(decisions.messageIdNorm, norm)))
        .orderBy(decisions.createdAt, decisions.uid);
      return rows.map((r) => ({ ...r.d, inboxAddress: r.inboxAddress }));
    },

    /**
     * One page of an inbox's decisions, newest first, optionally of one reason: keyset-paged on
     * (created_at, id), so a page costs the same however deep it is.
     */
    async pageForInbox(inboxId: string, options: { reasonCode?: string | undefined; before?: DecisionPosition | undefined; limit: number }): Promise<(DecisionRow & { position: DecisionPosition })[]> {
      const { before } = options;
      const rows = await db
        .select({ d: decisions, at: sql<string>`${decisions.createdAt}::text` })
        .from(decisions)
        .where(
          scope.where(
            decisions,
            eq(decisions.inboxId, inboxId),
            options.reasonCode ? eq(decisions.reasonCode, options.reasonCode) : undefined,
            before ? sql`(${decisions.createdAt}, ${decisions.id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(decisions.createdAt), desc(decisions.id))
        .limit(options.limit);
      return rows.map((r) => ({ ...r.d, position: { at: r.at, id: r.d.id } }));
    },

    /** The latest decisions of one inbox, newest first. */
    async forInbox(inboxId: string, limit = 100): Promise<DecisionRow[]> {
      return db
        .select()
        .from(decisions)
        .where(scope.where(decisions, eq(decisions.inboxId, inboxId)))
        .orderBy(desc(decisions.createdAt), desc(decisions.uid))
        .limit(limit);
    },
  };
}

/**
 * saveCheckpointFor (./checkpoint.ts) as a fragment for a data-modifying CTE: same UIDVALIDITY →
 * GREATEST (never backwards); a different one replaces it; last_synced_at = now(). Keep the two in step.
 */
function checkpointUpdate(sql: postgres.Sql | postgres.TransactionSql, accountId: string, cp: InboxCheckpoint) {
  const modseq = cp.highestModseq ?? null;
  const same = sql`uidvalidity IS NOT DISTINCT FROM ${cp.uidvalidity}::bigint`;
  return sql`
    UPDATE inboxes SET
      last_uid = CASE WHEN ${same} THEN GREATEST(last_uid, ${cp.lastUid}::bigint) ELSE ${cp.lastUid}::bigint END,
      highest_modseq = CASE WHEN ${same} THEN GREATEST(highest_modseq, ${modseq}::bigint) ELSE ${modseq}::bigint END,
      uidvalidity = ${cp.uidvalidity}::bigint,
      last_synced_at = now(),
      updated_at = now()
    WHERE account_id = ${accountId}::uuid AND id = ${cp.inboxId}::uuid
    RETURNING 1`;
}

/** The stranger-written fields of a decision row as the storable columns would write them. */
function storableDecisionRow<R extends ReturnType<typeof toDecisionRow>>(row: R): R {
  const text = (v: string | null | undefined) => (v == null ? v : toStorableText(v));
  return { ...row, messageId: text(row.messageId), messageIdNorm: text(row.messageIdNorm), detail: text(row.detail), fromAddress: text(row.fromAddress), subject: text(row.subject) };
}

type DecisionRowValues = ReturnType<typeof toDecisionRow>;

/**
 * Decision rows in one statement (unnest) on a raw postgres.js client or transaction, for a caller that
 * has proved every row's inbox is in the account (logReplies). Returns how many rows were new.
 */
export function insertOwnedDecisionsSql(sql: postgres.Sql | postgres.TransactionSql, accountId: string, inputs: DecisionInput[]): Promise<number> {
  if (inputs.length === 0) return Promise.resolve(0);
  return insertDecisionRows(sql, accountId, inputs.map((r) => storableDecisionRow(toDecisionRow(accountId, r))), null);
}

/** One statement: the rows through unnest() and, when given, the checkpoint update as a second CTE. */
async function insertDecisionRows(sql: postgres.Sql | postgres.TransactionSql, accountId: string, rows: DecisionRowValues[], cp: InboxCheckpoint | null): Promise<number> {
  const column = <T>(pick: (r: DecisionRowValues) => T) => rows.map(pick);
  const [result] = await sql<{ inserted: number }[]>`
    WITH ins AS (
      INSERT INTO decisions
        (account_id, inbox_id, mailbox, uidvalidity, uid, message_id, message_id_norm, decision, reason_code, detail, from_address, subject)
      SELECT ${accountId}::uuid, u.* FROM unnest(
        ${column((r) => r.inboxId)}::uuid[],
        ${column((r) => r.mailbox)}::text[],
        ${column((r) => r.uidvalidity)}::bigint[],
        ${column((r) => r.uid)}::bigint[],
        ${column((r) => r.messageId)}::text[],
        ${column((r) => r.messageIdNorm)}::text[],
        ${column((r) => r.decision)}::text[],
        ${column((r) => r.reasonCode)}::text[],
        ${column((r) => r.detail)}::text[],
        ${column((r) => r.fromAddress)}::text[],
        ${column((r) => r.subject)}::text[]
      ) AS u
      ON CONFLICT (inbox_id, mailbox, uidvalidity, uid) DO NOTHING
      RETURNING 1
    ),
    cp AS (${cp ? checkpointUpdate(sql, accountId, cp) : sql`SELECT 1`})
    SELECT (SELECT count(*) FROM ins)::int AS inserted`;
  return result?.inserted ?? 0;
}

/** A decision whose values the database refused, kept as `malformed` with only its place on the server. */
function refusedDecisionRow(row: DecisionRowValues, error: unknown): DecisionRowValues {
  const pg = pgErrorOf(error);
  return {
    ...row,
    messageId: null,
    messageIdNorm: null,
    fromAddress: null,
    subject: null,
    decision: 'skipped',
    reasonCode: 'malformed',
    detail: `the database refused this message's values (${pg?.code ?? 'error'}: ${String(pg?.message ?? error).slice(0, 200)}); recorded without them`,
  };
}
