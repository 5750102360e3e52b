// `api-key create|list|revoke --json`: the key is printed once, only its hash is stored, list never shows
// it, revoke takes the prefix; bad scopes are refused with the list of valid ones.
import { apiKeys, parseApiKey } from '@reply-sync/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

describe('api-key', () => {
  it('creates a key shown once, lists it without the secret, and revokes it by prefix', async () => {
    const created = await cli(['api-key', 'create', '--account', t.accountId, '--scopes', 'read,write', '--name', 'crm', '--json']);
    expect(created.code).toBe(0);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^rsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ prefix: parseApiKey(key)!.prefix, scopes: ['read', 'write'], name: 'crm', revokedAt: null });
    const [row] = await t.db.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row!.secretHash).toHaveLength(32);
    expect(row!.secretHash.toString('latin1')).not.toContain(parseApiKey(key)!.secret);

    const listed = await cli(['api-key', 'list', '--account', t.accountId, '--json']);
    expect(listed.json()).toEqual([expect.objectContaining({ id: apiKey.id, prefix: apiKey.prefix })]);
    expect(listed.stdout).not.toContain(parseApiKey(key)!.secret);
    expect(listed.stdout).not.toContain('secretHash');

    const revoked = await cli(['api-key', 'revoke', apiKey.prefix, '--account', t.accountId, '--json']);
    expect(revoked.code).toBe(0);
    expect(revoked.json().revokedAt).not.toBeNull();
  });

  it('refuses scopes that do not exist, naming the valid ones', async () => {
    const run = await cli(['api-key', 'create', '--account', t.accountId, '--scopes', 'read,admin', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({ code: 'invalid_scopes', message: expect.stringContaining('read, write, support') });
  });
});
