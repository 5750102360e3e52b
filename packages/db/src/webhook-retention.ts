// Retention of webhook history (cross-account, run by the webhook worker): outbox events older than the
// retention age whose deliveries are all finished (delivered, or given up) go with their deliveries and
// attempts (ON DELETE CASCADE), and attempts older than it go on their own (a delivery still retrying keeps
// its row and its recent attempts). Each batch is one short statement on rows picked with FOR UPDATE SKIP
// LOCKED: no lock is held between batches, rows the relay or a delivery holds are skipped (taken next
// time), and two workers pruning at once take different rows.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client';

export const DEFAULT_WEBHOOK_RETENTION_MS = 30 * 24 * 3600_000;

export interface PruneWebhookHistoryOptions {
  /** Rows older than this go (default 30 days before now). */
  olderThan: Date;
  /** Rows per statement (default 1,000). */
  batchSize?: number;
  /** Stop after this many statements per kind (default 1,000): a pass never runs unbounded. */
  maxBatches?: number;
  /** Between batches (default: yield to the event loop); tests count them. */
  betweenBatches?: () => Promise<void>;
}

export interface PrunedWebhookHistory {
  events: number;
  attempts: number;
  /** Statements run. */
  batches: number;
}

export async function pruneWebhookHistory(db: DbOrTx, options: PruneWebhookHistoryOptions): Promise<PrunedWebhookHistory> {
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 1000;
  const cutoff = options.olderThan.toISOString();
  const pause = options.betweenBatches ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const result: PrunedWebhookHistory = { events: 0, attempts: 0, batches: 0 };

  const inBatches = async (statement: () => Promise<number>): Promise<number> => {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await statement();
      result.batches++;
      total += n;
      if (n < batchSize) break;
      await pause();
    }
    return total;
  };

  result.events = await inBatches(async () => {
    const rows = await db.execute<{ id: string }>(sql`
      DELETE FROM webhook_events WHERE id IN (
        SELECT e.id FROM webhook_events e
        WHERE e.relayed_at IS NOT NULL AND e.created_at < ${cutoff}::timestamptz
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
        ORDER BY e.created_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    return rows.length;
  });
  result.attempts = await inBatches(async () => {
    const rows = await db.execute<{ id: string }>(sql`
      DELETE FROM webhook_attempts WHERE id IN (
        SELECT id FROM webhook_attempts WHERE at < ${cutoff}::timestamptz
        ORDER BY at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    return rows.length;
  });
  return result;
}
