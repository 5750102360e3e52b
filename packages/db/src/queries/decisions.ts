// The decision log: one row per message a worker examined (headers only, never a body), and the
// look-up `reply-sync explain` prints.
import type { ReasonCode } from '@reply-sync/threading';
import { desc, eq, and } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { messageIdNormOrRaw } from '../message-id';
import { decisions, inboxes, type DecisionOutcome, type DecisionRow } from '../schema';
import { saveCheckpointFor, type Checkpoint } from './checkpoint';

export interface DecisionInput {
  inboxId: string;
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

export function decisionOutcome(reason: ReasonCode): DecisionOutcome {
  return reason === 'logged' || reason === 'logged_without_attachments' ? 'logged' : 'skipped';
}

export function toDecisionRow(accountId: string, input: DecisionInput) {
  const norm = input.messageIdNorm ?? (input.messageId ? messageIdNormOrRaw(input.messageId) : null);
  return {
    accountId,
    inboxId: input.inboxId,
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

/** Inserts decision rows; a row for the same (inbox, uidvalidity, uid) already there is left as is. */
export async function insertDecisions(tx: DbOrTx, scope: AccountScope, rows: DecisionInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  await scope.assertOwned(tx, inboxes, rows.map((r) => r.inboxId), 'inboxes');
  const inserted = await tx
    .insert(decisions)
    .values(rows.map((r) => toDecisionRow(scope.accountId, r)))
    .onConflictDoNothing({ target: [decisions.inboxId, decisions.uidvalidity, decisions.uid] })
    .returning({ id: decisions.id });
  return inserted.length;
}

export function decisionQueries(db: Db, scope: AccountScope) {
  return {
    /**
     * Records a batch of decisions and (optionally) the checkpoint after them, in one transaction, so
     * a retried batch is a no-op and the checkpoint never runs ahead of its decisions.
     * Returns how many rows were new.
     */
    async record(batch: DecisionInput[], checkpoint?: InboxCheckpoint): Promise<{ inserted: number }> {
      return db.transaction(async (tx) => {
        const inserted = await insertDecisions(tx, scope, batch);
        if (checkpoint) await saveCheckpointFor(tx, scope.accountId, checkpoint.inboxId, checkpoint);
        return { inserted };
      });
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
