// Errors the queries throw, each with a code the apps switch on and a sentence a user can act on.

export type DbErrorCode =
  | 'not_found'
  | 'not_in_account'
  | 'contact_exists'
  | 'user_exists'
  | 'inbox_removed'
  | 'invalid_message_id'
  | 'attachments_too_large';

export class DbError extends Error {
  readonly code: DbErrorCode;
  constructor(code: DbErrorCode, message: string) {
    super(message);
    this.name = 'DbError';
    this.code = code;
  }
}

/** PostgreSQL unique_violation, optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  // drizzle wraps driver errors; the postgres.js error sits in `cause`.
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const pg = e as { code?: unknown; constraint_name?: unknown };
    if (pg.code === '23505') return constraint === undefined || pg.constraint_name === constraint;
  }
  return false;
}
