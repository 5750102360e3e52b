// The webhook outbox's one write: recordEvent(tx, ...) is called inside the transaction of the change
// an event tells of (an email logged, sent or failed, an inbox connected, disconnected or reconnected),
// so the event commits with it or not at all. The relay (apps/webhook-worker) takes it from there.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { DbOrTx } from './client';
import { webhookEndpoints, webhookEvents, type EmailSource, type WebhookEventType } from './schema';
import { toStorableJson } from './storable-columns';

/** What each event carries: ids, codes and sentences, never a body or a credential. */
export interface WebhookPayloads {
  'email.logged': {
    emailId: string;
    messageId: string;
    source: EmailSource;
    direction: 'inbound' | 'outbound';
    threadId: string;
    inboxId: string | null;
    contactIds: string[];
    companyIds: string[];
    dealIds: string[];
    /** Reply sync only: `logged` or `logged_without_attachments`. */
    reason?: string;
  };
  'email.sent': { outgoingEmailId: string; sendId: string; emailId: string; inboxId: string; rejected: string[] };
  'email.send_failed': { outgoingEmailId: string; sendId: string; inboxId: string; code: string; sentence: string };
  'inbox.connected': { inboxId: string; address: string; userId: string | null; provider: string };
  /** The sentence for `code` is added when the event is delivered (packages/mail's table is its one home). */
  'inbox.disconnected': { inboxId: string; address: string; code: string; providerText: string | null };
  'inbox.reconnected': { inboxId: string; address: string };
  /** A person's open of a tracked email (machine events are not sent); recipient null when anonymous. */
  'email.opened': TrackingWebhookPayload;
  /** A person's click on a tracked link; `target` is the link's URL. */
  'email.clicked': TrackingWebhookPayload & { target: string };
}

/** Written in SQL by insertTrackingEvents (packages/db/src/tracking-events.ts), in the insert's statement. */
export interface TrackingWebhookPayload {
  /** The tracking event (the feed's and the stream's id for it). */
  trackingEventId: string;
  outgoingEmailId: string;
  /** The logged email of the send, when it was logged. */
  emailId: string | null;
  /** Null when the open is anonymous (several recipients, or no tracking basis under GDPR). */
  recipient: string | null;
  contactId: string | null;
  occurredAt: string;
}

export const WEBHOOK_EVENTS_CHANNEL = 'reply_sync_webhook_events';

/** `evt_` + time (base36, so ids sort roughly by creation) + 80 random bits. */
export function newWebhookEventId(now = Date.now()): string {
  return `evt_${now.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}

/**
 * Writes the event in ONE statement, only when an enabled endpoint of the account subscribes to its
 * type: an account without webhooks pays one index probe and writes nothing. A subscription made after
 * the change's commit does not receive it.
 */
export async function recordEvent<T extends WebhookEventType>(
  tx: DbOrTx,
  accountId: string,
  type: T,
  payload: WebhookPayloads[T],
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO ${webhookEvents} (id, account_id, type, payload)
    SELECT ${newWebhookEventId()}, ${accountId}, ${type}, ${JSON.stringify(toStorableJson(payload))}::jsonb
    WHERE EXISTS (
      SELECT 1 FROM ${webhookEndpoints} ep
      WHERE ep.account_id = ${accountId} AND ep.enabled AND ${type} = ANY(ep.event_types))`);
}

/**
 * recordEvent for a batch, on a postgres.js transaction (logRepliesIn's path): every event of `payloads`
 * in ONE statement, under the same condition (an enabled endpoint of the account subscribes to `type`).
 */
export async function recordEventsIn<T extends WebhookEventType>(
  tx: postgres.TransactionSql,
  accountId: string,
  type: T,
  payloads: WebhookPayloads[T][],
): Promise<void> {
  if (payloads.length === 0) return;
  const rows = payloads.map((payload) => ({ id: newWebhookEventId(), payload: toStorableJson(payload) }));
  await tx`
    INSERT INTO webhook_events (id, account_id, type, payload)
    SELECT e.id, ${accountId}::uuid, ${type}, e.payload
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(id text, payload jsonb)
    WHERE EXISTS (
      SELECT 1 FROM webhook_endpoints ep
      WHERE ep.account_id = ${accountId}::uuid AND ep.enabled AND ${type} = ANY(ep.event_types))`;
}
