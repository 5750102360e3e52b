// The CRM timeline: emails associated with a contact, company or deal, newest first, each with its
// attachments' names and sizes (not their content).
import { desc, sql, type SQL } from 'drizzle-orm';
import type postgres from 'postgres';
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

/** What a page of threads shows of an entry: no bodies, none of the IMAP or thread bookkeeping. */
export type TimelineHeaderEntry = Pick<
  TimelineEntry,
  'id' | 'threadId' | 'direction' | 'source' | 'fromAddress' | 'fromName' | 'to' | 'subject' | 'messageId' | 'attachmentsSkippedReason'
  | 'authVerified' | 'authDmarc' | 'authDkim' | 'authDkimAligned' | 'authSpf' | 'authDetail' | 'at' | 'attachments'
>;

/** A thread on a timeline: its emails on that target, newest first. */
export interface TimelineThread {
  id: string;
  latestAt: Date;
  entries: TimelineHeaderEntry[];
}


interface ThreadPageRow {
  thread_id: string;
  latest: string;
  at: string;
  id: string;
  direction: TimelineEntry['direction'];
  source: TimelineEntry['source'];
  from_address: string;
  from_name: string | null;
  to: TimelineEntry['to'];
  subject: string;
  message_id: string;
  attachments_skipped_reason: string | null;
  auth_verified: boolean | null;
  auth_dmarc: string | null;
  auth_dkim: string | null;
  auth_dkim_aligned: boolean | null;
  auth_spf: string | null;
  auth_detail: string | null;
  attachments: TimelineAttachment[];
}

export function timelineQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;

  const at: SQL<Date> = sql`coalesce(${loggedEmails.receivedAt}, ${loggedEmails.sentAt}, ${loggedEmails.createdAt})`;
  const onTarget = (kind: AssociationKind, targetId: string) => sql`exists (select 1 from ${emailAssociations} ea where ea.email_id = "logged_emails"."id"
                and ea.account_id = ${accountId} and ea.kind = ${kind} and ea.target_id = ${targetId})`;

  async function forTarget(kind: AssociationKind, targetId: string): Promise<TimelineEntry[]> {
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
        scope.where(loggedEmails, onTarget(kind, targetId)),
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
      // One statement in postgres.js: the API reads this page at hundreds per second, and drizzle's building
      // and mapping cost several times the statement itself here.
      const pg = (db as Db & { $client: postgres.Sql }).$client;
      const { before } = q;
      const rows = await pg<ThreadPageRow[]>`
        WITH on_target AS (
          SELECT le.id, le.thread_id, coalesce(le.received_at, le.sent_at, le.created_at) AS at, le.created_at
          FROM logged_emails le
          JOIN email_associations ea ON ea.email_id = le.id AND ea.account_id = ${accountId} AND ea.kind = ${kind} AND ea.target_id = ${targetId}
          WHERE le.account_id = ${accountId}),
        threads AS (
          SELECT thread_id, max(at) AS latest FROM on_target GROUP BY thread_id
          ${before ? pg`HAVING (max(at), thread_id) < (${before.at}::timestamptz, ${before.id}::uuid)` : pg``}
          ORDER BY latest DESC, thread_id DESC LIMIT ${keysetLimit(q.limit)})
        SELECT t.thread_id::text AS thread_id, t.latest::text AS latest, o.at::text AS at,
          le.id::text AS id, le.direction, le.source, le.from_address, le.from_name, le."to", le.subject, le.message_id,
          le.attachments_skipped_reason, le.auth_verified, le.auth_dmarc, le.auth_dkim, le.auth_dkim_aligned, le.auth_spf, le.auth_detail,
          coalesce((SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size) ORDER BY a.created_at, a.filename)
            FROM attachments a WHERE a.email_id = le.id AND a.account_id = ${accountId}), '[]'::json) AS attachments
        FROM threads t
        JOIN on_target o ON o.thread_id = t.thread_id
        JOIN logged_emails le ON le.id = o.id
        ORDER BY t.latest DESC, t.thread_id DESC, o.at DESC, o.created_at DESC`;
      const threads: Positioned<TimelineThread>[] = [];
      for (const r of rows) {
        let thread = threads[threads.length - 1];
        if (!thread || thread.id !== r.thread_id) {
          thread = { id: r.thread_id, latestAt: new Date(r.latest), entries: [], position: { at: r.latest, id: r.thread_id } };
          threads.push(thread);
        }
        thread.entries.push({
          id: r.id, threadId: r.thread_id, direction: r.direction, source: r.source, fromAddress: r.from_address, fromName: r.from_name,
          to: r.to, subject: r.subject, messageId: r.message_id, attachmentsSkippedReason: r.attachments_skipped_reason,
          authVerified: r.auth_verified, authDmarc: r.auth_dmarc, authDkim: r.auth_dkim, authDkimAligned: r.auth_dkim_aligned, authSpf: r.auth_spf, authDetail: r.auth_detail,
          at: new Date(r.at), attachments: r.attachments,
        });
      }
      return threads;
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

