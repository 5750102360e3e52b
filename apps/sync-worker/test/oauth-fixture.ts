// One OAuth test's world: its own account, an oauth2 inbox (Gmail or Office 365) whose provider points
// at the stack's fake OAuth server, a grant there for the inbox's login, the token deps (db, Redis,
// providers) and a captured pino log to grep for secrets.
import { Writable } from 'node:stream';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import { gmailProvider, office365Provider, type OAuthProvider } from '@reply-sync/mail';
import { createMailUser, oauthServer, removeMailUser, stack, uniqueName, type CreatedGrant, type MailUser } from '@reply-sync/testkit';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../src/logger';
import type { AccessTokenDeps } from '../src/oauth/get-access-token';
import type { StoredOAuthCredentials } from '@reply-sync/db';

let migrated: Promise<void> | null = null;

export const keys = parseEncryptionKeys(stack.encryptionKeys);
const common = { ca: stack.caCert, timeoutMs: 5_000 };
export const providers = {
  gmail: gmailProvider(
    {
      clientId: 'reply-sync-test',
      clientSecret: 'test-client-secret-do-not-log',
      tokenUrl: oauthServer.urls.googleTokenUrl,
      authBaseUrl: oauthServer.urls.googleAuthBaseUrl,
      apiRootUrl: oauthServer.urls.googleApiRoot,
      imap: { host: stack.profiles.gmail.host, port: stack.profiles.gmail.imapPort, tls: 'starttls' },
    },
    common,
  ),
  office365: office365Provider(
    {
      clientId: 'reply-sync-test',
      clientSecret: 'test-client-secret-do-not-log',
      authority: oauthServer.urls.microsoftAuthority(),
      imap: { host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort, tls: 'starttls' },
    },
    common,
  ),
} satisfies Record<string, OAuthProvider>;

export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  text(): string {
    return this.lines.join('\n');
  }
}

export interface OAuthFixture {
  handle: DbHandle;
  q: Scoped;
  accountId: string;
  inboxId: string;
  mailUser: MailUser;
  grant: CreatedGrant;
  provider: 'gmail' | 'office365';
  log: LogCapture;
  logger: Logger;
  /** Token deps as one worker process would have them (own db pool and Redis connection). */
  worker(overrides?: Partial<AccessTokenDeps>): AccessTokenDeps;
  storedCredentials(): Promise<StoredOAuthCredentials>;
  cleanup(): Promise<void>;
}

export interface OAuthFixtureOptions {
  provider: 'gmail' | 'office365';
  /** Stored access token state: none (refresh needed), fresh (1 h left) or expiring (2 min left). */
  accessToken?: 'none' | 'fresh' | 'expiring';
  grant?: { rotateRefreshTokens?: boolean; refreshDelayMs?: number };
  /** Point the provider's token endpoint elsewhere (e.g. a closed port). */
  providerOverride?: OAuthProvider;
}

export async function createOAuthFixture(options: OAuthFixtureOptions): Promise<OAuthFixture> {
  migrated ??= migrate(stack.databaseUrl);
  await migrated;
  const handles: DbHandle[] = [];
  const redises: Redis[] = [];
  const handle = createDb(stack.databaseUrl, { max: 3 });
  handles.push(handle);
  const account = await createAccount(handle.db, uniqueName('oauth'));
  const q = scoped(handle.db, account.id);
  const profile = options.provider === 'gmail' ? 'gmail' : 'standard';
  const mailUser = await createMailUser({ profile });
  const grant = await oauthServer.createGrant({ provider: options.provider === 'gmail' ? 'google' : 'microsoft', username: mailUser.user, ...options.grant });
  const user = await q.users.add({ email: mailUser.address });
  const state = options.accessToken ?? 'none';
  const credentials: StoredOAuthCredentials = { refreshToken: grant.refreshToken };
  if (state !== 'none') {
    credentials.accessToken = grant.accessToken;
    credentials.accessTokenExpiresAt = new Date(Date.now() + (state === 'fresh' ? 3600_000 : 120_000)).toISOString();
  }
  const p = stack.profiles[profile];
  const inbox = await q.inboxes.create(
    {
      userId: user.id,
      kind: 'personal',
      provider: options.provider,
      authKind: 'oauth2',
      address: mailUser.address,
      imapHost: p.host,
      imapPort: p.imapPort,
      imapTls: 'starttls',
      username: mailUser.user,
      credentials,
    },
    keys,
  );
  const log = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: log.stream });
  // Shared by every "worker" of this test (the lock is per inbox), unique to the test.
  const lockPrefix = `${uniqueName('oauth-lock')}:`;
  const providerMap = { ...providers, ...(options.providerOverride ? { [options.provider]: options.providerOverride } : {}) };
  return {
    handle,
    q,
    accountId: account.id,
    inboxId: inbox.id,
    mailUser,
    grant,
    provider: options.provider,
    log,
    logger,
    worker(overrides = {}) {
      const h = createDb(stack.databaseUrl, { max: 2 });
      handles.push(h);
      const redis = new Redis(stack.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
      redises.push(redis);
      return { db: h.db, keys, redis, providers: providerMap, logger, lockPrefix, ...overrides };
    },
    async storedCredentials() {
      const row = await q.inboxes.getWithCredentials<StoredOAuthCredentials>(inbox.id, keys);
      if (!row) throw new Error('inbox gone');
      return row.credentials;
    },
    async cleanup() {
      await removeMailUser(mailUser).catch(() => undefined);
      await Promise.all(redises.map((r) => r.quit().catch(() => undefined)));
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/** Every secret a test saw, to grep the captured logs for. */
export function secretsOf(...values: (string | undefined | null)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 8);
}
