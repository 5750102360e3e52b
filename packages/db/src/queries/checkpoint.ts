// The IMAP sync checkpoint of an inbox (UIDVALIDITY, last UID, HIGHESTMODSEQ), moved only forward.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { inboxes } from '../schema';

export interface Checkpoint {
  uidvalidity: number;
  lastUid: number;
  /** null when the server has no CONDSTORE. */
  highestModseq?: number | null;
}

export interface SavedCheckpoint {
  uidvalidity: number | null;
  lastUid: number | null;
  highestModseq: number | null;
}

/**
 * Saves a checkpoint. For the same UIDVALIDITY, last_uid and highest_modseq only grow (GREATEST), so
 * a late or retried batch never moves the checkpoint back. A different UIDVALIDITY means the server
 * renumbered the mailbox: the worker re-baselined, and the new values replace the old ones.
 * Every save also sets last_synced_at: the mailbox was read up to here.
 * Returns the checkpoint as stored afterwards, or null when the inbox is not in this account.
 */
export async function saveCheckpointFor(
  db: DbOrTx,
  accountId: string,
  inboxId: string,
  checkpoint: Checkpoint,
): Promise<SavedCheckpoint | null> {
  const { uidvalidity, lastUid } = checkpoint;
  const modseq = checkpoint.highestModseq ?? null;
  const sameValidity = sql`${inboxes.uidvalidity} IS NOT DISTINCT FROM ${uidvalidity}::bigint`;
  const [row] = await db
    .update(inboxes)
    .set({
      lastUid: sql`CASE WHEN ${sameValidity} THEN GREATEST(${inboxes.lastUid}, ${lastUid}::bigint) ELSE ${lastUid}::bigint END`,
      highestModseq: sql`CASE WHEN ${sameValidity} THEN GREATEST(${inboxes.highestModseq}, ${modseq}::bigint) ELSE ${modseq}::bigint END`,
      uidvalidity,
      // A committed checkpoint is a sync (sync-health.ts): the write happens anyway, the column is free.
      lastSyncedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(inboxes.accountId, accountId), eq(inboxes.id, inboxId)))
    .returning({ uidvalidity: inboxes.uidvalidity, lastUid: inboxes.lastUid, highestModseq: inboxes.highestModseq });
  return row ?? null;
}
