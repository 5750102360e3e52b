// The CRM timeline: emails associated with a contact, company or deal, newest first, each with its
// attachments' names and sizes (not their content).
import { desc, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { emailAssociations, loggedEmails, type AssociationKind, type LoggedEmail } from '../schema';
import { companyQueries, contactQueries, dealQueries } from './contacts';

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

export function timelineQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;

  async function forTarget(kind: AssociationKind, targetId: string): Promise<TimelineEntry[]> {
    const at: SQL<Date> = sql`coalesce(${loggedEmails.receivedAt}, ${loggedEmails.sentAt}, ${loggedEmails.createdAt})`;
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
        scope.where(
          loggedEmails,
          sql`exists (select 1 from ${emailAssociations} ea where ea.email_id = "logged_emails"."id"
                and ea.account_id = ${accountId} and ea.kind = ${kind} and ea.target_id = ${targetId})`,
        ),
      )
      .orderBy(desc(at), desc(loggedEmails.createdAt));
    return rows.map(({ email, at: when, attachments }) => {
      const { accountId: _account, ...rest } = email;
      return { ...rest, at: new Date(when), attachments };
    });
  }

  return {
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

