// The activity of tracked sends, for one account: the feed (tracked sends newest first, each with its
// counted opens and clicks and the "likely automated" events apart), a contact's recent activity, and the
// events a live update names by id (the SSE stream loads them on the tracking NOTIFY).
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { EventClass, EventReason } from '@reply-sync/tracking';
import type { AccountScope } from '../account-scope';
import type { Db } from '../client';
import { contacts, outgoingEmails, trackingEvents } from '../schema';
import { keysetLimit, positioned, type KeysetQuery, type Positioned } from './keyset';

/** Per send and kind, at most this many events are listed (the counts say how many there were). */
export const ACTIVITY_EVENTS_PER_SEND = 50;

export type ActivityState = 'sent' | 'opened' | 'clicked';

export interface ActivityEvent {
  id: string;
  kind: 'open' | 'click';
  at: Date;
  /** Null: anonymous (several recipients, or no tracking basis under GDPR). */
  recipient: string | null;
  target: string | null;
  eventClass: EventClass;
  reason: EventReason;
  /** Repeats of the same request within a minute, folded into this event. */
  hits: number;
}

export interface ActivitySend {
  id: string;
  userId: string | null;
  /** The logged email, when the send was logged. */
  emailId: string | null;
  subject: string;
  to: string[];
  sentAt: Date | null;
  /** Sent until a person opened it, then Opened, Clicked once a person clicked a link. */
  state: ActivityState;
  openCount: number;
  clickCount: number;
  /** A person's opens and clicks (counted), newest first. */
  opens: ActivityEvent[];
  clicks: ActivityEvent[];
  /** Machine events (privacy prefetches, proxies' repeats, scanners), newest first, each with its reason. */
  automated: ActivityEvent[];
}

export interface ActivityFilter {
  userId?: string | undefined;
  /** A contact's activity: sends linked to the contact or tracked to its address, and only its own events. */
  contact?: { id: string; email: string } | undefined;
}

/** A logged email's tracking on the record (the timeline): a person's opens and clicks only. */
export interface TrackingSummary {
  opens: number;
  lastOpenedAt: Date | null;
  clicks: number;
  lastClickedAt: Date | null;
}

/** A person's open or click as the live stream sends it. */
export interface LiveActivity {
  id: string;
  kind: 'open' | 'click';
  at: Date;
  outgoingEmailId: string;
  emailId: string | null;
  userId: string | null;
  subject: string;
  recipient: string | null;
  contactId: string | null;
  target: string | null;
}

export function activityQueries(db: Db, scope: AccountScope) {
  const contactEvents = (contact: { email: string }) => sql`lower(${trackingEvents.recipient}) = lower(${contact.email})`;
  const sendsOf = async (filter: ActivityFilter, q: KeysetQuery): Promise<Positioned<Omit<ActivitySend, 'state' | 'openCount' | 'clickCount' | 'opens' | 'clicks' | 'automated'>>[]> => {
    const at = sql`coalesce(${outgoingEmails.sentAt}, ${outgoingEmails.createdAt})`;
    const conditions: (SQL | undefined)[] = [eq(outgoingEmails.track, true), eq(outgoingEmails.status, 'sent'), q.before ? sql`(${at}, ${outgoingEmails.id}) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : undefined];
    if (filter.userId) conditions.push(eq(outgoingEmails.userId, filter.userId));
    if (filter.contact) {
      const c = filter.contact;
      conditions.push(sql`(${c.id}::uuid = ANY(${outgoingEmails.contactIds}) OR EXISTS (SELECT 1 FROM ${trackingEvents} WHERE ${trackingEvents.emailId} = ${outgoingEmails.id} AND ${contactEvents(c)}))`);
    }
    const rows = await db
      .select({ row: { id: outgoingEmails.id, userId: outgoingEmails.userId, emailId: outgoingEmails.emailId, subject: outgoingEmails.subject, to: outgoingEmails.to, sentAt: outgoingEmails.sentAt }, at: sql<string>`${at}::text` })
      .from(outgoingEmails)
      .where(scope.where(outgoingEmails, ...conditions))
      .orderBy(sql`${at} DESC`, sql`${outgoingEmails.id} DESC`)
      .limit(keysetLimit(q.limit));
    return positioned(rows);
  };

  return {
    /** Tracked sends (sent), newest first, paged by (sent time, id); each with its events. */
    async feed(filter: ActivityFilter, q: KeysetQuery): Promise<Positioned<ActivitySend>[]> {
      const sends = await sendsOf(filter, q);
      if (sends.length === 0) return [];
      const ids = sends.map((s) => s.id);
      const contactOnly = filter.contact ? sql`AND lower(t.recipient) = lower(${filter.contact.email})` : sql``;
      // Newest first per (send, counted, kind), at most ACTIVITY_EVENTS_PER_SEND each, with the counts.
      const events = await db.execute<{ id: string; email_id: string; kind: 'open' | 'click'; at: string; recipient: string | null; target: string | null; event_class: EventClass; reason: EventReason; hits: number; counted: boolean; n: number; total: number }>(sql`
        SELECT * FROM (
          SELECT t.id, t.email_id, t.kind, t.occurred_at::text AS at, t.recipient, t.target, t.event_class, t.reason, t.hits, t.counted,
            row_number() OVER w AS n, count(*) OVER (PARTITION BY t.email_id, t.counted, t.kind)::int AS total
          FROM ${trackingEvents} t
          WHERE t.account_id = ${scope.accountId} AND t.email_id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) ${contactOnly}
          WINDOW w AS (PARTITION BY t.email_id, t.counted, t.kind ORDER BY t.occurred_at DESC, t.id DESC)
        ) e WHERE e.n <= ${ACTIVITY_EVENTS_PER_SEND}
        ORDER BY e.at DESC, e.id DESC`);
      const bySend = new Map<string, { opens: ActivityEvent[]; clicks: ActivityEvent[]; automated: ActivityEvent[]; openCount: number; clickCount: number }>();
      for (const id of ids) bySend.set(id, { opens: [], clicks: [], automated: [], openCount: 0, clickCount: 0 });
      for (const e of events) {
        const entry = bySend.get(e.email_id)!;
        const event: ActivityEvent = { id: e.id, kind: e.kind, at: new Date(e.at), recipient: e.recipient, target: e.target, eventClass: e.event_class, reason: e.reason, hits: e.hits };
        if (!e.counted) entry.automated.push(event);
        else if (e.kind === 'open') {
          entry.opens.push(event);
          entry.openCount = e.total;
        } else {
          entry.clicks.push(event);
          entry.clickCount = e.total;
        }
      }
      return sends.map((s) => {
        const e = bySend.get(s.id)!;
        const state: ActivityState = e.clickCount > 0 ? 'clicked' : e.openCount > 0 ? 'opened' : 'sent';
        return { ...s, state, ...e };
      });
    },

    /** Per logged email that was a tracked send: its counted opens and clicks (none: not tracked). */
    async summaries(loggedEmailIds: readonly string[]): Promise<Map<string, TrackingSummary>> {
      const out = new Map<string, TrackingSummary>();
      if (loggedEmailIds.length === 0) return out;
      const rows = await db.execute<{ logged_id: string; opens: number; last_opened: string | null; clicks: number; last_clicked: string | null }>(sql`
        SELECT o.email_id AS logged_id,
          count(t.id) FILTER (WHERE t.kind = 'open')::int AS opens, max(t.occurred_at) FILTER (WHERE t.kind = 'open')::text AS last_opened,
          count(t.id) FILTER (WHERE t.kind = 'click')::int AS clicks, max(t.occurred_at) FILTER (WHERE t.kind = 'click')::text AS last_clicked
        FROM ${outgoingEmails} o
        LEFT JOIN ${trackingEvents} t ON t.email_id = o.id AND t.account_id = ${scope.accountId} AND t.counted
        WHERE o.account_id = ${scope.accountId} AND o.track AND o.email_id IN (${sql.join(loggedEmailIds.map((id) => sql`${id}::uuid`), sql`, `)})
        GROUP BY o.email_id`);
      for (const r of rows) out.set(r.logged_id, { opens: r.opens, lastOpenedAt: r.last_opened ? new Date(r.last_opened) : null, clicks: r.clicks, lastClickedAt: r.last_clicked ? new Date(r.last_clicked) : null });
      return out;
    },

    /** A person's opens and clicks by id (the live stream's NOTIFY names them), oldest first; another account's ids read nothing. */
    async live(ids: readonly string[], userId?: string): Promise<LiveActivity[]> {
      if (ids.length === 0) return [];
      return liveRows(db, scope, and(inArray(trackingEvents.id, [...ids]), userId ? eq(outgoingEmails.userId, userId) : undefined));
    },

    /**
     * Live events committed after the event `lastEventId` (the stream's Last-Event-ID), oldest first, at
     * most `limit`; none for an id that is not this account's event.
     */
    async liveSince(lastEventId: string, limit: number, userId?: string): Promise<LiveActivity[]> {
      const after = sql`(${trackingEvents.createdAt}, ${trackingEvents.id}) > (SELECT created_at, id FROM ${trackingEvents} WHERE id = ${lastEventId}::uuid AND account_id = ${scope.accountId})`;
      return liveRows(db, scope, and(after, userId ? eq(outgoingEmails.userId, userId) : undefined), limit);
    },
  };
}

async function liveRows(db: Db, scope: AccountScope, condition: SQL | undefined, limit = 500): Promise<LiveActivity[]> {
  const rows = await db
    .select({
      id: trackingEvents.id,
      kind: trackingEvents.kind,
      at: trackingEvents.occurredAt,
      outgoingEmailId: trackingEvents.emailId,
      emailId: outgoingEmails.emailId,
      userId: outgoingEmails.userId,
      subject: outgoingEmails.subject,
      recipient: trackingEvents.recipient,
      contactId: contacts.id,
      target: trackingEvents.target,
    })
    .from(trackingEvents)
    .innerJoin(outgoingEmails, eq(outgoingEmails.id, trackingEvents.emailId))
    .leftJoin(contacts, and(eq(contacts.accountId, trackingEvents.accountId), sql`lower(${contacts.email}) = lower(${trackingEvents.recipient})`))
    .where(scope.where(trackingEvents, eq(trackingEvents.counted, true), condition))
    .orderBy(trackingEvents.createdAt, trackingEvents.id)
    .limit(limit);
  return rows;
}
