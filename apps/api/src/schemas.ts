// Schema pieces every route group uses. Response schemas double as the serializers (fast-json-stringify):
// a field not in the schema is never sent, so a row's credentials or hash cannot leak by accident.
import { Type, type TSchema } from 'typebox';

/** A timestamp: Date in the handlers, an ISO 8601 string on the wire. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const NullableDateTime = Type.Unsafe<Date | string | null>({ type: ['string', 'null'], format: 'date-time' });

/** One of a closed set of strings, as a plain `enum` in the document (not an anyOf of one-value enums). */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const IdParams = Type.Object({ id: Type.String({ description: 'The id (another account\'s answers 404, as a missing one does).' }) });

/** The error responses every route may answer, as problem+json (the Problem schema). */
export function problemResponses(...statuses: number[]) {
  const problem = { description: 'A problem (RFC 9457) with our `code` and a sentence.', content: { 'application/problem+json': { schema: Type.Ref('Problem') } } };
  return Object.fromEntries([400, 401, 403, 429, ...statuses].map((s) => [s, problem]));
}
