// An address with an internationalised domain is one address whether it was typed in punycode or in
// Unicode: contacts, users and never-log entries are found either way, and cannot be added twice.
import { describe, expect, it } from 'vitest';
import { DbError } from '../src/errors';
import { newAccount, useDb } from './helpers';

describe('addresses with IDN domains, in punycode or Unicode', () => {
  const ctx = useDb();

  it('finds a contact added in punycode by its Unicode address, and the other way round', async () => {
    const a = await newAccount(ctx.handle);
    const ana = await a.s.contacts.add({ email: 'Ana@XN--MLLER-KVA.test' });
    expect(ana.email).toBe('ana@müller.test');
    expect(await a.s.contacts.findByEmails(['ana@müller.test'])).toMatchObject([{ id: ana.id, email: 'ana@müller.test' }]);
    expect((await a.s.contacts.findByEmail('ana@MÜLLER.test'))?.id).toBe(ana.id);

    const b = await newAccount(ctx.handle);
    const jo = await b.s.contacts.add({ email: 'jo@bücher.example' });
    expect(await b.s.contacts.findByEmails(['JO@xn--bcher-kva.example'])).toMatchObject([{ id: jo.id }]);
  });

  it('refuses the same contact a second time in the other form', async () => {
    const { s } = await newAccount(ctx.handle);
    await s.contacts.add({ email: 'ana@müller.test' });
    const error = await s.contacts.add({ email: 'ana@xn--mller-kva.test' }).catch((e: unknown) => e);
    expect((error as DbError).code).toBe('contact_exists');
  });

  it('keeps an ordinary address as typed (case shown back), found in any case', async () => {
    const { s } = await newAccount(ctx.handle);
    const bob = await s.contacts.add({ email: ' Bob@Acme.test ' });
    expect(bob.email).toBe('Bob@Acme.test');
    expect((await s.contacts.findByEmail('bob@acme.test'))?.id).toBe(bob.id);
  });

  it('finds users and never-log entries either way', async () => {
    const { s } = await newAccount(ctx.handle);
    const user = await s.users.add({ email: 'bob@xn--mller-kva.test' });
    expect((await s.users.findByEmail('BOB@müller.test'))?.id).toBe(user.id);
    await s.neverLog.add('domain', '@XN--MLLER-KVA.test');
    await s.neverLog.add('address', 'ceo@bücher.example');
    expect(await s.neverLog.entries()).toEqual(
      expect.arrayContaining([
        { kind: 'domain', value: 'müller.test' },
        { kind: 'address', value: 'ceo@bücher.example' },
      ]),
    );
    expect(await s.neverLog.remove('müller.test', 'domain')).toBe(1);
    expect(await s.neverLog.remove('ceo@xn--bcher-kva.example', 'address')).toBe(1);
  });
});
