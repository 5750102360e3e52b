// Credentials are bound to the row that holds them: a value copied into another inbox's (or another
// account's) row is refused with a sentence saying to reconnect, a shortened GCM tag is refused, and
// values written before v2 (bound to nothing) still decrypt and are re-encrypted as v2 on first read.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialsDecryptError, decryptCredentials, encryptCredentials, type EncryptionKeys } from '../src/crypto/index';
import { reencryptAllCredentials } from '../src/system-queries';
import { inboxInput, newAccount, newKey, testKeys, useDb } from './helpers';

const PASSWORD = 'a password only this inbox may use';

/** A value exactly as the v1 code wrote it: additional data `v1:<keyId>`, nothing about the row. */
function v1Encrypt(value: unknown, keys: EncryptionKeys): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.active.key, iv);
  cipher.setAAD(Buffer.from(`v1:${keys.active.id}`));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(JSON.stringify(value), 'utf8')), cipher.final()]);
  return ['v1', keys.active.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

describe('credentials bound to their inbox', () => {
  const ctx = useDb();
  const rawCredentials = async (id: string): Promise<string> =>
    String((await ctx.handle.sql`select credentials from inboxes where id = ${id}`)[0]!.credentials);
  const setRawCredentials = (id: string, value: string) => ctx.handle.sql`update inboxes set credentials = ${value} where id = ${id}`;

  it("refuses a ciphertext copied from one inbox's row into another's, saying to reconnect", async () => {
    const keys = testKeys();
    const { s } = await newAccount(ctx.handle);
    const victim = await s.inboxes.create(inboxInput({ credentials: { password: 'the victim password' } }), keys);
    const attacker = await s.inboxes.create(inboxInput({ credentials: { password: PASSWORD } }), keys);
    await setRawCredentials(victim.id, await rawCredentials(attacker.id));

    const refused = await s.inboxes.getWithCredentials(victim.id, keys).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CredentialsDecryptError);
    expect(refused).toMatchObject({ code: 'bound_to_other_inbox' });
    expect((refused as Error).message).toContain(`were encrypted for another inbox (${attacker.id})`);
    expect((refused as Error).message).toContain(`reply-sync inbox reconnect ${victim.id}`);
    // The source row still decrypts where it belongs.
    expect((await s.inboxes.getWithCredentials(attacker.id, keys))?.credentials).toEqual({ password: PASSWORD });
  });

  it("refuses a ciphertext relabelled for the row it was copied into, and one moved to another account's inbox", async () => {
    const keys = testKeys();
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const source = await a.s.inboxes.create(inboxInput({ credentials: { password: PASSWORD } }), keys);
    const target = await a.s.inboxes.create(inboxInput(), keys);
    const otherAccount = await b.s.inboxes.create(inboxInput(), keys);
    const copied = await rawCredentials(source.id);

    // Editing the inbox id in the value does not help: the additional data binds the real row.
    await setRawCredentials(target.id, copied.replace(source.id, target.id));
    await expect(a.s.inboxes.getWithCredentials(target.id, keys)).rejects.toMatchObject({ code: 'tampered' });
    await expect(a.s.inboxes.readOAuthCredentials(target.id, keys)).rejects.toMatchObject({ code: 'tampered' });

    await setRawCredentials(otherAccount.id, copied);
    await expect(b.s.inboxes.getWithCredentials(otherAccount.id, keys)).rejects.toMatchObject({ code: 'bound_to_other_inbox' });
    await setRawCredentials(otherAccount.id, copied.replace(source.id, otherAccount.id));
    await expect(b.s.inboxes.getWithCredentials(otherAccount.id, keys)).rejects.toThrow(/belongs to another account, inbox or field/);
  });

  it('refuses a value whose authentication tag was shortened', () => {
    const keys = testKeys();
    const binding = { accountId: '00000000-0000-4000-8000-00000000000a', inboxId: '00000000-0000-4000-8000-00000000000b' };
    const parts = encryptCredentials({ password: PASSWORD }, keys, binding).split(':');
    // The first 4 bytes of the real tag: GCM without a required tag length would accept them.
    parts[4] = Buffer.from(parts[4]!, 'base64').subarray(0, 4).toString('base64');
    expect(() => decryptCredentials(parts.join(':'), keys, binding)).toThrow(CredentialsDecryptError);
    expect(() => decryptCredentials(parts.join(':'), keys, binding)).toThrow(/4-byte authentication tag where 16 bytes are required/);

    const v1 = v1Encrypt({ password: PASSWORD }, keys).split(':');
    v1[3] = Buffer.from(v1[3]!, 'base64').subarray(0, 4).toString('base64');
    expect(() => decryptCredentials(v1.join(':'), keys, binding)).toThrow(/4-byte authentication tag/);
  });

  it('reads a v1 row and re-encrypts it as v2 bound to that row on the first read', async () => {
    const keys = testKeys();
    const { s, account } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), keys);
    await setRawCredentials(inbox.id, v1Encrypt({ password: PASSWORD }, keys));

    expect((await s.inboxes.getWithCredentials(inbox.id, keys))?.credentials).toEqual({ password: PASSWORD });
    const stored = await rawCredentials(inbox.id);
    expect(stored.startsWith(`v2:${keys.active.id}:${inbox.id}:`)).toBe(true);
    expect(decryptCredentials(stored, keys, { accountId: account.id, inboxId: inbox.id })).toEqual({ password: PASSWORD });
    expect((await s.inboxes.getWithCredentials(inbox.id, keys))?.credentials).toEqual({ password: PASSWORD });

    // The OAuth read path upgrades too.
    const oauth = await s.inboxes.create(inboxInput({ authKind: 'oauth2', credentials: { refreshToken: 'r' } }), keys);
    await setRawCredentials(oauth.id, v1Encrypt({ refreshToken: 'r' }, keys));
    expect((await s.inboxes.readOAuthCredentials(oauth.id, keys))?.credentials).toEqual({ refreshToken: 'r' });
    expect((await rawCredentials(oauth.id)).startsWith('v2:')).toBe(true);
  });

  it('`reencryptAllCredentials` moves v1 and old-key rows to v2 under the active key and lists the ones it cannot read', async () => {
    const k1 = newKey('k1');
    const before = testKeys(k1);
    const after = testKeys(newKey('k2'), k1);
    const { s } = await newAccount(ctx.handle);
    const legacy = await s.inboxes.create(inboxInput(), before);
    await setRawCredentials(legacy.id, v1Encrypt({ password: PASSWORD }, before));
    const oldKey = await s.inboxes.create(inboxInput({ credentials: { password: 'old key' } }), before);
    const broken = await s.inboxes.create(inboxInput(), before);
    await setRawCredentials(broken.id, await rawCredentials(oldKey.id));

    const result = await reencryptAllCredentials(ctx.handle.db, after);
    expect(result.reencrypted).toBeGreaterThanOrEqual(2);
    expect(result.failed).toContainEqual(expect.objectContaining({ inboxId: broken.id, code: 'bound_to_other_inbox' }));
    expect((await rawCredentials(legacy.id)).startsWith(`v2:k2:${legacy.id}:`)).toBe(true);
    expect((await rawCredentials(oldKey.id)).startsWith(`v2:k2:${oldKey.id}:`)).toBe(true);
    expect((await s.inboxes.getWithCredentials(legacy.id, after))?.credentials).toEqual({ password: PASSWORD });
    // Readable with the new key alone: k1 can be retired.
    const onlyK2 = testKeys(`k2:${after.active.key.toString('base64')}`);
    expect((await s.inboxes.getWithCredentials(oldKey.id, onlyK2))?.credentials).toEqual({ password: 'old key' });

    const again = await reencryptAllCredentials(ctx.handle.db, after);
    expect(again.failed.map((f) => f.inboxId)).toContain(broken.id);
    expect(again.failed.map((f) => f.inboxId)).not.toContain(legacy.id);
  });
});
