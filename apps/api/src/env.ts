// The API's configuration: read from process.env once, validated with zod, passed down typed.
import { readFileSync } from 'node:fs';
import { parseEncryptionKeys, type EncryptionKeys } from '@reply-sync/db/crypto';
import { serverUrlProblems } from '@reply-sync/queue/server-url-policy';
import { LoginBudgetConfigError, loginBudgetConfigFromEnv, type LoginBudgetConfig } from '@reply-sync/queue/login-rates';
import { z } from 'zod';

const STACK_HINT = '(for the local stack, `reply-sync --stack api` fills it, or `eval "$(npm run -s stack -- env)"` exports it)';
const blank = (v: unknown) => (v === '' ? undefined : v);
const requiredUrl = (what: string) =>
  z.preprocess(blank, z.string({ error: (issue) => (issue.input === undefined ? `not set; set it to ${what} ${STACK_HINT}` : undefined) }).url());
const int = (min: number, max: number, fallback: number) => z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(fallback));

const EnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  /** Rate limits (shared by every API process) and the send queue. */
  REDIS_URL: requiredUrl('the Redis URL, e.g. redis://host:6379'),
  /** Loopback unless told otherwise: put a TLS-terminating proxy in front to serve it elsewhere. */
  API_HOST: z.preprocess(blank, z.string().min(1).default('127.0.0.1')),
  API_PORT: int(0, 65535, 8787),
  /** Comma-separated origins allowed by CORS; unset: no CORS headers at all. */
  API_CORS_ORIGINS: z.preprocess(blank, z.string().optional()),
  /** Largest request body, in bytes (default 1 MiB). */
  API_BODY_LIMIT: int(1024, 64 * 1024 * 1024, 1024 * 1024),
  /** Requests per minute per API key (default 600). */
  API_RATE_LIMIT: int(1, 1_000_000, 600),
  REPLY_SYNC_SEND_QUEUE: z.preprocess(blank, z.string().min(1).default('reply-sync-sends')),
  REPLY_SYNC_ENCRYPTION_KEYS: z.preprocess(blank, z.string().optional()),
  REPLY_SYNC_TLS_CA_FILE: z.preprocess(blank, z.string().optional()),
  DB_POOL_MAX: int(1, 1000, 10),
  LOG_LEVEL: z.preprocess(blank, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export type ApiEnvValues = z.infer<typeof EnvSchema>;

export interface ApiEnv extends Omit<ApiEnvValues, 'API_CORS_ORIGINS'> {
  corsOrigins: string[];
  /** Parsed when first needed (connecting an inbox), so an API without keys still serves reads. */
  encryptionKeys(): EncryptionKeys;
  tlsCa: string | undefined;
  /** LOGIN_RATE_PER_HOST and EXTRA_CONNECTIONS_PER_ACCOUNT: the console's folder search takes a slot of the fleet's budget. */
  loginBudget: LoginBudgetConfig;
}

export class ApiEnvError extends Error {
  readonly code = 'api_env_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ApiEnvError';
  }
}

/** Throws ApiEnvError with a sentence saying which variable to fix. */
export function parseApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ApiEnvError(`The API's environment is invalid: ${problems}.`);
  }
  const serverProblems = serverUrlProblems(source);
  if (serverProblems.length > 0) throw new ApiEnvError(`The API's environment is invalid: ${serverProblems.join(' ')}`);
  const { API_CORS_ORIGINS, ...values } = parsed.data;
  let tlsCa: string | undefined;
  if (values.REPLY_SYNC_TLS_CA_FILE) {
    try {
      tlsCa = readFileSync(values.REPLY_SYNC_TLS_CA_FILE, 'utf8');
    } catch (error) {
      throw new ApiEnvError(`REPLY_SYNC_TLS_CA_FILE points at ${values.REPLY_SYNC_TLS_CA_FILE}, which cannot be read (${error instanceof Error ? error.message : String(error)}). Point it at a PEM file or unset it.`);
    }
  }
  let loginBudget: LoginBudgetConfig;
  try {
    loginBudget = loginBudgetConfigFromEnv(source);
  } catch (error) {
    if (error instanceof LoginBudgetConfigError) throw new ApiEnvError(`The API's environment is invalid: ${error.message}`);
    throw error;
  }
  let keys: EncryptionKeys | undefined;
  return {
    loginBudget,
    ...values,
    corsOrigins: (API_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    encryptionKeys: () => (keys ??= parseEncryptionKeys(values.REPLY_SYNC_ENCRYPTION_KEYS)),
    tlsCa,
  };
}
