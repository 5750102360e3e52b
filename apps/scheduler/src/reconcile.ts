// The full reconcile: make the queue hold exactly the connected inboxes' jobs, whatever was missed.
import { connectedInboxIds, type DbHandle } from '@reply-sync/db';
import { dropInboxJobs, ensureInboxJobs, listInboxJobIds, type InboxQueue } from '@reply-sync/queue';
import { connectedAmong } from './connected-among';

export interface ReconcileResult {
  /** Connected inboxes in the database. */
  connected: number;
  /** Inboxes with a live job in the queue before the reconcile. */
  jobs: number;
  /** Connected inboxes that had no job; a job was added for each (a no-op if another scheduler won). */
  added: number;
  /** Jobs removed because their inbox is no longer connected. */
  dropped: number;
  /** Jobs of disconnected inboxes that are active in a worker; the worker ends those sessions itself. */
  active: number;
  durationMs: number;
}

/**
 * One full pass, in bulk whatever the number of inboxes: one script reads every live job id, one
 * query reads every connected inbox id, then the difference is added (addBulk) and dropped.
 *
 * The queue is read BEFORE the database. Read the other way round, an inbox connected between the
 * two reads (its job already added by a NOTIFY) would look like an extra job and be dropped. In this
 * order the worst case is adding a job for an inbox disconnected a moment ago, which its worker
 * session completes at once. Extras are re-checked against the database just before the drop, so
 * an inbox reconnected meanwhile keeps its job.
 */
export async function reconcile(db: DbHandle, queue: InboxQueue): Promise<ReconcileResult> {
  const started = performance.now();
  const live = new Set(await listInboxJobIds(queue));
  const connected = await connectedInboxIds(db.db);

  const connectedIds = new Set<string>();
  const missing = [];
  for (const inbox of connected) {
    connectedIds.add(inbox.inboxId);
    if (!live.has(inbox.inboxId)) missing.push(inbox);
  }
  await ensureInboxJobs(queue, missing);

  let dropped = 0;
  let active = 0;
  const extra = [...live].filter((id) => !connectedIds.has(id));
  if (extra.length > 0) {
    const reconnected = await connectedAmong(db, extra);
    const result = await dropInboxJobs(
      queue,
      extra.filter((id) => !reconnected.has(id)),
    );
    dropped = result.dropped.length;
    active = result.active.length;
  }

  return {
    connected: connected.length,
    jobs: live.size,
    added: missing.length,
    dropped,
    active,
    durationMs: Math.round(performance.now() - started),
  };
}
