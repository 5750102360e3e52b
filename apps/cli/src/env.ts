// The CLI's configuration: process.env read once, validated with zod, passed down as a typed object.
//
// Local-stack fallback: nothing is defaulted silently. With the global `--stack` flag, variables that
// are unset are taken from the local stack's `.stack/env` (written by `scripts/stack.sh start`), and
// REPLY_SYNC_TLS_CA_FILE defaults to the stack's self-signed certificate. Without it, a command that
// needs DATABASE_URL or REPLY_SYNC_ENCRYPTION_KEYS stops with a sentence saying what to set.
// `scheduler` and `worker` hand the same (merged) variables to their apps' own env parsers.
// OAuth clients use the worker's names (GOOGLE_*, MICROSOFT_*); under --stack they default to the
// stack's fake OAuth server, and the providers' IMAP/SMTP hosts to the stack's Dovecot and Postfix.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Light entry points only (no database client, mail or queue library): every action loads this file.
import { parseEncryptionKeys, type EncryptionKeys } from '@reply-sync/db/crypto';
import type { OAuthProviders } from '@reply-sync/mail';
import { stackMailHosts } from './stack-mail-hosts';
import type { LoginBudgetConfig } from '@reply-sync/queue';
import { LoginBudgetConfigError, loginBudgetConfigFromEnv } from '@reply-sync/queue/login-rates';
import { serverUrlProblems, type ServerUrls } from '@reply-sync/queue/server-url-policy';
import { z } from 'zod';
import { CliError } from './cli-error';

export type EnvSource = Record<string, string | undefined>;

const CliEnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REPLY_SYNC_ENCRYPTION_KEYS: z.string().optional(),
  REPLY_SYNC_QUEUE: z.string().min(1).optional(),
  REPLY_SYNC_TLS_CA_FILE: z.string().min(1).optional(),
  REPLY_SYNC_ACCOUNT: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_TOKEN_URL: z.string().url().optional(),
  GOOGLE_AUTH_URL: z.string().url().optional(),
  GOOGLE_API_ROOT_URL: z.string().url().optional(),
  MICROSOFT_CLIENT_ID: z.string().optional(),
  MICROSOFT_CLIENT_SECRET: z.string().optional(),
  MICROSOFT_AUTHORITY: z.string().url().optional(),
  WEBHOOKS_ALLOW_PRIVATE: z.string().optional(),
});

export interface CliEnv {
  /** The variables as the CLI sees them (process env, plus `.stack/env` under --stack). */
  readonly source: EnvSource;
  readonly usingStack: boolean;
  databaseUrl(): string;
  /** REDIS_URL, checked like DATABASE_URL; a sentence when it is missing. */
  redisUrl(): string;
  /** Parsed by the db package, so a missing or malformed value fails with its sentence. */
  encryptionKeys(): EncryptionKeys;
  /** Contents of REPLY_SYNC_TLS_CA_FILE (PEM), or undefined when unset. */
  tlsCa(): string | undefined;
  accountId(): string | undefined;
  /** The OAuth providers with a client id and secret set (endpoints default to the real services); loads the mail package. */
  oauthProviders(): Promise<OAuthProviders>;
  /** LOGIN_RATE_PER_HOST and EXTRA_CONNECTIONS_PER_ACCOUNT, the same as the workers'. */
  loginBudget(): LoginBudgetConfig;
  /** WEBHOOKS_ALLOW_PRIVATE=true: webhook URLs to loopback and private addresses are accepted. */
  allowPrivateWebhooks(): boolean;
}

/**
 * The checkout this code runs from, whether from apps/cli/src or compiled into dist/app: the nearest folder
 * above this file with scripts/stack.sh (none in a container image, which has no local stack).
 */
function checkoutRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'stack.sh'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where the local stack keeps its state: STACK_DIR, else <checkout>/.stack. */
export function stackDir(source: EnvSource = process.env): string {
  return source.STACK_DIR || join(checkoutRoot() ?? process.cwd(), '.stack');
}

/** The `export NAME='value'` lines of `.stack/env`; empty when the stack has never been started. */
export function readStackEnv(source: EnvSource = process.env): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(stackDir(source), 'env'), 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)"|(\S*))\s*$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

/** process.env with the local stack's values filling what is unset (set values always win). */
export function withStackDefaults(source: EnvSource): EnvSource {
  const stackEnv = readStackEnv(source);
  const merged: EnvSource = { ...stackEnv };
  for (const [name, value] of Object.entries(source)) if (value !== undefined && value !== '') merged[name] = value;
  if (!merged.REPLY_SYNC_TLS_CA_FILE) merged.REPLY_SYNC_TLS_CA_FILE = stackEnv.STACK_CA_CERT ?? join(stackDir(source), 'tls', 'cert.pem');
  for (const [name, value] of Object.entries(stackOAuthEnv(merged))) if (!merged[name]) merged[name] = value;
  // The API's web sign-in under --stack: a key for this process (a sign-in started before a restart is refused as invalid).
  if (!merged.API_OAUTH_STATE_KEY) merged.API_OAUTH_STATE_KEY = randomBytes(32).toString('hex');
  return merged;
}

/**
 * The stack's fake OAuth server (packages/testkit/src/oauth-server) as the worker's OAuth variables. It
 * accepts any client id and secret; `reply-sync-test` is the client its admin API's grants name.
 */
export function stackOAuthEnv(source: EnvSource): Record<string, string> {
  const https = `https://127.0.0.1:${source.STACK_OAUTH_HTTPS_PORT || 51443}`;
  return {
    GOOGLE_CLIENT_ID: 'reply-sync-test',
    GOOGLE_CLIENT_SECRET: 'reply-sync-stack-secret',
    GOOGLE_TOKEN_URL: `${https}/token`,
    GOOGLE_AUTH_URL: `${https}/o/oauth2/v2/auth`,
    GOOGLE_API_ROOT_URL: `${https}/`,
    MICROSOFT_CLIENT_ID: 'reply-sync-test',
    MICROSOFT_CLIENT_SECRET: 'reply-sync-stack-secret',
    MICROSOFT_AUTHORITY: `${https}/common`,
  };
}

const STACK_HINT = 'or pass --stack to use the local stack (`npm run stack -- start`)';

/** The URL when it passes the servers' policy (usable TLS parameters, a password off this machine). */
function checkedServerUrl(urls: ServerUrls, source: EnvSource): string {
  const problems = serverUrlProblems({ ...urls, PGPASSWORD: source.PGPASSWORD, REPLY_SYNC_ALLOW_UNAUTHENTICATED: source.REPLY_SYNC_ALLOW_UNAUTHENTICATED });
  if (problems.length > 0) throw new CliError('server_url_refused', problems.join(' '));
  return (urls.DATABASE_URL ?? urls.REDIS_URL)!;
}

export function loadCliEnv(processEnv: EnvSource, options: { stack: boolean }): CliEnv {
  const source = options.stack ? withStackDefaults(processEnv) : { ...processEnv };
  const blankToUndefined = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = CliEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CliError('cli_env_invalid', `The CLI's environment is invalid: ${problems}. Fix the variable, ${STACK_HINT}.`);
  }
  const env = parsed.data;
  let tlsCa: string | undefined | null = null;
  const cliEnv: CliEnv = {
    source,
    usingStack: options.stack,
    databaseUrl() {
      if (!env.DATABASE_URL) {
        throw new CliError(
          'database_url_missing',
          `DATABASE_URL is not set. Set it to the PostgreSQL URL (postgres://user@host:port/database), ${STACK_HINT}.`,
        );
      }
      return checkedServerUrl({ DATABASE_URL: env.DATABASE_URL }, source);
    },
    redisUrl() {
      if (!env.REDIS_URL) {
        throw new CliError('redis_url_missing', `REDIS_URL is not set. Set it to the Redis URL (redis://:password@host:port), ${STACK_HINT}.`);
      }
      return checkedServerUrl({ REDIS_URL: env.REDIS_URL }, source);
    },
    encryptionKeys() {
      return parseEncryptionKeys(env.REPLY_SYNC_ENCRYPTION_KEYS);
    },
    tlsCa() {
      if (tlsCa !== null) return tlsCa;
      const file = env.REPLY_SYNC_TLS_CA_FILE;
      if (!file) return (tlsCa = undefined);
      try {
        return (tlsCa = readFileSync(file, 'utf8'));
      } catch (error) {
        throw new CliError(
          'tls_ca_unreadable',
          `REPLY_SYNC_TLS_CA_FILE points at ${file}, which cannot be read (${error instanceof Error ? error.message : String(error)}). Point it at a PEM file or unset it.`,
        );
      }
    },
    accountId() {
      return env.REPLY_SYNC_ACCOUNT || undefined;
    },
    allowPrivateWebhooks() {
      return env.WEBHOOKS_ALLOW_PRIVATE === 'true';
    },
    loginBudget() {
      try {
        return loginBudgetConfigFromEnv(source);
      } catch (error) {
        if (error instanceof LoginBudgetConfigError) throw new CliError(error.code, error.message);
        throw error;
      }
    },
    async oauthProviders() {
      const { providersFromEnv } = await import('@reply-sync/mail');
      const ca = cliEnv.tlsCa();
      return providersFromEnv(env, { ...(ca ? { ca } : {}), ...(options.stack ? stackMailHosts(source) : {}) });
    },
  };
  return cliEnv;
}
