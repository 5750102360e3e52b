// Contacts, companies and deals of one account, and the contact look-up the worker's decide() needs.
import { normalizeAddress, type ContactRef } from '@reply-sync/threading';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { DbError, isUniqueViolation } from '../errors';
import { storedAddress } from '../stored-address';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';
import {
  companies,
  contactCompanies,
  contactDeals,
  contacts,
  deals,
  type Company,
  type Contact,
  type Deal,
  type DealStatus,
  type TrackingBasis,
  users,
} from '../schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export interface AddContactInput {
  email: string;
  name?: string | null;
  ownerUserId?: string | null;
  legalBasis?: string | null;
  companyIds?: string[];
  dealIds?: string[];
}

export type ContactWithLinks = Contact & { companyIds: string[]; dealIds: string[] };

/** A contact's company and deal ids, as columns of a select on contacts (one query for a page). */
const linkColumns = (accountId: string) => ({
  companyIds: sql<string[]>`coalesce((select array_agg(cc.company_id::text order by cc.company_id) from ${contactCompanies} cc where cc.contact_id = "contacts"."id" and cc.account_id = ${accountId}), '{}')`,
  dealIds: sql<string[]>`coalesce((select array_agg(cd.deal_id::text order by cd.deal_id) from ${contactDeals} cd where cd.contact_id = "contacts"."id" and cd.account_id = ${accountId}), '{}')`,
});

/** The ids of the contacts linked to a company (a deal), as a column of a select on companies (deals). */
const companyContactIds = (accountId: string) =>
  sql<string[]>`coalesce((select array_agg(l.contact_id::text order by l.contact_id) from ${contactCompanies} l where l.company_id = "companies"."id" and l.account_id = ${accountId}), '{}')`;
const dealContactIds = (accountId: string) =>
  sql<string[]>`coalesce((select array_agg(l.contact_id::text order by l.contact_id) from ${contactDeals} l where l.deal_id = "deals"."id" and l.account_id = ${accountId}), '{}')`;

export type CompanyWithContacts = Company & { contactIds: string[] };
export type DealWithContacts = Deal & { contactIds: string[] };


export function contactQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;
  return {
    /** Adds a contact with its companies and deals. Emails are unique per account, case-insensitively (and IDN-insensitively: see storedAddress). */
    async add(input: AddContactInput): Promise<ContactWithLinks> {
      const companyIds = [...new Set(input.companyIds ?? [])];
      const dealIds = [...new Set(input.dealIds ?? [])];
      return db.transaction(async (tx) => {
        await scope.assertOwned(tx, companies, companyIds, 'companies');
        await scope.assertOwned(tx, deals, dealIds, 'deals');
        if (input.ownerUserId) await scope.assertOwned(tx, users, [input.ownerUserId], 'users');
        let contact: Contact;
        try {
          const [row] = await tx
            .insert(contacts)
            .values({
              accountId,
              email: storedAddress(input.email),
              name: input.name ?? null,
              ownerUserId: input.ownerUserId ?? null,
              legalBasis: input.legalBasis ?? null,
            })
            .returning();
          contact = row!;
        } catch (error) {
          if (isUniqueViolation(error, 'contacts_account_email_lower_uq')) {
            throw new DbError('contact_exists', `A contact with the email ${input.email} already exists in this account.`);
          }
          throw error;
        }
        if (companyIds.length > 0) {
          await tx.insert(contactCompanies).values(companyIds.map((companyId) => ({ accountId, contactId: contact.id, companyId })));
        }
        if (dealIds.length > 0) {
          await tx.insert(contactDeals).values(dealIds.map((dealId) => ({ accountId, contactId: contact.id, dealId })));
        }
        return { ...contact, companyIds, dealIds };
      });
    },

    /** Links an existing contact to more companies or deals (already linked ones are ignored). */
    async link(contactId: string, links: { companyIds?: string[]; dealIds?: string[] }): Promise<void> {
      await db.transaction(async (tx) => {
        await scope.assertOwned(tx, contacts, [contactId], 'contacts');
        await scope.assertOwned(tx, companies, links.companyIds ?? [], 'companies');
        await scope.assertOwned(tx, deals, links.dealIds ?? [], 'deals');
        for (const companyId of links.companyIds ?? []) {
          await tx.insert(contactCompanies).values({ accountId, contactId, companyId }).onConflictDoNothing();
        }
        for (const dealId of links.dealIds ?? []) {
          await tx.insert(contactDeals).values({ accountId, contactId, dealId }).onConflictDoNothing();
        }
      });
    },

    /** Gives the contacts that have no owner this user (`email log`'s rule); owned ones keep theirs. Returns how many changed. */
    async claimUnowned(contactIds: readonly string[], ownerUserId: string): Promise<number> {
      if (contactIds.length === 0) return 0;
      await scope.assertOwned(db, users, [ownerUserId], 'users');
      const rows = await db
        .update(contacts)
        .set({ ownerUserId })
        .where(scope.where(contacts, sql`${inArray(contacts.id, [...contactIds])} and ${contacts.ownerUserId} is null`))
        .returning({ id: contacts.id });
      return rows.length;
    },

    async get(id: string): Promise<Contact | null> {
      const [row] = await db.select().from(contacts).where(scope.where(contacts, eq(contacts.id, id)));
      return row ?? null;
    },

    /**
     * Why opens and clicks may be attributed to this contact under GDPR (null: not by name, and no record),
     * with its record (when, and where and how it was given); null when not in this account.
     */
    async setTrackingBasis(id: string, trackingBasis: TrackingBasis | null, record: { at: Date; source: string | null } | null = null): Promise<Contact | null> {
      const values = trackingBasis ? { trackingBasis, trackingBasisAt: record?.at ?? null, trackingBasisSource: record?.source ?? null } : { trackingBasis: null, trackingBasisAt: null, trackingBasisSource: null };
      const [row] = await db.update(contacts).set(values).where(scope.where(contacts, eq(contacts.id, id))).returning();
      return row ?? null;
    },

    async findByEmail(email: string): Promise<Contact | null> {
      const [row] = await db
        .select()
        .from(contacts)
        .where(scope.where(contacts, sql`lower(${contacts.email}) = ${normalizeAddress(email)}`));
      return row ?? null;
    },

    /**
     * The contacts whose email equals one of `emails` exactly, ignoring case (no alias or
     * sub-address matching: that is decide()'s `sender_not_contact`). One query. `email` comes back
     * lower-cased, like the addresses in MessageFacts.
     */
    async findByEmails(emails: readonly string[]): Promise<ContactRef[]> {
      const wanted = [...new Set(emails.map(normalizeAddress).filter(Boolean))];
      if (wanted.length === 0) return [];
      const rows = await db
        .select({
          id: contacts.id,
          email: sql<string>`lower(${contacts.email})`,
          companyIds: sql<string[]>`coalesce((select array_agg(cc.company_id::text) from ${contactCompanies} cc where cc.contact_id = "contacts"."id" and cc.account_id = ${accountId}), '{}')`,
          dealIds: sql<string[]>`coalesce((select array_agg(cd.deal_id::text) from ${contactDeals} cd where cd.contact_id = "contacts"."id" and cd.account_id = ${accountId}), '{}')`,
        })
        .from(contacts)
        .where(scope.where(contacts, inArray(sql`lower(${contacts.email})`, wanted)));
      return rows;
    },

    async list(): Promise<Contact[]> {
      return db.select().from(contacts).where(scope.where(contacts)).orderBy(contacts.email);
    },

    /** One contact with its company and deal ids. */
    async getWithLinks(id: string): Promise<ContactWithLinks | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select({ row: contacts, ...linkColumns(accountId) }).from(contacts).where(scope.where(contacts, eq(contacts.id, id)));
      return row ? { ...row.row, companyIds: row.companyIds, dealIds: row.dealIds } : null;
    },

    /** One page with their company and deal ids, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<ContactWithLinks>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: contacts, at: positionText(contacts.createdAt), ...linkColumns(accountId) })
        .from(contacts)
        .where(scope.where(contacts, afterPosition(contacts.createdAt, contacts.id, q.before)))
        .orderBy(...newestFirst(contacts.createdAt, contacts.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows.map((r) => ({ row: { ...r.row, companyIds: r.companyIds, dealIds: r.dealIds }, at: r.at })));
    },
  };
}

export function companyQueries(db: Db, scope: AccountScope) {
  return {
    async add(input: { name: string; domain?: string | null }): Promise<Company> {
      const [row] = await db
        .insert(companies)
        .values({ accountId: scope.accountId, name: input.name.trim(), domain: input.domain?.trim().toLowerCase() ?? null })
        .returning();
      return row!;
    },
    async get(id: string): Promise<Company | null> {
      const [row] = await db.select().from(companies).where(scope.where(companies, eq(companies.id, id)));
      return row ?? null;
    },
    /** By id, or by name ignoring case (the oldest when several share a name). */
    async find(idOrName: string): Promise<Company | null> {
      const match = isUuid(idOrName)
        ? eq(companies.id, idOrName)
        : sql`lower(${companies.name}) = ${idOrName.trim().toLowerCase()}`;
      const [row] = await db.select().from(companies).where(scope.where(companies, match)).orderBy(companies.createdAt).limit(1);
      return row ?? null;
    },
    async findOrCreate(input: { name: string; domain?: string | null }): Promise<Company> {
      return (await this.find(input.name)) ?? this.add(input);
    },
    /** One with the ids of its contacts. */
    async getWithContacts(id: string): Promise<CompanyWithContacts | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select({ row: companies, contactIds: companyContactIds(scope.accountId) }).from(companies).where(scope.where(companies, eq(companies.id, id)));
      return row ? { ...row.row, contactIds: row.contactIds } : null;
    },
    /** One page with the ids of their contacts, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<CompanyWithContacts>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: companies, at: positionText(companies.createdAt), contactIds: companyContactIds(scope.accountId) })
        .from(companies)
        .where(scope.where(companies, afterPosition(companies.createdAt, companies.id, q.before)))
        .orderBy(...newestFirst(companies.createdAt, companies.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows.map((r) => ({ row: { ...r.row, contactIds: r.contactIds }, at: r.at })));
    },
    async list(): Promise<Company[]> {
      return db.select().from(companies).where(scope.where(companies)).orderBy(companies.name);
    },
  };
}

export function dealQueries(db: Db, scope: AccountScope) {
  return {
    async add(input: { name: string; status?: DealStatus }): Promise<Deal> {
      const status = input.status ?? 'open';
      const [row] = await db
        .insert(deals)
        .values({ accountId: scope.accountId, name: input.name.trim(), status, closedAt: status === 'closed' ? new Date() : null })
        .returning();
      return row!;
    },
    async get(id: string): Promise<Deal | null> {
      const [row] = await db.select().from(deals).where(scope.where(deals, eq(deals.id, id)));
      return row ?? null;
    },
    /** By id, or by name ignoring case (the oldest when several share a name). */
    async find(idOrName: string): Promise<Deal | null> {
      const match = isUuid(idOrName) ? eq(deals.id, idOrName) : sql`lower(${deals.name}) = ${idOrName.trim().toLowerCase()}`;
      const [row] = await db.select().from(deals).where(scope.where(deals, match)).orderBy(deals.createdAt).limit(1);
      return row ?? null;
    },
    async findOrCreate(input: { name: string }): Promise<Deal> {
      return (await this.find(input.name)) ?? this.add(input);
    },
    async close(id: string): Promise<Deal | null> {
      const [row] = await db
        .update(deals)
        .set({ status: 'closed', closedAt: new Date() })
        .where(scope.where(deals, eq(deals.id, id), eq(deals.status, 'open')))
        .returning();
      return row ?? (await this.get(id));
    },
    /** One with the ids of its contacts. */
    async getWithContacts(id: string): Promise<DealWithContacts | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select({ row: deals, contactIds: dealContactIds(scope.accountId) }).from(deals).where(scope.where(deals, eq(deals.id, id)));
      return row ? { ...row.row, contactIds: row.contactIds } : null;
    },
    /** One page with the ids of their contacts, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<DealWithContacts>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: deals, at: positionText(deals.createdAt), contactIds: dealContactIds(scope.accountId) })
        .from(deals)
        .where(scope.where(deals, afterPosition(deals.createdAt, deals.id, q.before)))
        .orderBy(...newestFirst(deals.createdAt, deals.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows.map((r) => ({ row: { ...r.row, contactIds: r.contactIds }, at: r.at })));
    },
    async list(): Promise<Deal[]> {
      return db.select().from(deals).where(scope.where(deals)).orderBy(deals.createdAt);
    },
    /**
     * A contact's first `limit` open deals, oldest first, in the database's order: created_at keeps
     * microseconds, which a Date (milliseconds) drops, so deals made within one millisecond still come
     * in the order they were made (then by id).
     */
    async openOfContact(contactId: string, limit: number): Promise<Deal[]> {
      const rows = await db
        .select({ row: deals })
        .from(contactDeals)
        .innerJoin(deals, eq(deals.id, contactDeals.dealId))
        .where(scope.where(contactDeals, eq(contactDeals.contactId, contactId), eq(deals.accountId, scope.accountId), eq(deals.status, 'open')))
        .orderBy(deals.createdAt, deals.id)
        .limit(limit);
      return rows.map((r) => r.row);
    },
  };
}
