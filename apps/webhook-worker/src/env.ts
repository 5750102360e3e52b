// The webhook worker's configuration: read from process.env once, validated with zod, passed down typed.
import { DEFAULT_WEBHOOK_RETENTION_MS, parseEncryptionKeys, type EncryptionKeys } from '@reply-sync/db';
import { serverUrlProblems } from '@reply-sync/queue';
import { z } from 'zod';
import { DEFAULT_DISABLE_AFTER_MS, DEFAULT_RETRY_SCHEDULE_MS, parseRetrySchedule } from './retry-schedule';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const STACK_HINT = '(for the local stack, `reply-sync --stack webhooks` fills it, or `eval "$(npm run -s stack -- env)"` exports it)';
const requiredUrl = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: (issue) => (issue.input === undefined ? `not set; set it to ${what} ${STACK_HINT}` : undefined) }).url(),
  );

const EnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  REDIS_URL: requiredUrl('the Redis URL, e.g. redis://host:6379'),
  REPLY_SYNC_ENCRYPTION_KEYS: z.string().optional(),
  REPLY_SYNC_WEBHOOK_QUEUE: z.string().min(1).default('reply-sync-webhooks'),
  /** `true`: receivers on loopback, private and link-local addresses are allowed (tests, an internal CRM). */
  WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false', '']).default('false'),
  /** A POST gets this long for its whole answer. */
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  /** POSTs at once in this process. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
  /** The relay's poll, the fallback for a missed NOTIFY. */
  WEBHOOK_RELAY_POLL_MS: ms(1_000),
  /** Retry waits, `5s,30s,2m,...` (the last repeats); default the production schedule. */
  WEBHOOK_RETRY_SCHEDULE: z.string().optional(),
  /** A delivery failing this long is given up, and an endpoint failing this long disabled (3 days). */
  WEBHOOK_DISABLE_AFTER_MS: ms(DEFAULT_DISABLE_AFTER_MS),
  /** BullMQ's job lock: a killed worker's jobs run again this long after (default 30 s). */
  WEBHOOK_LOCK_MS: ms(30_000),
  /** Delivered (or given-up) events and attempts older than this are deleted (default 30 days). */
  WEBHOOK_RETENTION_MS: ms(DEFAULT_WEBHOOK_RETENTION_MS),
  /** How often the worker prunes them (default hourly). */
  WEBHOOK_PRUNE_INTERVAL_MS: ms(3600_000),
  DB_POOL_MAX: z.coerce.number().int().positive().default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type RawEnv = z.infer<typeof EnvSchema>;

export interface WebhookWorkerEnv extends Omit<RawEnv, 'REPLY_SYNC_ENCRYPTION_KEYS' | 'WEBHOOKS_ALLOW_PRIVATE' | 'WEBHOOK_RETRY_SCHEDULE'> {
  encryptionKeys: EncryptionKeys;
  allowPrivate: boolean;
  retryScheduleMs: readonly number[];
}

export class WebhookWorkerEnvError extends Error {
  readonly code = 'webhook_worker_env_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookWorkerEnvError';
  }
}

export function parseWebhookWorkerEnv(source: Record<string, string | undefined> = process.env): WebhookWorkerEnv {
  const invalid = (problems: string) => new WebhookWorkerEnvError(`The webhook worker's environment is invalid: ${problems}`);
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) throw invalid(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const serverProblems = serverUrlProblems(source);
  if (serverProblems.length > 0) throw invalid(serverProblems.join(' '));
  const { REPLY_SYNC_ENCRYPTION_KEYS, WEBHOOKS_ALLOW_PRIVATE, WEBHOOK_RETRY_SCHEDULE, ...rest } = parsed.data;
  const retryScheduleMs = WEBHOOK_RETRY_SCHEDULE ? parseRetrySchedule(WEBHOOK_RETRY_SCHEDULE) : DEFAULT_RETRY_SCHEDULE_MS;
  if (!retryScheduleMs) throw invalid(`WEBHOOK_RETRY_SCHEDULE "${WEBHOOK_RETRY_SCHEDULE}" is not a list like 5s,30s,2m,10m,1h,3h,6h.`);
  return { ...rest, encryptionKeys: parseEncryptionKeys(REPLY_SYNC_ENCRYPTION_KEYS), allowPrivate: WEBHOOKS_ALLOW_PRIVATE === 'true', retryScheduleMs };
}
