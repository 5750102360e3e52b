// The API's configuration: read from process.env once, validated with zod, passed down typed.
import { readFileSync } from 'node:fs';
import { parseEncryptionKeys, type EncryptionKeys } from '@reply-sync/db/crypto';
import { serverUrlProblems } from '@reply-sync/queue/server-url-policy';
import { LoginBudgetConfigError, loginBudgetConfigFromEnv, type LoginBudgetConfig } from '@reply-sync/queue/login-rates';
import { parseTrackingKeys, TrackingKeysError, type TrackingKeyring } from '@reply-sync/tracking';
import { INBOUND_DOMAIN_PATTERN, NOT_A_DOMAIN_NAME } from '@reply-sync/db/inbound-domain';
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
  /** The address browsers and providers reach the API at; the OAuth callback is <it>/oauth/<provider>/callback. Default http://API_HOST:API_PORT. */
  API_PUBLIC_URL: z.preprocess(blank, z.string().url().optional()),
  /** HMAC key of the web sign-in's state: at least 32 random bytes, hex or base64. Unset: web sign-in answers 503. */
  API_OAUTH_STATE_KEY: z.preprocess(blank, z.string().optional()),
  /** How long a started web sign-in may take (default 10 minutes). */
  API_OAUTH_STATE_TTL_SECONDS: int(60, 3600, 600),
  /** Comma-separated URL prefixes a web sign-in's successUrl may start with (relative paths always may). */
  API_OAUTH_SUCCESS_URLS: z.preprocess(blank, z.string().optional()),
  // The OAuth clients, under the names the worker and the CLI use (packages/mail providersFromEnv).
  GOOGLE_CLIENT_ID: z.preprocess(blank, z.string().optional()),
  GOOGLE_CLIENT_SECRET: z.preprocess(blank, z.string().optional()),
  GOOGLE_TOKEN_URL: z.preprocess(blank, z.string().url().optional()),
  GOOGLE_AUTH_URL: z.preprocess(blank, z.string().url().optional()),
  GOOGLE_API_ROOT_URL: z.preprocess(blank, z.string().url().optional()),
  MICROSOFT_CLIENT_ID: z.preprocess(blank, z.string().optional()),
  MICROSOFT_CLIENT_SECRET: z.preprocess(blank, z.string().optional()),
  MICROSOFT_AUTHORITY: z.preprocess(blank, z.string().url().optional()),
  /** true: webhook URLs to loopback and private addresses are accepted (as for the CLI and the delivery worker). */
  WEBHOOKS_ALLOW_PRIVATE: z.preprocess(blank, z.enum(['true', 'false']).default('false')),
  /** Tracking tokens' keys, `kid:secret` pairs newest first (packages/tracking). Unset: nothing is tracked, tracked links 404. */
  TRACKING_KEYS: z.preprocess(blank, z.string().optional()),
  /** Apple Mail Privacy Protection egress ranges (CIDR per line); default: the list shipped in packages/tracking/data. */
  TRACKING_APPLE_RANGES_FILE: z.preprocess(blank, z.string().optional()),
  /** Mail security gateways' ranges (CIDR per line); default: the list shipped in packages/tracking/data. */
  TRACKING_SCANNER_RANGES_FILE: z.preprocess(blank, z.string().optional()),
  /** The domain of the logging addresses (apps/inbound's); unset: GET /v1/inbound-addresses answers 503. */
  INBOUND_DOMAIN: z.preprocess(
    blank,
    z
      .string()
      .regex(INBOUND_DOMAIN_PATTERN, NOT_A_DOMAIN_NAME)
      .transform((d) => d.toLowerCase())
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(blank, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export type ApiEnvValues = z.infer<typeof EnvSchema>;

export interface ApiEnv extends Omit<ApiEnvValues, 'TRACKING_KEYS' | 'API_CORS_ORIGINS' | 'API_OAUTH_STATE_KEY' | 'API_OAUTH_SUCCESS_URLS' | 'API_PUBLIC_URL' | 'WEBHOOKS_ALLOW_PRIVATE'> {
  corsOrigins: string[];
  /** API_PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  /** API_OAUTH_STATE_KEY decoded; null when unset (web sign-in off). */
  oauthStateKey: Buffer | null;
  oauthSuccessUrls: string[];
  allowPrivateWebhooks: boolean;
  /** Parsed when first needed (connecting an inbox), so an API without keys still serves reads. */
  encryptionKeys(): EncryptionKeys;
  tlsCa: string | undefined;
  /** TRACKING_KEYS parsed; null when unset (tracking off). */
  trackingKeys: TrackingKeyring | null;
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
  const { TRACKING_KEYS, API_CORS_ORIGINS, API_OAUTH_STATE_KEY, API_OAUTH_SUCCESS_URLS, API_PUBLIC_URL, WEBHOOKS_ALLOW_PRIVATE, ...values } = parsed.data;
  const oauthSuccessUrls = (API_OAUTH_SUCCESS_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of oauthSuccessUrls) {
    if (!/^https?:\/\/[^/]/i.test(u) || !URL.canParse(u)) {
      throw new ApiEnvError(`API_OAUTH_SUCCESS_URLS holds ${u}, which is not an absolute http(s) URL; list URL prefixes such as https://crm.example.com/settings/, separated by commas.`);
    }
  }
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
  let trackingKeys: TrackingKeyring | null = null;
  try {
    trackingKeys = TRACKING_KEYS === undefined ? null : parseTrackingKeys(TRACKING_KEYS);
  } catch (error) {
    if (error instanceof TrackingKeysError) throw new ApiEnvError(`The API's environment is invalid: ${error.message}`);
    throw error;
  }
  let keys: EncryptionKeys | undefined;
  return {
    trackingKeys,
    loginBudget,
    ...values,
    publicUrl: (API_PUBLIC_URL ?? `http://${values.API_HOST.includes(':') ? `[${values.API_HOST}]` : values.API_HOST}:${values.API_PORT}`).replace(/\/+$/, ''),
    oauthStateKey: parseStateKey(API_OAUTH_STATE_KEY),
    oauthSuccessUrls,
    corsOrigins: (API_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    allowPrivateWebhooks: WEBHOOKS_ALLOW_PRIVATE === 'true',
    encryptionKeys: () => (keys ??= parseEncryptionKeys(values.REPLY_SYNC_ENCRYPTION_KEYS)),
    tlsCa,
  };
}

/** 32+ bytes as hex or base64(url); a short or unreadable key is refused rather than weakly used. */
export function parseStateKey(value: string | undefined): Buffer | null {
  if (value === undefined) return null;
  const key = /^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length < 32) {
    throw new ApiEnvError('API_OAUTH_STATE_KEY must be at least 32 random bytes, as hex or base64 (e.g. the output of `openssl rand -hex 32`).');
  }
  return key;
}

const TrackerEnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  /** Where the tracker listens: what TRACKER_URL (the worker's) reaches, usually through a TLS proxy. */
  TRACKER_HOST: z.preprocess(blank, z.string().min(1).default('127.0.0.1')),
  TRACKER_PORT: int(0, 65535, 8788),
  TRACKING_KEYS: z.preprocess(blank, z.string({ error: (issue) => (issue.input === undefined ? 'not set; the tracker verifies tokens with the same TRACKING_KEYS as the worker signs them with (kid:secret, newest first)' : undefined) })),
  TRACKING_APPLE_RANGES_FILE: z.preprocess(blank, z.string().optional()),
  TRACKING_SCANNER_RANGES_FILE: z.preprocess(blank, z.string().optional()),
  DB_POOL_MAX: int(1, 1000, 4),
  LOG_LEVEL: z.preprocess(blank, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

/** The tracker process's configuration (`reply-sync tracker`, dist/app/tracker.js): a subset of the API's, no Redis. */
export interface TrackerEnv extends Omit<z.infer<typeof TrackerEnvSchema>, 'TRACKING_KEYS'> {
  trackingKeys: TrackingKeyring;
}

/** Throws ApiEnvError with a sentence saying which variable to fix. */
export function parseTrackerEnv(source: Record<string, string | undefined> = process.env): TrackerEnv {
  const parsed = TrackerEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ApiEnvError(`The tracker's environment is invalid: ${problems}.`);
  }
  const { TRACKING_KEYS, ...values } = parsed.data;
  try {
    return { ...values, trackingKeys: parseTrackingKeys(TRACKING_KEYS) };
  } catch (error) {
    if (error instanceof TrackingKeysError) throw new ApiEnvError(`The tracker's environment is invalid: ${error.message}`);
    throw error;
  }
}
