// Column types for text that strangers write: mail headers and bodies, attachment names, servers' error
// messages. PostgreSQL refuses U+0000 in text and jsonb, so one such byte (`=00` in a quoted-printable
// body, `=?utf-8?q?a=00?=` in a name) would fail a whole write; every value of these columns passes
// through threading's toStorableText on its way in (NUL removed, other controls replaced).
import { customType } from 'drizzle-orm/pg-core';
import { toStorableText } from '@reply-sync/threading';

export const storableText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => toStorableText(value),
});

/** Every string inside a JSON value made storable (keys included). */
export function toStorableJson<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => toStorableJson(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), toStorableJson(v)])) as T;
  }
  return value;
}

export const storableJsonb = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'jsonb',
    toDriver: (value) => JSON.stringify(toStorableJson(value)),
  })(name);
