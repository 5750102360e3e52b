// The cross-account queries of webhook delivery (apps/webhook-worker): the relay's claim of committed
// events, a delivery's load by its ids, and recording an attempt. They carry ids, urls and sealed
// secrets, never tenant content beyond the event's own payload.
import { toStorableText } from '@reply-sync/threading';
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client';
import { decryptCredentials, type EncryptionKeys } from './crypto/index';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookAttemptStatus, type WebhookEventType } from './schema';

/** One event × endpoint to deliver: what a delivery job carries. */
export interface WebhookDeliveryKey {
  accountId: string;
  eventId: string;
  endpointId: string;
}

/**
 * Claims up to `limit` committed, unrelayed events (FOR UPDATE SKIP LOCKED: relays running side by
 * side take different events) and commits their deliveries (one per enabled endpoint of the account
 * that subscribes to the type); then hands them to `enqueue` and marks the events relayed. The
 * deliveries commit BEFORE their jobs exist, so a delivery worker never meets a job whose row it cannot
 * see yet. If enqueue throws or the process dies before the mark, the next pass finds the events
 * again and enqueues their pending deliveries again, which the queue's job ids fold into one job.
 */
export async function relayWebhookEvents(
  db: Db,
  enqueue: (deliveries: WebhookDeliveryKey[]) => Promise<void>,
  limit = 500,
): Promise<{ events: number; deliveries: number }> {
  const claimed = await db.transaction(async (tx) => {
    const events = await tx.execute<{ id: string }>(sql`
      SELECT id FROM ${webhookEvents} WHERE relayed_at IS NULL
      ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
    if (events.length === 0) return null;
    const ids = events.map((e) => e.id);
    const rows = await tx.execute<{ account_id: string; event_id: string; endpoint_id: string }>(sql`
      WITH made AS (
        INSERT INTO ${webhookDeliveries} (account_id, event_id, endpoint_id)
        SELECT e.account_id, e.id, ep.id
        FROM ${webhookEvents} e
        JOIN ${webhookEndpoints} ep ON ep.account_id = e.account_id AND ep.enabled AND e.type = ANY(ep.event_types)
        WHERE e.id = ANY(${sql.param(ids)}::text[])
        ON CONFLICT (event_id, endpoint_id) DO NOTHING
        RETURNING account_id, event_id, endpoint_id)
      SELECT account_id, event_id, endpoint_id FROM made
      UNION ALL
      SELECT account_id, event_id, endpoint_id FROM ${webhookDeliveries}
      WHERE event_id = ANY(${sql.param(ids)}::text[]) AND status = 'pending'`);
    return { ids, deliveries: rows.map((r) => ({ accountId: r.account_id, eventId: r.event_id, endpointId: r.endpoint_id })) };
  });
  if (!claimed) return { events: 0, deliveries: 0 };
  if (claimed.deliveries.length > 0) await enqueue(claimed.deliveries);
  await db.execute(sql`UPDATE ${webhookEvents} SET relayed_at = now() WHERE id = ANY(${sql.param(claimed.ids)}::text[]) AND relayed_at IS NULL`);
  return { events: claimed.ids.length, deliveries: claimed.deliveries.length };
}

export interface LoadedWebhookDelivery {
  deliveryId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  /** Its first attempt, by the delivery worker's clock (null before one): it is given up 3 days after. */
  firstAttemptAt: Date | null;
  event: { id: string; type: WebhookEventType; payload: Record<string, unknown>; createdAt: Date };
  endpoint: { id: string; url: string; enabled: boolean; failingSince: Date | null; sealedSecret: string };
}

const deliveryKey = (k: Pick<WebhookDeliveryKey, 'eventId' | 'endpointId'>) => `${k.eventId} ${k.endpointId}`;

/**
 * Deliveries with their event and endpoint, one query for the lot (the delivery worker batches the
 * jobs it runs at once); a key is missing from the map once its endpoint was removed.
 */
export async function loadWebhookDeliveries(db: DbOrTx, keys: readonly WebhookDeliveryKey[]): Promise<Map<string, LoadedWebhookDelivery>> {
  const found = new Map<string, LoadedWebhookDelivery>();
  if (keys.length === 0) return found;
  const rows = await db.execute<{
    id: string; account_id: string; event_id: string; endpoint_id: string; status: LoadedWebhookDelivery['status']; attempts: number;
    first_attempt_at: string | null; type: WebhookEventType; payload: Record<string, unknown>; event_at: string;
    url: string; enabled: boolean; failing_since: string | null; secret: string;
  }>(sql`
    SELECT d.id, d.account_id, d.event_id, d.endpoint_id, d.status, d.attempts, e.type, e.payload, e.created_at AS event_at,
           ep.url, ep.enabled, ep.failing_since, ep.secret,
           CASE WHEN d.attempts > 0 THEN (SELECT min(a.at) FROM ${webhookAttempts} a WHERE a.delivery_id = d.id) END AS first_attempt_at
    FROM unnest(${sql.param(keys.map((k) => k.eventId))}::text[], ${sql.param(keys.map((k) => k.endpointId))}::uuid[], ${sql.param(keys.map((k) => k.accountId))}::uuid[])
         AS k(event_id, endpoint_id, account_id)
    JOIN ${webhookDeliveries} d ON d.event_id = k.event_id AND d.endpoint_id = k.endpoint_id AND d.account_id = k.account_id
    JOIN ${webhookEvents} e ON e.id = d.event_id
    JOIN ${webhookEndpoints} ep ON ep.id = d.endpoint_id`);
  for (const row of rows) {
    found.set(deliveryKey({ eventId: row.event_id, endpointId: row.endpoint_id }), {
      deliveryId: row.id,
      status: row.status,
      attempts: row.attempts,
      firstAttemptAt: row.first_attempt_at ? new Date(row.first_attempt_at) : null,
      event: { id: row.event_id, type: row.type, payload: row.payload, createdAt: new Date(row.event_at) },
      endpoint: { id: row.endpoint_id, url: row.url, enabled: row.enabled, failingSince: row.failing_since ? new Date(row.failing_since) : null, sealedSecret: row.secret },
    });
  }
  return found;
}

export { deliveryKey as webhookDeliveryKey };

/** The endpoint's signing secret, decrypted (bound to its account and row). */
export function openWebhookSecret(sealed: string, keys: EncryptionKeys, key: Pick<WebhookDeliveryKey, 'accountId' | 'endpointId'>): string {
  return decryptCredentials<string>(sealed, keys, { accountId: key.accountId, inboxId: key.endpointId, field: 'webhook_secret' });
}

export interface WebhookAttemptRecord extends WebhookDeliveryKey {
  deliveryId: string;
  attempt: number;
  status: WebhookAttemptStatus;
  responseStatus: number | null;
  errorCode: string | null;
  error: string | null;
  durationMs: number;
  at: Date;
  /** When the next attempt runs; null when none will (delivered, or given up). */
  nextAttemptAt: Date | null;
  /** The delivery gives up (too old, or its endpoint is disabled by this attempt). */
  final: boolean;
  /**
   * What the attempt changes on its endpoint: `clear` (a success after failures), `start` (the first
   * failure of a run), `disable` (failing for too long: with disableReason), or nothing (the usual case).
   */
  endpointChange: 'clear' | 'start' | 'disable' | null;
  disableReason: string | null;
}

/**
 * Attempts recorded in ONE statement for the lot (the delivery worker batches those that end together):
 * their rows and their deliveries' state. Endpoint changes are rare (a failure starting a run, a success
 * ending one, a disable) and go one statement each; a success on a healthy endpoint writes nothing to
 * its row, which every delivery to it would otherwise contend on.
 */
export async function recordWebhookAttempts(db: DbOrTx, records: readonly WebhookAttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r) => ({
    account_id: r.accountId,
    delivery_id: r.deliveryId,
    event_id: r.eventId,
    endpoint_id: r.endpointId,
    attempt: r.attempt,
    status: r.status,
    response_status: r.responseStatus,
    error_code: r.errorCode,
    error: r.error === null ? null : toStorableText(r.error),
    duration_ms: r.durationMs,
    next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
    at: r.at.toISOString(),
    delivery_status: r.status === 'succeeded' ? 'succeeded' : r.final ? 'failed' : 'pending',
  }));
  await db.execute(sql`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
        account_id uuid, delivery_id uuid, event_id text, endpoint_id uuid, attempt int, status text, response_status int,
        error_code text, error text, duration_ms int, next_attempt_at timestamptz, at timestamptz, delivery_status text)),
    attempt AS (
      INSERT INTO ${webhookAttempts} (account_id, delivery_id, event_id, endpoint_id, attempt, status, response_status, error_code, error, duration_ms, next_attempt_at, at)
      SELECT account_id, delivery_id, event_id, endpoint_id, attempt, status, response_status, error_code, error, duration_ms, next_attempt_at, at FROM r)
    UPDATE ${webhookDeliveries} d SET status = r.delivery_status, attempts = greatest(d.attempts, r.attempt),
      last_attempt_at = r.at, next_attempt_at = r.next_attempt_at,
      delivered_at = CASE WHEN r.status = 'succeeded' THEN r.at ELSE d.delivered_at END
    FROM r WHERE d.id = r.delivery_id AND d.status <> 'succeeded'`);
  for (const r of records) {
    // Parameters as ISO text with casts: drizzle's sql`` would send a Date as Date.toString().
    const at = sql`${r.at.toISOString()}::timestamptz`;
    if (r.endpointChange === 'clear') {
      await db.execute(sql`UPDATE ${webhookEndpoints} SET failing_since = NULL, updated_at = now() WHERE id = ${r.endpointId} AND failing_since IS NOT NULL`);
    } else if (r.endpointChange === 'start') {
      await db.execute(sql`UPDATE ${webhookEndpoints} SET failing_since = ${at}, updated_at = now() WHERE id = ${r.endpointId} AND failing_since IS NULL`);
    } else if (r.endpointChange === 'disable') {
      await db.execute(sql`UPDATE ${webhookEndpoints} SET enabled = false, disabled_at = ${at}, disabled_reason = ${r.disableReason},
        failing_since = coalesce(failing_since, ${at}), updated_at = now() WHERE id = ${r.endpointId} AND enabled`);
    }
  }
}

/** A delivery that will not be attempted (its endpoint was disabled meanwhile): failed, no attempt row. */
export async function abandonWebhookDelivery(db: DbOrTx, deliveryId: string): Promise<void> {
  await db.execute(sql`UPDATE ${webhookDeliveries} SET status = 'failed', next_attempt_at = NULL WHERE id = ${deliveryId} AND status = 'pending'`);
}
