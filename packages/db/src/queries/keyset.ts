// Keyset paging for lists that grow without bound: newest first by (time, id), the next page being the
// rows strictly after the last one read, so a page costs an index range scan however deep it is, and rows
// added meanwhile neither shift nor repeat. The time travels as PostgreSQL's own text (microseconds
// kept): a JS Date would round it to milliseconds and skip or repeat rows that share a millisecond.
import { desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** Where a row sits in a newest-first list: its time as PostgreSQL's text and its id. */
export interface KeysetPosition {
  at: string;
  id: string;
}

export interface KeysetQuery {
  /** Only rows after this one (older, or as old with a smaller id). */
  before?: KeysetPosition | undefined;
  /** Rows to read: a pager asks for one more than its page, to know whether there is a next one. */
  limit: number;
}

/** Largest `limit` a keyset query reads (the API's largest page, plus one). */
export const MAX_KEYSET_LIMIT = 201;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What `timestamptz::text` gives (and what the cursor carries back). */
const PG_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

/** A position that did not come from positionOf() (a forged cursor) reads nothing rather than fail in SQL. */
export function isKeysetPosition(p: KeysetPosition): boolean {
  return UUID.test(p.id) && PG_TIMESTAMP.test(p.at);
}

/** The WHERE part `(at, id) < (before.at, before.id)`, or nothing for the first page. */
export function afterPosition(at: AnyColumn, id: AnyColumn, before: KeysetPosition | undefined): SQL | undefined {
  return before ? sql`(${at}, ${id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : undefined;
}

/** The time column as text, selected beside the row to build its position. */
export const positionText = (at: AnyColumn) => sql<string>`${at}::text`;

export const keysetLimit = (limit: number) => Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_KEYSET_LIMIT);

/** The order a keyset list reads in: newest first, the id breaking ties (rows made in one transaction share created_at). */
export const newestFirst = (at: AnyColumn, id: AnyColumn) => [desc(at), desc(id)] as const;

export type Positioned<T> = T & { position: KeysetPosition };

/** Rows selected as `{ row, at: positionText(...) }`, each with its position. */
export function positioned<T extends { id: string }>(rows: { row: T; at: string }[]): Positioned<T>[] {
  return rows.map(({ row, at }) => ({ ...row, position: { at, id: row.id } }));
}
