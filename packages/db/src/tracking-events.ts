// The tracker's two queries: the earlier events of the (email, recipient) pairs in a batch (what the
// classifier needs), and the batch's insert, where repeats of a request collapse into hits. Not scoped by
// an API key: the account and email come from a signed token, and the insert keeps only rows whose email
// belongs to that account. An anonymous token's recipient (ANONYMOUS_RECIPIENT) is stored as NULL, and so
// are its IP address and user agent: no identifier is kept for an anonymous open or click.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { ANONYMOUS_RECIPIENT, type PriorEvent } from '@reply-sync/tracking';
import type { Db } from './client';
import { trackingEvents, type TrackingEventRow } from './schema';
import { TRACKING_EVENTS_CHANNEL, TRACKING_NOTIFY_CHUNK } from './tracking-notify';
import { newWebhookEventId } from './webhook-outbox';

export type NewTrackingEvent = Pick<TrackingEventRow, 'accountId' | 'emailId' | 'recipient' | 'kind' | 'target' | 'method' | 'eventClass' | 'reason' | 'counted' | 'ip' | 'userAgent' | 'occurredAt' | 'lastSeenAt' | 'hits' | 'dedupeKey'>;

export const pairKey = (emailId: string, recipient: string) => `${emailId} ${recipient}`;

/** The instants a batch's events fall between: what the earlier clicks it needs are looked for around. */
export interface EventWindow {
  from: Date;
  to: Date;
}

type PriorRow = { email_id: string; recipient: string | null; kind: PriorEvent['kind']; at: string; target: string | null; event_class: PriorEvent['eventClass']; reason: PriorEvent['reason']; counted: boolean };

/**
 * Of a pair's earlier events, what classifyEvent's rules read, and no more: the first open through Gmail's
 * image proxy (are the proxy's fetches repeats?), the first counted open (was it opened before this
 * click?), and the clicks within a second of the window (another link clicked within a second?). All of
 * them would grow with every open: an anonymous email's pair is every recipient's, and each batch read
 * them all. Found through tracking_events_email_recipient_idx; an anonymous pair (recipient NULL) by IS NULL.
 */
function needed(pair: SQL, window: EventWindow): SQL {
  const from = new Date(window.from.getTime() - 1000).toISOString();
  const to = new Date(window.to.getTime() + 1000).toISOString();
  const cols = sql`t.email_id, t.recipient, t.kind, t.occurred_at AS at, t.target, t.event_class, t.reason, t.counted`;
  // UNION, not UNION ALL: Gmail's first proxy fetch is often the first counted open too, and comes once.
  return sql`(SELECT ${cols} FROM ${trackingEvents} t WHERE ${pair} AND t.kind = 'open' AND t.reason = 'google_image_proxy' ORDER BY t.occurred_at LIMIT 1)
    UNION (SELECT ${cols} FROM ${trackingEvents} t WHERE ${pair} AND t.kind = 'open' AND t.counted ORDER BY t.occurred_at LIMIT 1)
    UNION (SELECT ${cols} FROM ${trackingEvents} t WHERE ${pair} AND t.kind = 'click' AND t.occurred_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz)`;
}

/**
 * Earlier events per pairKey(email, recipient), oldest first: those the classifier needs (see needed) for
 * a batch whose events fall in `window`. One statement for any batch, the pairs as arrays.
 */
export async function priorTrackingEvents(db: Db, pairs: readonly { emailId: string; recipient: string }[], window: EventWindow): Promise<Map<string, PriorEvent[]>> {
  const byPair = new Map<string, PriorEvent[]>();
  if (pairs.length === 0) return byPair;
  const named = pairs.filter((p) => p.recipient !== ANONYMOUS_RECIPIENT);
  const anonymous = [...new Set(pairs.filter((p) => p.recipient === ANONYMOUS_RECIPIENT).map((p) => p.emailId))];
  const rows = await db.execute<PriorRow>(sql`
    SELECT e.* FROM (SELECT DISTINCT * FROM unnest(${sql.param(named.map((p) => p.emailId))}::uuid[], ${sql.param(named.map((p) => p.recipient))}::text[])) AS n(email_id, recipient)
    CROSS JOIN LATERAL (${needed(sql`t.email_id = n.email_id AND t.recipient = n.recipient`, window)}) e
    UNION ALL
    SELECT e.* FROM unnest(${sql.param(anonymous)}::uuid[]) AS a(email_id)
    CROSS JOIN LATERAL (${needed(sql`t.email_id = a.email_id AND t.recipient IS NULL`, window)}) e
    ORDER BY at`);
  for (const { email_id, recipient, kind, at, target, event_class, reason, counted } of rows) {
    const key = pairKey(email_id, recipient ?? ANONYMOUS_RECIPIENT);
    let list = byPair.get(key);
    if (!list) byPair.set(key, (list = []));
    list.push({ kind, at: new Date(at), target, eventClass: event_class, reason, counted });
  }
  return byPair;
}

// The dedupe key hashes the request's address and agent: for an anonymous event it is hashed again with a
// secret that lives only in this process's memory, so the stored key cannot be tried against addresses.
const ANONYMOUS_KEY_SALT = randomBytes(32);
const anonymousKey = (key: string) => createHash('sha256').update(ANONYMOUS_KEY_SALT).update(key).digest('base64url');

function stored(e: NewTrackingEvent): NewTrackingEvent {
  if (e.recipient !== ANONYMOUS_RECIPIENT && e.recipient !== null) return e;
  return { ...e, recipient: null, ip: null, userAgent: null, dedupeKey: anonymousKey(e.dedupeKey) };
}

/**
 * Inserts a batch in ONE statement (so one transaction); an existing dedupe key adds its hits instead.
 * The same statement, for each new row that is a person's open or click (counted, not a repeat
 * collapsing into hits), writes the `email.opened` / `email.clicked` webhook event (only where an
 * enabled endpoint subscribes, as recordEvent does) and NOTIFYs TRACKING_EVENTS_CHANNEL with the ids:
 * an event commits with its webhook and live update or not at all. Returns the rows inserted or grown.
 */
export async function insertTrackingEvents(db: Db, events: readonly NewTrackingEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const json = JSON.stringify(events.map(stored).map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString(), lastSeenAt: e.lastSeenAt.toISOString() })));
  // newWebhookEventId's shape: the time part from here, the random part from gen_random_uuid (its 20 first hex digits but the version one).
  const idPrefix = newWebhookEventId().slice(0, 'evt_'.length + 9);
  const rows = await db.execute<{ written: number }>(sql`
    WITH ins AS (
      INSERT INTO ${trackingEvents} (account_id, email_id, recipient, kind, target, method, event_class, reason, counted, ip, user_agent, occurred_at, last_seen_at, hits, dedupe_key)
      SELECT r."accountId", r."emailId", r.recipient, r.kind, r.target, r.method, r."eventClass", r.reason, r.counted, r.ip, r."userAgent", r."occurredAt", r."lastSeenAt", r.hits, r."dedupeKey"
      FROM jsonb_to_recordset(${json}::jsonb) AS r("accountId" uuid, "emailId" uuid, recipient text, kind text, target text, method text, "eventClass" text, reason text, counted boolean, ip text, "userAgent" text, "occurredAt" timestamptz, "lastSeenAt" timestamptz, hits integer, "dedupeKey" text)
      JOIN outgoing_emails o ON o.id = r."emailId" AND o.account_id = r."accountId"
      ON CONFLICT (dedupe_key) DO UPDATE SET hits = ${trackingEvents}.hits + excluded.hits, last_seen_at = greatest(${trackingEvents}.last_seen_at, excluded.last_seen_at)
      RETURNING id, account_id, email_id, recipient, kind, target, occurred_at, counted, (xmax = 0) AS inserted
    ),
    fresh AS (SELECT * FROM ins WHERE inserted AND counted),
    hooks AS (
      INSERT INTO webhook_events (id, account_id, type, payload)
      SELECT ${idPrefix} || substr(u, 1, 12) || substr(u, 14, 8), f.account_id,
        CASE f.kind WHEN 'open' THEN 'email.opened' ELSE 'email.clicked' END,
        jsonb_build_object('trackingEventId', f.id, 'outgoingEmailId', f.email_id, 'emailId', o.email_id, 'recipient', f.recipient, 'contactId', c.id,
          'occurredAt', to_char(f.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          || CASE f.kind WHEN 'click' THEN jsonb_build_object('target', f.target) ELSE '{}'::jsonb END
      FROM fresh f
      CROSS JOIN LATERAL (SELECT replace(gen_random_uuid()::text, '-', '') AS u) rnd
      JOIN outgoing_emails o ON o.id = f.email_id
      LEFT JOIN contacts c ON c.account_id = f.account_id AND f.recipient IS NOT NULL AND lower(c.email) = lower(f.recipient)
      WHERE EXISTS (
        SELECT 1 FROM webhook_endpoints ep
        WHERE ep.account_id = f.account_id AND ep.enabled AND (CASE f.kind WHEN 'open' THEN 'email.opened' ELSE 'email.clicked' END) = ANY(ep.event_types))
    ),
    notified AS (
      SELECT pg_notify(${TRACKING_EVENTS_CHANNEL}, json_build_object('a', account_id, 'e', json_agg(id ORDER BY id))::text)
      FROM (SELECT account_id, id, (row_number() OVER (PARTITION BY account_id ORDER BY id) - 1) / ${TRACKING_NOTIFY_CHUNK} AS chunk FROM fresh) x
      GROUP BY account_id, chunk
    )
    SELECT (SELECT count(*) FROM ins)::int AS written, (SELECT count(*) FROM notified)::int AS notifications`);
  return rows[0]?.written ?? 0;
}
