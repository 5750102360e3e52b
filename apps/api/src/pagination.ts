// Cursor pagination: `?limit=&cursor=`, answered as `{ data, nextCursor }`. Every list pages in SQL,
// newest first by (time, id) (packages/db queries/keyset.ts): a page reads limit + 1 rows, the extra one
// only saying there is a next page. The cursor is opaque to clients (base64url of the last row's
// position); a cursor that is not one of ours is invalid_request.
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
