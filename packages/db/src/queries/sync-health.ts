// How an inbox is syncing, beside its status: the current run of transient errors, how a run ends
// (kept in the history as `recovered`, no longer the inbox's current error), and when it last synced.
import { desc, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError } from '../errors';
import { inboxes, inboxStatusHistory, RECOVERED_REASON, type InboxRow, type InboxStatusHistoryRow } from '../schema';
import type { StatusChange } from './inboxes';

/**
 * How stale inboxes.last_synced_at may get while an inbox is idle and fine. Mail arriving updates it
 * for free (the checkpoint write); without mail only touchSynced writes it, at most this often: at
 * one write per inbox per 15 minutes, a million idle inboxes cost ~1,100 single-row updates a second.
 */
export const SYNCED_TOUCH_INTERVAL_MS = 15 * 60_000;

/** The columns of a run of transient errors, as they are once it has ended. */
export const NO_ERROR_RUN = { lastError: null, lastErrorAt: null, firstErrorAt: null } as const;

/**
 * Keeps the run of transient errors `row` holds (if any) in the history as a `recovered` row: the
 * last error as the detail, with when the run began and when its last error happened. The caller
 * holds the row's lock and clears the run (NO_ERROR_RUN) in the same transaction.
 */
export async function keepRecoveredRun(tx: DbOrTx, row: InboxRow): Promise<boolean> {
  if (row.firstErrorAt === null && row.lastError === null) return false;
  await tx.insert(inboxStatusHistory).values({
    accountId: row.accountId,
    inboxId: row.id,
    status: 'connected',
    reasonCode: RECOVERED_REASON,
    detail: row.lastError,
    firstErrorAt: row.firstErrorAt,
    lastErrorAt: row.lastErrorAt,
  });
  return true;
}

export function syncHealthQueries(db: Db, scope: AccountScope) {
  return {
    /**
     * A transient error (DNS, refused, timeout, reset): recorded as the current error without
     * changing the status, so `changed` is false. `firstErrorAt` tells the worker how long the run
     * has lasted, to decide when it becomes `server_unreachable`.
     */
    async recordTransientError(id: string, message: string, options: { throttled?: boolean } = {}): Promise<StatusChange> {
      const [row] = await db
        .update(inboxes)
        .set({
          lastError: message,
          lastErrorAt: sql`now()`,
          // A provider throttling the account starts no run: waiting out a throttle never makes an
          // inbox unreachable.
          ...(options.throttled ? {} : { firstErrorAt: sql`coalesce(${inboxes.firstErrorAt}, now())` }),
          updatedAt: sql`now()`,
        })
        .where(scope.where(inboxes, eq(inboxes.id, id)))
        .returning();
      if (!row) throw new DbError('not_found', `No inbox ${id} in this account.`);
      return { changed: false, status: row.status, reason: row.disconnectReason, statusSince: row.statusSince, firstErrorAt: row.firstErrorAt };
    },

    /**
     * A session logged in and examined INBOX after a run of transient errors: the run is over. Its
     * error goes into the history as `recovered` and is no longer the current error, and the inbox
     * counts as synced. For a connected inbox only: a session that logs in with credentials obtained
     * before the health check or the send path disconnected the inbox must not undo that (a
     * disconnected inbox keeps its reason and its errors). True when it ended a run.
     */
    async endErrorRun(id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(inboxes)
          .where(scope.where(inboxes, eq(inboxes.id, id), eq(inboxes.status, 'connected'), isNotNull(inboxes.firstErrorAt)))
          .for('update');
        if (!row) return false;
        await keepRecoveredRun(tx, row);
        await tx
          .update(inboxes)
          .set({ ...NO_ERROR_RUN, lastSyncedAt: sql`now()`, updatedAt: sql`now()` })
          .where(eq(inboxes.id, row.id));
        return true;
      });
    },

    /**
     * "Still syncing": sets last_synced_at to now unless it is already more recent than
     * `olderThanMs` (SYNCED_TOUCH_INTERVAL_MS), so a session may call it on every keepalive and the
     * database writes at most once per interval; a fresh value costs an index look-up and no write.
     * Leaves updated_at alone (nothing about the inbox changed). True when it wrote.
     */
    async touchSynced(id: string, olderThanMs = SYNCED_TOUCH_INTERVAL_MS): Promise<boolean> {
      const stale = sql`now() - ${Math.max(0, Math.round(olderThanMs))}::int * interval '1 millisecond'`;
      const rows = await db
        .update(inboxes)
        .set({ lastSyncedAt: sql`now()` })
        .where(scope.where(inboxes, eq(inboxes.id, id), or(isNull(inboxes.lastSyncedAt), lt(inboxes.lastSyncedAt, stale))))
        .returning({ id: inboxes.id });
      return rows.length > 0;
    },

    /** The latest `recovered` history row of each of these inboxes (none for an inbox that never had one). */
    async latestRecoveries(inboxIds: readonly string[]): Promise<Map<string, InboxStatusHistoryRow>> {
      if (inboxIds.length === 0) return new Map();
      const rows = await db
        .selectDistinctOn([inboxStatusHistory.inboxId])
        .from(inboxStatusHistory)
        .where(scope.where(inboxStatusHistory, inArray(inboxStatusHistory.inboxId, [...inboxIds]), eq(inboxStatusHistory.reasonCode, RECOVERED_REASON)))
        .orderBy(inboxStatusHistory.inboxId, desc(inboxStatusHistory.at), desc(inboxStatusHistory.id));
      return new Map(rows.map((r) => [r.inboxId, r]));
    },
  };
}
