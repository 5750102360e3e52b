// The full reconcile: make the registry hold exactly the connected inboxes, whatever was missed.
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { connectedInboxIds, type DbHandle } from '@reply-sync/db';
import { registerInboxes, registeredInboxIds, unregisterInboxes } from '@reply-sync/queue';
import { connectedAmong } from './connected-among';

export interface ReconcileResult {
  /** Connected inboxes in the database. */
  connected: number;
  /** Inboxes in the registry before the reconcile. */
  registered: number;
  /** Connected inboxes that were not registered; registered now (a no-op if another scheduler won). */
  added: number;
  /** Registry entries removed because their inbox is no longer connected. */
  dropped: number;
  durationMs: number;
}

/**
 * One full pass, in bulk whatever the number of inboxes: one HKEYS per shard reads the registry, one
 * query reads every connected inbox id, then the difference is registered and unregistered.
 *
 * The registry is read BEFORE the database. Read the other way round, an inbox connected between the
 * two reads (already registered by a NOTIFY) would look like an extra entry and be dropped. In this
 * order the worst case is registering an inbox disconnected a moment ago, whose session then ends at
 * once. Extras are re-checked against the database just before the drop, so an inbox reconnected
 * meanwhile keeps its entry.
 */
export async function reconcile(db: DbHandle, redis: Redis, fleet: string): Promise<ReconcileResult> {
  const started = performance.now();
  const live = new Set(await registeredInboxIds(redis, fleet));
  const connected = await connectedInboxIds(db.db);

  const connectedIds = new Set<string>();
  const missing = [];
  for (const inbox of connected) {
    connectedIds.add(inbox.inboxId);
    if (!live.has(inbox.inboxId)) missing.push(inbox);
  }
  await registerInboxes(redis, fleet, missing);

  let dropped = 0;
  const extra = [...live].filter((id) => !connectedIds.has(id));
  if (extra.length > 0) {
    const reconnected = await connectedAmong(db, extra);
    const drop = extra.filter((id) => !reconnected.has(id));
    await unregisterInboxes(redis, fleet, drop);
    dropped = drop.length;
  }

  return {
    connected: connected.length,
    registered: live.size,
    added: missing.length,
    dropped,
    durationMs: Math.round(performance.now() - started),
  };
}
