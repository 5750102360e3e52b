// Inbox credentials are AES-256-GCM at rest: the raw column never holds the password, rotated keys
// still decrypt, and a missing key id is named in the error.
import { describe, expect, it } from 'vitest';
import { decryptCredentials, encryptCredentials, reencrypt, credentialsKeyId } from '../src/crypto/index';
import { inboxInput, newAccount, newKey, testKeys, useDb } from './helpers';

const PASSWORD = 'S3cret-password-that-must-not-leak';
const BINDING = { accountId: '00000000-0000-4000-8000-000000000001', inboxId: '00000000-0000-4000-8000-000000000002' };

describe('credentials encryption at rest', () => {
  const ctx = useDb();

  it('stores only ciphertext in the credentials column', async () => {
    const keys = testKeys();
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput({ credentials: { password: PASSWORD } }), keys);
    expect(inbox).not.toHaveProperty('credentials');

    const [raw] = await ctx.handle.sql`select credentials, credentials_key_id from inboxes where id = ${inbox.id}`;
    expect(raw!.credentials).toMatch(/^v2:k1:[0-9a-f-]{36}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(raw!.credentials).not.toContain(PASSWORD);
    expect(Buffer.from(String(raw!.credentials).split(':')[5]!, 'base64').toString('utf8')).not.toContain(PASSWORD);
    expect(raw!.credentials_key_id).toBe('k1');
    const whole = await ctx.handle.sql`select row_to_json(i)::text as j from inboxes i where id = ${inbox.id}`;
    expect(whole[0]!.j).not.toContain(PASSWORD);

    const withCredentials = await s.inboxes.getWithCredentials<{ password: string }>(inbox.id, keys);
    expect(withCredentials?.credentials).toEqual({ password: PASSWORD });
  });

  it('uses a fresh IV each time, so equal passwords give different ciphertexts', () => {
    const keys = testKeys();
    expect(encryptCredentials({ password: PASSWORD }, keys, BINDING)).not.toBe(encryptCredentials({ password: PASSWORD }, keys, BINDING));
  });

  it('decrypts with a rotated key set and re-encrypts to the new active key', async () => {
    const k1 = newKey('k1');
    const before = testKeys(k1);
    const after = testKeys(newKey('k2'), k1);
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput({ credentials: { password: PASSWORD } }), before);

    expect((await s.inboxes.getWithCredentials(inbox.id, after))?.credentials).toEqual({ password: PASSWORD });
    expect(await s.inboxes.rotateCredentials(inbox.id, after)).toBe(true);
    expect(await s.inboxes.rotateCredentials(inbox.id, after)).toBe(false);
    const [raw] = await ctx.handle.sql`select credentials, credentials_key_id from inboxes where id = ${inbox.id}`;
    expect(credentialsKeyId(raw!.credentials)).toBe('k2');
    expect(raw!.credentials_key_id).toBe('k2');

    const stored = encryptCredentials({ token: 'x' }, before, BINDING);
    const moved = reencrypt(stored, after, BINDING);
    expect(credentialsKeyId(moved)).toBe('k2');
    expect(decryptCredentials(moved, after, BINDING)).toEqual({ token: 'x' });
  });

  it('names the missing key id when the key set no longer has it', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys(newKey('old1')));
    await expect(s.inboxes.getWithCredentials(inbox.id, testKeys(newKey('k2')))).rejects.toThrow(
      /encrypted with key "old1", which is not in REPLY_SYNC_ENCRYPTION_KEYS\. Add "old1:<its base64 key>"/,
    );
  });

  it('rejects a value whose key material is wrong or that was altered', () => {
    const stored = encryptCredentials({ password: PASSWORD }, testKeys(newKey('k1')), BINDING);
    expect(() => decryptCredentials(stored, testKeys(newKey('k1')), BINDING)).toThrow(/could not be decrypted with key "k1"/);
    expect(() => decryptCredentials('plain', testKeys(), BINDING)).toThrow(/not in the expected/);
  });
});
