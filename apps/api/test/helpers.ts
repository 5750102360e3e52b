// Shared set-up for the API tests: a fresh account with API keys on the real local stack, and the app
// built in-process (inject) with its log lines captured.
import { Writable } from 'node:stream';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type ApiKeyScope, type DbHandle, type Scoped } from '@reply-sync/db';
import { stack, uniqueName } from '@reply-sync/testkit';
import type { SendQueue } from '@reply-sync/queue';
import type { LookLoginBudget } from '@reply-sync/operations/look-for-message';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../src/app';
import type { WebSignInConfig } from '../src/web-sign-in/web-sign-in-config';

export interface TestAccount {
  accountId: string;
  s: Scoped;
  /** A key of this account with these scopes (made once per scope set). */
  key(scopes?: ApiKeyScope[]): Promise<string>;
}

export interface TestApi {
  app: FastifyInstance;
  db: DbHandle;
  /** Every log line the app wrote, as text. */
  logs: string[];
  account(): Promise<TestAccount>;
  /** Problem answers whose sentence named a CLI command (close() fails the file when there are any). */
  problemsNamingCli: string[];
  close(): Promise<void>;
}

export async function startTestApi(options: { rateLimit?: number; bodyLimit?: number; corsOrigins?: string[]; sendQueue?: SendQueue; webSignIn?: WebSignInConfig; allowPrivateWebhooks?: boolean; consoleLoginAttemptsPerMinute?: number; lookBudget?: LookLoginBudget; tracking?: AppDeps['tracking']; live?: AppDeps['live']; inboundDomain?: string } = {}): Promise<TestApi> {
  await migrate(stack.databaseUrl);
  const db = createDb(stack.databaseUrl, { max: 4 });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const keys = parseEncryptionKeys(stack.encryptionKeys);
  const app = await buildApp({
    db: db.db,
    redis: null,
    env: { API_BODY_LIMIT: options.bodyLimit ?? 1024 * 1024, API_RATE_LIMIT: options.rateLimit ?? 10_000, corsOrigins: options.corsOrigins ?? [], LOG_LEVEL: 'info' },
    encryptionKeys: () => keys,
    tlsCa: stack.caCert,
    sendQueue: options.sendQueue ?? null,
    webSignIn: options.webSignIn ?? null,
    // The tests' receivers listen on loopback, as the operator setting allows.
    allowPrivateWebhooks: options.allowPrivateWebhooks ?? true,
    consoleLoginAttemptsPerMinute: options.consoleLoginAttemptsPerMinute,
    ...(options.lookBudget ? { lookBudget: options.lookBudget } : {}),
    tracking: options.tracking ?? null,
    live: options.live ?? null,
    inboundDomain: options.inboundDomain ?? null,
    logStream,
  });
  // Every answer of every API test: a problem's sentence names API routes, never a CLI command.
  const namingCli: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json') && typeof payload === 'string' && CLI_COMMAND.test(payload)) {
      namingCli.push(`${request.method} ${request.url}: ${payload}`);
    }
    return payload;
  });
  await app.ready();
  return {
    app,
    db,
    logs,
    async account() {
      const account = await createAccount(db.db, uniqueName('api-test'));
      const s = scoped(db.db, account.id);
      const made = new Map<string, string>();
      return {
        accountId: account.id,
        s,
        async key(scopes: ApiKeyScope[] = ['read', 'write']) {
          const id = scopes.join(',');
          if (!made.has(id)) made.set(id, (await s.apiKeys.create({ scopes })).key);
          return made.get(id)!;
        },
      };
    },
    problemsNamingCli: namingCli,
    async close() {
      await app.close();
      await db.close();
      if (namingCli.length > 0) throw new Error(`Problems whose sentence names a CLI command, not an API route:\n${namingCli.join('\n')}`);
    },
  };
}

/** A `reply-sync <command>` of the CLI (the product's name alone, as in "reply-sync only supports IMAP", is fine). */
export const CLI_COMMAND = /`reply-sync\b|reply-sync (?:account|user|inbox|contact|never-log|email|timeline|explain|api-key|webhooks?|credentials|migrate|setup|demo|api|scheduler|worker)\b/;

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
