// Cursor pagination: `?limit=&cursor=`, answered as `{ data, nextCursor }`. The cursor is opaque to
// clients (base64url of the last item's sort key); a cursor that is not one of ours is invalid_request.
import { isKeysetPosition, type KeysetPosition } from '@reply-sync/db';
import { Type, type TSchema } from 'typebox';
import { ApiProblem } from './problem';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
const NOT_OURS = 'The cursor is not one this API gave out; pass the `nextCursor` of the previous page unchanged, or leave it out for the first page.';

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Items per page (1-${MAX_LIMIT}).` })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The `nextCursor` of the previous page.' })),
});

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });
}

export type SortKey = (string | number)[];

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SortKey {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length > 0 && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // falls through to the sentence
  }
  throw new ApiProblem(400, 'invalid_request', NOT_OURS);
}

/** The position a keyset cursor names (a list paged in SQL, newest first); none for the first page. */
export function positionOf(cursor: string | undefined): KeysetPosition | undefined {
  if (!cursor) return undefined;
  const [at, id, ...rest] = decodeCursor(cursor);
  const position = { at: String(at), id: String(id) };
  if (rest.length > 0 || typeof at !== 'string' || typeof id !== 'string' || !isKeysetPosition(position)) throw new ApiProblem(400, 'invalid_request', NOT_OURS);
  return position;
}

/**
 * A page from rows read in SQL with `limit + 1` (KeysetQuery): the extra row, if any, only says that
 * there is a next page, whose cursor is the last row's position.
 */
export function keysetPage<T extends { position: KeysetPosition }>(rows: T[], limit: number): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor([last.position.at, last.position.id]) : null };
}

/** The query a keyset list reads (`limit`: one row more than the page) and the page's size. */
export function keysetQuery(query: { limit?: number | undefined; cursor?: string | undefined }): { before: KeysetPosition | undefined; limit: number; pageSize: number } {
  const pageSize = query.limit ?? DEFAULT_LIMIT;
  return { before: positionOf(query.cursor), limit: pageSize + 1, pageSize };
}

function compare(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * One page of a list held in memory (the account's inboxes, users...: lists an account keeps small), in
 * the order of `keyOf`, ascending, or descending for `newestFirst`. Lists that grow without bound page in
 * SQL instead.
 */
export function pageOf<T>(items: T[], query: { limit?: number | undefined; cursor?: string | undefined }, keyOf: (item: T) => SortKey, options: { newestFirst?: boolean } = {}): { data: T[]; nextCursor: string | null } {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const sign = options.newestFirst ? -1 : 1;
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => sign * compare(a.key, b.key));
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rest = after ? sorted.filter((e) => sign * compare(e.key, after) > 0) : sorted;
  const data = rest.slice(0, limit);
  const last = data[data.length - 1];
  return { data: data.map((e) => e.item), nextCursor: rest.length > limit && last ? encodeCursor(last.key) : null };
}
