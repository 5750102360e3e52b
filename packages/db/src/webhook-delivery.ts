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

/** The delivery, its event and its endpoint in one query; null once the endpoint was removed. */
export async function loadWebhookDelivery(db: DbOrTx, key: WebhookDeliveryKey): Promise<LoadedWebhookDelivery | null> {
  const [row] = await db.execute<{
    id: string; status: LoadedWebhookDelivery['status']; attempts: number; first_attempt_at: string | null;
    type: WebhookEventType; payload: Record<string, unknown>; event_at: string;
    url: string; enabled: boolean; failing_since: string | null; secret: string;
  }>(sql`
    SELECT d.id, d.status, d.attempts, e.type, e.payload, e.created_at AS event_at,
           ep.url, ep.enabled, ep.failing_since, ep.secret,
           CASE WHEN d.attempts > 0 THEN (SELECT min(a.at) FROM ${webhookAttempts} a WHERE a.delivery_id = d.id) END AS first_attempt_at
    FROM ${webhookDeliveries} d
    JOIN ${webhookEvents} e ON e.id = d.event_id
    JOIN ${webhookEndpoints} ep ON ep.id = d.endpoint_id
    WHERE d.event_id = ${key.eventId} AND d.endpoint_id = ${key.endpointId} AND d.account_id = ${key.accountId}`);
  if (!row) return null;
  return {
    deliveryId: row.id,
    status: row.status,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at ? new Date(row.first_attempt_at) : null,
    event: { id: key.eventId, type: row.type, payload: row.payload, createdAt: new Date(row.event_at) },
    endpoint: { id: key.endpointId, url: row.url, enabled: row.enabled, failingSince: row.failing_since ? new Date(row.failing_since) : null, sealedSecret: row.secret },
  };
}

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
  /** Disable the endpoint with this sentence (it has failed for too long). */
  disableReason: string | null;
}

/**
 * One statement: the attempt row, the delivery's state and, only when it changes, the endpoint's
 * (failing_since set by a first failure, cleared by a success; disabled). A success on a healthy
 * endpoint writes nothing to the endpoint row, which every delivery to it would otherwise contend on.
 */
export async function recordWebhookAttempt(db: DbOrTx, r: WebhookAttemptRecord): Promise<void> {
  const ok = r.status === 'succeeded';
  const deliveryStatus = ok ? 'succeeded' : r.final ? 'failed' : 'pending';
  // Parameters as ISO text with casts: drizzle's sql`` would send a Date as Date.toString().
  const at = sql`${r.at.toISOString()}::timestamptz`;
  const next = sql`${r.nextAttemptAt?.toISOString() ?? null}::timestamptz`;
  const endpointChange = ok
    ? sql`UPDATE ${webhookEndpoints} SET failing_since = NULL, updated_at = now() WHERE id = ${r.endpointId} AND failing_since IS NOT NULL`
    : r.disableReason
      ? sql`UPDATE ${webhookEndpoints} SET enabled = false, disabled_at = ${at}, disabled_reason = ${r.disableReason},
              failing_since = coalesce(failing_since, ${at}), updated_at = now() WHERE id = ${r.endpointId} AND enabled`
      : sql`UPDATE ${webhookEndpoints} SET failing_since = ${at}, updated_at = now() WHERE id = ${r.endpointId} AND failing_since IS NULL`;
  await db.execute(sql`
    WITH attempt AS (
      INSERT INTO ${webhookAttempts} (account_id, delivery_id, event_id, endpoint_id, attempt, status, response_status, error_code, error, duration_ms, next_attempt_at, at)
      VALUES (${r.accountId}, ${r.deliveryId}, ${r.eventId}, ${r.endpointId}, ${r.attempt}, ${r.status}, ${r.responseStatus}::int, ${r.errorCode}::text,
              ${r.error === null ? null : toStorableText(r.error)}::text, ${r.durationMs}, ${next}, ${at})),
    delivery AS (
      UPDATE ${webhookDeliveries} SET status = ${deliveryStatus}, attempts = greatest(attempts, ${r.attempt}::int),
        last_attempt_at = ${at}, next_attempt_at = ${next}, delivered_at = ${ok ? at : sql`NULL`}
      WHERE id = ${r.deliveryId} AND status <> 'succeeded'),
    endpoint AS (${endpointChange})
    SELECT 1`);
}

/** A delivery that will not be attempted (its endpoint was disabled meanwhile): failed, no attempt row. */
export async function abandonWebhookDelivery(db: DbOrTx, deliveryId: string): Promise<void> {
  await db.execute(sql`UPDATE ${webhookDeliveries} SET status = 'failed', next_attempt_at = NULL WHERE id = ${deliveryId} AND status = 'pending'`);
}
