// Errors the queries throw, each with a code the apps switch on and a sentence a user can act on.
import { withNextStep, type NextStep } from './next-step';

export type DbErrorCode =
  | 'not_found'
  | 'not_in_account'
  | 'contact_exists'
  | 'user_exists'
  | 'inbox_removed'
  | 'invalid_message_id'
  | 'attachments_too_large'
  | 'console_user_exists'
  | 'invalid_email'
  | 'invalid_role'
  | 'invalid_language'
  | 'invalid_password';

export class DbError extends Error {
  readonly code: DbErrorCode;
  /** The sentence without the next step (the message has it in the CLI's words). */
  readonly sentence: string;
  readonly nextStep: NextStep | undefined;
  constructor(code: DbErrorCode, sentence: string, nextStep?: NextStep) {
    super(withNextStep(sentence, nextStep, 'cli'));
    this.name = 'DbError';
    this.code = code;
    this.sentence = sentence;
    this.nextStep = nextStep;
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

/** The postgres.js error inside an error drizzle may have wrapped, or null. */
export function pgErrorOf(error: unknown): { code: string; message: string } | null {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const pg = e as { code?: unknown; message?: unknown; severity?: unknown };
    if (typeof pg.code === 'string' && /^[0-9A-Z]{5}$/.test(pg.code) && pg.severity !== undefined) return { code: pg.code, message: String(pg.message) };
  }
  return null;
}

/**
 * PostgreSQL refused the values of one row (data exception, a program limit such as an index entry too
 * large, a NOT NULL or CHECK constraint): the same row fails every retry, so the caller records it and
 * moves on. Not for errors of the database itself (connection, shutdown, deadlock), which a retry cures.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code !== undefined && (code.startsWith('22') || code.startsWith('54') || code === '23502' || code === '23514');
}
