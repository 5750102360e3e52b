// The account's do-not-track list: addresses, and domains that also cover their subdomains, never
// given a pixel or a rewritten link. Values are normalized exactly like the never-log list's.
import type { NeverLogEntry } from '@reply-sync/threading';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { doNotTrack, type NeverLogKind, type DoNotTrackRow } from '../schema';
import { normalizeNeverLogValue as normalizeListValue } from './never-log';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';

export function doNotTrackQueries(db: Db, scope: AccountScope) {
  return {
    /** Adds an entry; adding one that exists returns the existing row. */
    async add(kind: NeverLogKind, value: string): Promise<DoNotTrackRow> {
      const normalized = normalizeListValue(kind, value);
      const [inserted] = await db
        .insert(doNotTrack)
        .values({ accountId: scope.accountId, kind, value: normalized })
        .onConflictDoNothing()
        .returning();
      if (inserted) return inserted;
      const [existing] = await db
        .select()
        .from(doNotTrack)
        .where(scope.where(doNotTrack, eq(doNotTrack.kind, kind), eq(doNotTrack.value, normalized)));
      return existing!;
    },
    /** One page, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<DoNotTrackRow>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: doNotTrack, at: positionText(doNotTrack.createdAt) })
        .from(doNotTrack)
        .where(scope.where(doNotTrack, afterPosition(doNotTrack.createdAt, doNotTrack.id, q.before)))
        .orderBy(...newestFirst(doNotTrack.createdAt, doNotTrack.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },
    async get(id: string): Promise<DoNotTrackRow | null> {
      const [row] = await db.select().from(doNotTrack).where(scope.where(doNotTrack, eq(doNotTrack.id, id)));
      return row ?? null;
    },
    async list(): Promise<DoNotTrackRow[]> {
      return db.select().from(doNotTrack).where(scope.where(doNotTrack)).orderBy(doNotTrack.kind, doNotTrack.value);
    },
    /** Removes the entry with this value (of `kind`, or of either kind); returns how many went. */
    async remove(value: string, kind?: NeverLogKind): Promise<number> {
      const match = kind
        ? and(eq(doNotTrack.kind, kind), eq(doNotTrack.value, normalizeListValue(kind, value)))
        : eq(doNotTrack.value, normalizeListValue('domain', value));
      const removed = await db.delete(doNotTrack).where(scope.where(doNotTrack, match)).returning({ id: doNotTrack.id });
      return removed.length;
    },
    /** The list in the shape planTracking reads (the same shape as never-log's). */
    async entries(): Promise<NeverLogEntry[]> {
      return db.select({ kind: doNotTrack.kind, value: doNotTrack.value }).from(doNotTrack).where(scope.where(doNotTrack));
    },
  };
}
