// An account's list of addresses, and domains that also cover their subdomains: the never-log list and
// the do-not-track list (migration 0016) have the same columns and the same rules, so one set of queries
// serves both. Values are normalized by normalizeListValue.
import { normalizeAddress, normalizeDomain, type NeverLogEntry } from '@reply-sync/threading';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { doNotTrack, neverLog, type NeverLogKind } from '../schema';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';

/**
 * normalizeAddress / normalizeDomain of threading (lower case, IDN domains in Unicode); a domain loses
 * a leading `@` or `*.` so `@Example.com` and `example.com` are one entry.
 */
export function normalizeListValue(kind: NeverLogKind, value: string): string {
  return kind === 'domain' ? normalizeDomain(value.trim().replace(/^(\*\.|@)/, '')) : normalizeAddress(value);
}

export type AddressListTable = typeof neverLog | typeof doNotTrack;

export function addressListQueries<T extends AddressListTable>(db: Db, scope: AccountScope, table: T) {
  // The two tables have the same columns; drizzle's builders take one of them at a time.
  const t = table as typeof neverLog;
  type Row = T['$inferSelect'];
  return {
    /** Adds an entry; adding one that exists returns the existing row. */
    async add(kind: NeverLogKind, value: string): Promise<Row> {
      const normalized = normalizeListValue(kind, value);
      const [inserted] = await db.insert(t).values({ accountId: scope.accountId, kind, value: normalized }).onConflictDoNothing().returning();
      if (inserted) return inserted;
      const [existing] = await db.select().from(t).where(scope.where(t, eq(t.kind, kind), eq(t.value, normalized)));
      return existing!;
    },
    /** One page, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<Row>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: t, at: positionText(t.createdAt) })
        .from(t)
        .where(scope.where(t, afterPosition(t.createdAt, t.id, q.before)))
        .orderBy(...newestFirst(t.createdAt, t.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },
    async get(id: string): Promise<Row | null> {
      const [row] = await db.select().from(t).where(scope.where(t, eq(t.id, id)));
      return row ?? null;
    },
    async list(): Promise<Row[]> {
      return db.select().from(t).where(scope.where(t)).orderBy(t.kind, t.value);
    },
    /** Removes the entry with this value (of `kind`, or of either kind); returns how many went. */
    async remove(value: string, kind?: NeverLogKind): Promise<number> {
      const match = kind ? and(eq(t.kind, kind), eq(t.value, normalizeListValue(kind, value))) : eq(t.value, normalizeListValue('domain', value));
      const removed = await db.delete(t).where(scope.where(t, match)).returning({ id: t.id });
      return removed.length;
    },
    /** The list in the shape threading's decide() and tracking's planTracking read. */
    async entries(): Promise<NeverLogEntry[]> {
      return db.select({ kind: t.kind, value: t.value }).from(t).where(scope.where(t));
    },
  };
}
