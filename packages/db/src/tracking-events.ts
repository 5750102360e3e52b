// The tracker's two queries: the earlier events of the (email, recipient) pairs in a batch (what the
// classifier needs), and the batch's insert, where repeats of a request collapse into hits. Not scoped by
// an API key: the account and email come from a signed token, and the insert keeps only rows whose email
// belongs to that account. An anonymous token's recipient (ANONYMOUS_RECIPIENT) is stored as NULL, and so
// are its IP address and user agent: no identifier is kept for an anonymous open or click.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { ANONYMOUS_RECIPIENT, type PriorEvent } from '@reply-sync/tracking';
import type { Db } from './client';
import { trackingEvents, type TrackingEventRow } from './schema';

export type NewTrackingEvent = Pick<TrackingEventRow, 'accountId' | 'emailId' | 'recipient' | 'kind' | 'target' | 'method' | 'eventClass' | 'reason' | 'counted' | 'ip' | 'userAgent' | 'occurredAt' | 'lastSeenAt' | 'hits' | 'dedupeKey'>;

export const pairKey = (emailId: string, recipient: string) => `${emailId} ${recipient}`;

/** Earlier events per pairKey(email, recipient), oldest first. */
export async function priorTrackingEvents(db: Db, pairs: readonly { emailId: string; recipient: string }[]): Promise<Map<string, PriorEvent[]>> {
  const byPair = new Map<string, PriorEvent[]>();
  if (pairs.length === 0) return byPair;
  const emailIds = [...new Set(pairs.map((p) => p.emailId))];
  const rows = await db
    .select({ emailId: trackingEvents.emailId, recipient: trackingEvents.recipient, kind: trackingEvents.kind, at: trackingEvents.occurredAt, target: trackingEvents.target, eventClass: trackingEvents.eventClass, reason: trackingEvents.reason, counted: trackingEvents.counted })
    .from(trackingEvents)
    .where(
      and(
        inArray(trackingEvents.emailId, emailIds),
        or(...pairs.map((p) => and(eq(trackingEvents.emailId, p.emailId), p.recipient === ANONYMOUS_RECIPIENT ? isNull(trackingEvents.recipient) : eq(trackingEvents.recipient, p.recipient)))),
      ),
    )
    .orderBy(trackingEvents.occurredAt);
  for (const { emailId, recipient, ...event } of rows) {
    const key = pairKey(emailId, recipient ?? ANONYMOUS_RECIPIENT);
    byPair.set(key, [...(byPair.get(key) ?? []), event]);
  }
  return byPair;
}

/** Inserts a batch in one statement; an existing dedupe key adds its hits instead. Returns the rows inserted or grown. */
export async function insertTrackingEvents(db: Db, events: readonly NewTrackingEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const json = JSON.stringify(events.map((e) => ({ ...e, ...(e.recipient === ANONYMOUS_RECIPIENT || e.recipient === null ? { recipient: null, ip: null, userAgent: null } : {}), occurredAt: e.occurredAt.toISOString(), lastSeenAt: e.lastSeenAt.toISOString() })));
  const rows = await db.execute<{ id: string }>(sql`
    INSERT INTO ${trackingEvents} (account_id, email_id, recipient, kind, target, method, event_class, reason, counted, ip, user_agent, occurred_at, last_seen_at, hits, dedupe_key)
    SELECT r."accountId", r."emailId", r.recipient, r.kind, r.target, r.method, r."eventClass", r.reason, r.counted, r.ip, r."userAgent", r."occurredAt", r."lastSeenAt", r.hits, r."dedupeKey"
    FROM jsonb_to_recordset(${json}::jsonb) AS r("accountId" uuid, "emailId" uuid, recipient text, kind text, target text, method text, "eventClass" text, reason text, counted boolean, ip text, "userAgent" text, "occurredAt" timestamptz, "lastSeenAt" timestamptz, hits integer, "dedupeKey" text)
    JOIN outgoing_emails o ON o.id = r."emailId" AND o.account_id = r."accountId"
    ON CONFLICT (dedupe_key) DO UPDATE SET hits = ${trackingEvents}.hits + excluded.hits, last_seen_at = greatest(${trackingEvents}.last_seen_at, excluded.last_seen_at)
    RETURNING id`);
  return rows.length;
}
