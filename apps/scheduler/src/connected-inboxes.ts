// The two system queries the scheduler needs: which inboxes are connected. Ids only, across all
// accounts (the scheduler is the one component that is not account-scoped).
// TODO(db): move to @reply-sync/db's system-queries.ts (connectedInboxIds) once it exists there.
import type { DbHandle } from '@reply-sync/db';
import type { InboxJobData } from '@reply-sync/queue';

/** Every connected inbox: one query, one round trip, whatever the count. */
export async function connectedInboxIds(db: DbHandle): Promise<InboxJobData[]> {
  const rows = await db.sql<{ accountId: string; inboxId: string }[]>`
    SELECT account_id::text AS "accountId", id::text AS "inboxId"
    FROM inboxes
    WHERE status = 'connected'`;
  return rows.map((r) => ({ accountId: r.accountId, inboxId: r.inboxId }));
}

/** Which of these inboxes are connected right now (a re-check just before dropping jobs). */
export async function connectedAmong(db: DbHandle, inboxIds: readonly string[]): Promise<Set<string>> {
  if (inboxIds.length === 0) return new Set();
  const rows = await db.sql<{ id: string }[]>`
    SELECT id::text AS id
    FROM inboxes
    WHERE status = 'connected' AND id = ANY(${inboxIds as string[]}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}
