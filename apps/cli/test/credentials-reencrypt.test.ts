// `reply-sync credentials reencrypt`: moves credentials written before v2 (bound to no inbox) to v2
// bound to their row, and names the rows it cannot read (a value copied from another inbox) with the
// error's code and sentence, exiting 1 so a script notices.
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stack } from '@reply-sync/testkit';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

/** A value exactly as the v1 code wrote it (additional data `v1:<keyId>` only). */
function v1Encrypt(value: unknown, keys: TestAccount['keys']): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.active.key, iv);
  cipher.setAAD(Buffer.from(`v1:${keys.active.id}`));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', keys.active.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

const inboxInput = (address: string) => ({
  kind: 'team' as const,
  address,
  imapHost: stack.profiles.standard.host,
  imapPort: stack.profiles.standard.imapPort,
  imapTls: 'starttls' as const,
  username: address,
  credentials: { password: 'pw' },
});

describe('credentials reencrypt', () => {
  it('re-encrypts a v1 row as v2 and lists a copied one as bound_to_other_inbox with exit code 1', async () => {
    const legacy = await t.s.inboxes.create(inboxInput(`legacy-${t.accountId.slice(0, 8)}@mail.test`), t.keys);
    const copied = await t.s.inboxes.create(inboxInput(`copied-${t.accountId.slice(0, 8)}@mail.test`), t.keys);
    await t.db.sql`update inboxes set credentials = ${v1Encrypt({ password: 'old secret' }, t.keys)} where id = ${legacy.id}`;
    await t.db.sql`update inboxes set credentials = (select credentials from inboxes where id = ${legacy.id}) where id = ${copied.id}`;
    const source = await t.s.inboxes.create(inboxInput(`source-${t.accountId.slice(0, 8)}@mail.test`), t.keys);
    const victim = await t.s.inboxes.create(inboxInput(`victim-${t.accountId.slice(0, 8)}@mail.test`), t.keys);
    await t.db.sql`update inboxes set credentials = (select credentials from inboxes where id = ${source.id}) where id = ${victim.id}`;

    const run = await cli(['credentials', 'reencrypt', '--json']);
    const result = run.json<{ reencrypted: number; failed: { inboxId: string; code: string; message: string }[] }>();
    expect(result.reencrypted).toBeGreaterThanOrEqual(2);
    const [legacyRow] = await t.db.sql<{ credentials: string }[]>`select credentials from inboxes where id = ${legacy.id}`;
    expect(legacyRow!.credentials.startsWith(`v2:${t.keys.active.id}:${legacy.id}:`)).toBe(true);
    expect((await t.s.inboxes.getWithCredentials(legacy.id, t.keys))?.credentials).toEqual({ password: 'old secret' });
    // A v1 copy carries nothing to tell it from the original, so it is upgraded where it sits (the weakness v2 removes).
    expect((await t.s.inboxes.getWithCredentials(copied.id, t.keys))?.credentials).toEqual({ password: 'old secret' });

    const failure = result.failed.find((f) => f.inboxId === victim.id);
    expect(failure).toMatchObject({ code: 'bound_to_other_inbox' });
    expect(failure!.message).toContain(`reply-sync inbox reconnect ${victim.id}`);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error.code).toBe('credentials_reencrypt_incomplete');
    await expect(t.s.inboxes.getWithCredentials(victim.id, t.keys)).rejects.toMatchObject({ code: 'bound_to_other_inbox' });
  });
});
