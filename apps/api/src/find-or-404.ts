// The one way routes read a row by a client's id: an id that is not a UUID, a missing row and another
// account's row all answer the same 404 (the scoped query returns null for the last two).
import { notFound } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findOr404<T>(what: string, id: string, find: (id: string) => Promise<T | null | undefined>): Promise<T> {
  const row = UUID.test(id) ? await find(id) : null;
  if (!row) throw notFound(what, id);
  return row;
}
