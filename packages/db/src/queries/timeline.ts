// The CRM timeline: emails associated with a contact, company or deal, newest first, each with its
// attachments' names and sizes (not their content).
import { desc, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { emailAssociations, loggedEmails, type AssociationKind, type LoggedEmail } from '../schema';
import { companyQueries, contactQueries, dealQueries } from './contacts';
import { isKeysetPosition, keysetLimit, type KeysetQuery, type Positioned } from './keyset';

export interface TimelineAttachment {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
}

export type TimelineEntry = Omit<LoggedEmail, 'accountId'> & {
  /** received_at for replies, sent_at (or created_at) for emails the CRM sent: what the timeline sorts by. */
  at: Date;
  attachments: TimelineAttachment[];
};

/** A thread on a timeline: its emails on that target, newest first. */
export interface TimelineThread {
  id: string;
  latestAt: Date;
  entries: TimelineEntry[];
}

export function timelineQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;

  const at: SQL<Date> = sql`coalesce(${loggedEmails.receivedAt}, ${loggedEmails.sentAt}, ${loggedEmails.createdAt})`;
  const onTarget = (kind: AssociationKind, targetId: string) => sql`exists (select 1 from ${emailAssociations} ea where ea.email_id = "logged_emails"."id"
                and ea.account_id = ${accountId} and ea.kind = ${kind} and ea.target_id = ${targetId})`;

  async function forTarget(kind: AssociationKind, targetId: string, threadIds?: string[]): Promise<TimelineEntry[]> {
    const rows = await db
      .select({
        email: loggedEmails,
        at: sql<string>`${at}`,
        attachments: sql<TimelineAttachment[]>`coalesce((
          select json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size) order by a.created_at, a.filename)
          from attachments a where a.email_id = "logged_emails"."id" and a.account_id = ${accountId}), '[]'::json)`,
      })
      .from(loggedEmails)
      .where(
        scope.where(loggedEmails, onTarget(kind, targetId), threadIds ? inArray(loggedEmails.threadId, threadIds) : undefined),
      )
      .orderBy(desc(at), desc(loggedEmails.createdAt));
    return rows.map(({ email, at: when, attachments }) => {
      const { accountId: _account, ...rest } = email;
      return { ...rest, at: new Date(when), attachments };
    });
  }

  return {
    /**
     * One page of the threads on a target's timeline, newest first by each thread's newest email there
     * (keyset.ts: the position is that time and the thread id), each with its emails on the target, newest
     * first. Two queries per page however long the timeline.
     */
    async threadPage(kind: AssociationKind, targetId: string, q: KeysetQuery): Promise<Positioned<TimelineThread>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const latest = sql`max(${at})`;
      const threads = await db
        .select({ id: sql<string>`${loggedEmails.threadId}::text`, at: sql<string>`${latest}::text` })
        .from(loggedEmails)
        .where(scope.where(loggedEmails, onTarget(kind, targetId)))
        .groupBy(loggedEmails.threadId)
        .having(q.before ? sql`(${latest}, ${loggedEmails.threadId}) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : undefined)
        .orderBy(desc(latest), desc(loggedEmails.threadId))
        .limit(keysetLimit(q.limit));
      if (threads.length === 0) return [];
      const entries = await forTarget(kind, targetId, threads.map((t) => t.id));
      return threads.map((t) => ({ id: t.id, latestAt: new Date(t.at), entries: entries.filter((e) => e.threadId === t.id), position: { at: t.at, id: t.id } }));
    },
    /** Every email on a target's timeline (by its id), newest first. */
    forTargetId: (kind: AssociationKind, targetId: string): Promise<TimelineEntry[]> => forTarget(kind, targetId),
    /** Emails on a contact's timeline, by the contact's email address (any case). Empty when no such contact. */
    async forContact(email: string): Promise<TimelineEntry[]> {
      const contact = await contactQueries(db, scope).findByEmail(email);
      return contact ? forTarget('contact', contact.id) : [];
    },
    /** By company id or name. */
    async forCompany(idOrName: string): Promise<TimelineEntry[]> {
      const company = await companyQueries(db, scope).find(idOrName);
      return company ? forTarget('company', company.id) : [];
    },
    /** By deal id or name. */
    async forDeal(idOrName: string): Promise<TimelineEntry[]> {
      const deal = await dealQueries(db, scope).find(idOrName);
      return deal ? forTarget('deal', deal.id) : [];
    },
  };
}

