// The worker's configuration: read from process.env once, validated with zod, passed down typed.
import { readFileSync } from 'node:fs';
import { parseEncryptionKeys, type EncryptionKeys } from '@reply-sync/db';
import { LoginBudgetConfigError, loginBudgetConfigFromEnv, serverUrlProblems, type LoginBudgetConfig } from '@reply-sync/queue';
import { parseTrackingKeys, TrackingKeysError, type TrackingKeyring } from '@reply-sync/tracking';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** Unset and empty (`FOO=` in an env file) both mean "not configured". */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const urlWithDefault = (fallback: string) => z.preprocess((v) => (v === '' ? undefined : v), z.string().url().default(fallback));
/**
 * The servers the worker relies on have no default: a worker started without them stops at once with
 * this sentence instead of quietly talking to whatever listens on the local stack's ports.
 */
const requiredUrl = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: (issue) => (issue.input === undefined ? `not set; set it to ${what} ${STACK_HINT}` : undefined) }).url(),
  );
const STACK_HINT = '(for the local stack, `reply-sync --stack worker` fills it, or `eval "$(npm run -s stack -- env)"` exports it)';

const EnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  REDIS_URL: requiredUrl('the Redis URL, e.g. redis://host:6379'),
  REPLY_SYNC_QUEUE: z.string().min(1).default('reply-sync-inboxes'),
  /** The queue of CRM sends (issue 5); the worker process runs both. */
  REPLY_SYNC_SEND_QUEUE: z.string().min(1).default('reply-sync-sends'),
  /** apps/inbound's queue: a logging mailbox's messages go there (logging-mailbox.ts). */
  REPLY_SYNC_INBOUND_QUEUE: z.string().min(1).default('reply-sync-inbound'),
  /** Concurrent SMTP sends in this process. */
  SEND_CONCURRENCY: z.coerce.number().int().positive().default(10),
  /** Validated by the db package's parser so the error sentence is the same everywhere. */
  REPLY_SYNC_ENCRYPTION_KEYS: z.string().optional(),
  /** A session's maximum age: then it logs in again (a fresh OAuth token). 12 h: two logins a day. */
  SESSION_MAX_MS: ms(12 * 3600_000),
  /** NOOP this often: renews the IDLE without a new login, and finds a silently dead link within a minute. */
  WATCHDOG_INTERVAL_MS: ms(45_000),
  /** Re-read the inbox row this often: the fallback for a disconnect the LISTEN connection missed. */
  INBOX_RECHECK_MS: ms(5 * 60_000),
  /** How long a shard's handover to a new owner may take before the old owner lets go anyway. */
  HANDOVER_TIMEOUT_MS: ms(20_000),
  /** NOOP poll interval for servers without IDLE. */
  POLL_INTERVAL_MS: ms(5_000),
  /** Transient errors that persist longer than this disconnect the inbox (`server_unreachable`). */
  TRANSIENT_DISCONNECT_AFTER_MS: ms(30 * 60_000),
  /** A logging mailbox's messages larger than this are left unread (`message_too_large`); apps/inbound's SMTP limit by default. */
  LOGGING_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(75 * 1024 * 1024),
  /** UIDs per catch-up batch. */
  CATCH_UP_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** PostgreSQL pool size for this process. */
  DB_POOL_MAX: z.coerce.number().int().positive().default(20),
  /** Port of /metrics and /healthz; 0 runs no HTTP server at all. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Address the HTTP server listens on: loopback by default, 0.0.0.0 (or ::) to be scraped from elsewhere. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Extra CA (PEM file) trusted for IMAP TLS, for servers with self-signed certificates. */
  REPLY_SYNC_TLS_CA_FILE: z.string().optional(),
  /**
   * OAuth clients. A provider whose client id is unset is not configured: its oauth2 inboxes are not
   * synced (an operator error in the log; the inboxes stay connected). Endpoints default to the real ones.
   */
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_TOKEN_URL: urlWithDefault('https://oauth2.googleapis.com/token'),
  GOOGLE_AUTH_URL: urlWithDefault('https://accounts.google.com/o/oauth2/v2/auth'),
  MICROSOFT_CLIENT_ID: optionalText,
  MICROSOFT_CLIENT_SECRET: optionalText,
  MICROSOFT_AUTHORITY: urlWithDefault('https://login.microsoftonline.com/common'),
  /** Every connected oauth2 inbox gets a real token refresh this often, so a revoked grant is noticed. */
  TOKEN_HEALTH_INTERVAL_MS: ms(60 * 60_000),
  /** Logins per second per IMAP host across the fleet, `[host=]rate[/s|/m][:burst],…` (packages/queue login-rates.ts). */
  LOGIN_RATE_PER_HOST: optionalText,
  /** Short IMAP connections per mailbox account besides its IDLE session (default 3). */
  EXTRA_CONNECTIONS_PER_ACCOUNT: optionalText,
  /** Open and click tracking (issue 15): the signing keys (as the API's) and the tracker's public base URL; both or tracking is off. */
  TRACKING_KEYS: optionalText,
  TRACKER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawWorkerEnv = z.infer<typeof EnvSchema>;

export interface WorkerEnv extends Omit<RawWorkerEnv, 'REPLY_SYNC_ENCRYPTION_KEYS' | 'REPLY_SYNC_TLS_CA_FILE' | 'LOGIN_RATE_PER_HOST' | 'EXTRA_CONNECTIONS_PER_ACCOUNT' | 'TRACKING_KEYS' | 'TRACKER_URL'> {
  /** TRACKING_KEYS and TRACKER_URL; null when either is unset (tracked sends go out untracked, saying why). */
  tracking: { keyring: TrackingKeyring; trackerUrl: string } | null;
  encryptionKeys: EncryptionKeys;
  /** LOGIN_RATE_PER_HOST and EXTRA_CONNECTIONS_PER_ACCOUNT, for createLoginBudget (packages/queue). */
  loginBudget: LoginBudgetConfig;
  /** Contents of REPLY_SYNC_TLS_CA_FILE, when set. */
  tlsCa?: string;
}

export class WorkerEnvError extends Error {
  readonly code = 'worker_env_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'WorkerEnvError';
  }
}

/** Throws WorkerEnvError (or the db package's EncryptionKeyError) with a sentence saying what to set. */
export function parseWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new WorkerEnvError(`The sync worker's environment is invalid: ${problems}.`);
  }
  const serverProblems = serverUrlProblems(source);
  if (serverProblems.length > 0) throw new WorkerEnvError(`The sync worker's environment is invalid: ${serverProblems.join(' ')}`);
  const { REPLY_SYNC_ENCRYPTION_KEYS, REPLY_SYNC_TLS_CA_FILE, LOGIN_RATE_PER_HOST, EXTRA_CONNECTIONS_PER_ACCOUNT, TRACKING_KEYS, TRACKER_URL, ...rest } = parsed.data;
  let tracking: WorkerEnv['tracking'] = null;
  if ((TRACKING_KEYS === undefined) !== (TRACKER_URL === undefined)) {
    const [set, unset] = TRACKING_KEYS === undefined ? ['TRACKER_URL', 'TRACKING_KEYS'] : ['TRACKING_KEYS', 'TRACKER_URL'];
    throw new WorkerEnvError(`${set} is set but ${unset} is not. Set both to send tracked emails (the keys the API verifies with, and the tracker's public URL), or unset ${set}.`);
  }
  try {
    if (TRACKING_KEYS !== undefined && TRACKER_URL !== undefined) tracking = { keyring: parseTrackingKeys(TRACKING_KEYS), trackerUrl: TRACKER_URL.replace(/\/+$/, '') };
  } catch (error) {
    if (error instanceof TrackingKeysError) throw new WorkerEnvError(`The sync worker's environment is invalid: ${error.message}`);
    throw error;
  }
  let loginBudget: LoginBudgetConfig;
  try {
    loginBudget = loginBudgetConfigFromEnv({ LOGIN_RATE_PER_HOST, EXTRA_CONNECTIONS_PER_ACCOUNT });
  } catch (error) {
    if (error instanceof LoginBudgetConfigError) throw new WorkerEnvError(`The sync worker's environment is invalid: ${error.message}`);
    throw error;
  }
  for (const [id, secret] of [
    ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
    ['MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET'],
  ] as const) {
    if (rest[id] !== undefined && rest[secret] === undefined) {
      throw new WorkerEnvError(`${id} is set but ${secret} is not. Set both to enable that provider's inboxes, or unset ${id}.`);
    }
  }
  const encryptionKeys = parseEncryptionKeys(REPLY_SYNC_ENCRYPTION_KEYS);
  let tlsCa: string | undefined;
  if (REPLY_SYNC_TLS_CA_FILE) {
    try {
      tlsCa = readFileSync(REPLY_SYNC_TLS_CA_FILE, 'utf8');
    } catch (error) {
      throw new WorkerEnvError(
        `REPLY_SYNC_TLS_CA_FILE points at ${REPLY_SYNC_TLS_CA_FILE}, which cannot be read ` +
          `(${error instanceof Error ? error.message : String(error)}). Point it at a PEM file or unset it.`,
      );
    }
  }
  return { ...rest, encryptionKeys, loginBudget, tracking, ...(tlsCa ? { tlsCa } : {}) };
}
