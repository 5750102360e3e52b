// The scheduler's configuration: read from process.env once, validated with zod, passed down typed.
import { DEFAULT_QUEUE_NAME } from '@reply-sync/queue';
import { z } from 'zod';

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().default('postgres://reply_sync@127.0.0.1:54329/reply_sync'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:56379'),
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
  return parsed.data;
}
