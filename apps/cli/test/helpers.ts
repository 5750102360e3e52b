// Shared set-up for the CLI tests: a fresh account on the real local stack, and an in-process runCli
// with captured output (the launchers are spawned in bin.sources-launcher.test.ts and compiled-cli.smoke.test.ts).
import { Readable } from 'node:stream';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import { stack, uniqueName, type MailUser } from '@reply-sync/testkit';
import { runCli } from '../src/main';
import { addUser } from '@reply-sync/operations/accounts';
import { connectInbox } from '@reply-sync/operations/inboxes';

export interface TestAccount {
  db: DbHandle;
  accountId: string;
  s: Scoped;
  keys: ReturnType<typeof parseEncryptionKeys>;
  tlsCa: string;
  close(): Promise<void>;
}

export async function freshAccount(): Promise<TestAccount> {
  await migrate(stack.databaseUrl);
  const db = createDb(stack.databaseUrl, { max: 2 });
  const account = await createAccount(db.db, uniqueName('cli-test'));
  return {
    db,
    accountId: account.id,
    s: scoped(db.db, account.id),
    keys: parseEncryptionKeys(stack.encryptionKeys),
    tlsCa: stack.caCert,
    close: () => db.close(),
  };
}

/** The environment an operator would export for the local stack (explicit, no --stack). */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
    REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
    ...extra,
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not). */
  json<T = any>(): T;
}

export async function cli(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? cliEnv(),
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/** A CRM user for the Dovecot user and its inbox connected with STARTTLS on the standard profile. */
export async function connectTestInbox(t: TestAccount, user: MailUser, name?: string): Promise<Awaited<ReturnType<typeof connectInbox>>> {
  const p = stack.profiles.standard;
  await addUser(t.s, { email: user.address, ...(name ? { name } : {}) });
  return connectInbox(
    t.s,
    { userEmail: user.address, address: user.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: user.user, password: user.password },
    { keys: t.keys, tlsCa: t.tlsCa },
  );
}
