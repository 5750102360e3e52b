// The scheduler's configuration: read from process.env once, validated with zod, passed down typed.
import { DEFAULT_QUEUE_NAME, serverUrlProblems } from '@reply-sync/queue';
import { z } from 'zod';

/**
 * The servers the scheduler relies on have no default: started without them it stops at once with this
 * sentence instead of quietly talking to whatever listens on the local stack's ports.
 */
const requiredUrl = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: (issue) => (issue.input === undefined ? `not set; set it to ${what} ${STACK_HINT}` : undefined) }).url(),
  );
const STACK_HINT = '(for the local stack, `reply-sync --stack scheduler` fills it, or `eval "$(npm run -s stack -- env)"` exports it)';

const EnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  REDIS_URL: requiredUrl('the Redis URL, e.g. redis://host:6379'),
  REPLY_SYNC_QUEUE: z.string().min(1).default(DEFAULT_QUEUE_NAME),
  /** Full reconcile (database vs queue) this often; NOTIFY handles single changes in between. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SchedulerEnv = z.infer<typeof EnvSchema>;

export class SchedulerEnvError extends Error {
  readonly code = 'scheduler_env_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerEnvError';
  }
}

/** Throws SchedulerEnvError with a sentence saying which variable to fix. */
export function parseSchedulerEnv(source: Record<string, string | undefined> = process.env): SchedulerEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SchedulerEnvError(`The scheduler's environment is invalid: ${problems}.`);
  }
  const serverProblems = serverUrlProblems(source);
  if (serverProblems.length > 0) throw new SchedulerEnvError(`The scheduler's environment is invalid: ${serverProblems.join(' ')}`);
  return parsed.data;
}
