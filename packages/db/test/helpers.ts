// Shared set-up for the integration tests: the database from DATABASE_URL (default: the stack's),
// migrated once per file, and a fresh account per test so tests never share rows.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createDb, type DbHandle } from '../src/client';
import { migrate } from '../src/migrate';
import { parseEncryptionKeys, type EncryptionKeys } from '../src/crypto/index';
import { scoped } from '../src/scoped';
import { createAccount } from '../src/system-queries';
import type { CreateInboxInput } from '../src/queries/inboxes';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://reply_sync@127.0.0.1:54329/reply_sync';

export function newKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function testKeys(...entries: string[]): EncryptionKeys {
  return parseEncryptionKeys((entries.length ? entries : [newKey('k1')]).join(','));
}

/** Migrates once for the file and opens a small pool; closes it after. */
export function useDb(): { readonly handle: DbHandle } {
  const box = {} as { handle: DbHandle };
  beforeAll(async () => {
    await migrate(DATABASE_URL);
    box.handle = createDb(DATABASE_URL, { max: 4 });
  });
  afterAll(async () => {
    await box.handle?.close();
  });
  return box;
}

export async function newAccount(handle: DbHandle, name = `test-${randomUUID().slice(0, 8)}`) {
  const account = await createAccount(handle.db, name);
  return { account, s: scoped(handle.db, account.id) };
}

export function inboxInput(overrides: Partial<CreateInboxInput> = {}): CreateInboxInput {
  return {
    kind: 'team',
    address: `team-${randomUUID().slice(0, 8)}@mail.test`,
    imapHost: '127.0.0.1',
    imapPort: 51143,
    imapTls: 'starttls',
    username: 'team',
    credentials: { password: 'correct horse battery staple' },
    ...overrides,
  };
}

export function uniqueMessageId(): string {
  return `<${randomUUID()}@crm.test>`;
}
