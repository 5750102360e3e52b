// The account's never-log list: addresses, and domains that also cover their subdomains.
import { normalizeAddress, normalizeDomain, type NeverLogEntry } from '@reply-sync/threading';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { neverLog, type NeverLogKind, type NeverLogRow } from '../schema';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';

/**
 * normalizeAddress / normalizeDomain of threading (lower case, IDN domains in Unicode); a domain loses
 * a leading `@` or `*.` so `@Example.com` and `example.com` are one entry.
 */
export function normalizeNeverLogValue(kind: NeverLogKind, value: string): string {
  return kind === 'domain' ? normalizeDomain(value.trim().replace(/^(\*\.|@)/, '')) : normalizeAddress(value);
}

export function neverLogQueries(db: Db, scope: AccountScope) {
  return {
    /** Adds an entry; adding one that exists returns the existing row. */
    async add(kind: NeverLogKind, value: string): Promise<NeverLogRow> {
      const normalized = normalizeNeverLogValue(kind, value);
      const [inserted] = await db
        .insert(neverLog)
        .values({ accountId: scope.accountId, kind, value: normalized })
        .onConflictDoNothing()
        .returning();
      if (inserted) return inserted;
      const [existing] = await db
        .select()
        .from(neverLog)
        .where(scope.where(neverLog, eq(neverLog.kind, kind), eq(neverLog.value, normalized)));
      return existing!;
    },
    /** One page, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<NeverLogRow>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: neverLog, at: positionText(neverLog.createdAt) })
        .from(neverLog)
        .where(scope.where(neverLog, afterPosition(neverLog.createdAt, neverLog.id, q.before)))
        .orderBy(...newestFirst(neverLog.createdAt, neverLog.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },
    async get(id: string): Promise<NeverLogRow | null> {
      const [row] = await db.select().from(neverLog).where(scope.where(neverLog, eq(neverLog.id, id)));
      return row ?? null;
    },
    async list(): Promise<NeverLogRow[]> {
      return db.select().from(neverLog).where(scope.where(neverLog)).orderBy(neverLog.kind, neverLog.value);
    },
    /** Removes the entry with this value (of `kind`, or of either kind); returns how many went. */
    async remove(value: string, kind?: NeverLogKind): Promise<number> {
      const match = kind
        ? and(eq(neverLog.kind, kind), eq(neverLog.value, normalizeNeverLogValue(kind, value)))
        : eq(neverLog.value, normalizeNeverLogValue('domain', value));
      const removed = await db.delete(neverLog).where(scope.where(neverLog, match)).returning({ id: neverLog.id });
      return removed.length;
    },
    /** The list in the shape decide() reads. */
    async entries(): Promise<NeverLogEntry[]> {
      return db.select({ kind: neverLog.kind, value: neverLog.value }).from(neverLog).where(scope.where(neverLog));
    },
  };
}
