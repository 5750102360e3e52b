// System query the scheduler needs beyond @reply-sync/db's connectedInboxIds: a re-check of a few ids.
// TODO(db): belongs in packages/db/src/system-queries.ts; kept here until the db package takes it.
import type { DbHandle } from '@reply-sync/db';

/** Which of these inboxes are connected right now (asked just before dropping their jobs). */
export async function connectedAmong(db: DbHandle, inboxIds: readonly string[]): Promise<Set<string>> {
  if (inboxIds.length === 0) return new Set();
  const rows = await db.sql<{ id: string }[]>`
    SELECT id::text AS id
    FROM inboxes
    WHERE status = 'connected' AND id = ANY(${inboxIds as string[]}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}
