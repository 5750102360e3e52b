// A contact's email is unique per account ignoring case, and look-ups are exact but case-insensitive.
import { describe, expect, it } from 'vitest';
import { DbError } from '../src/errors';
import { newAccount, useDb } from './helpers';

describe('contacts: email unique per account, case-insensitively', () => {
  const ctx = useDb();

  it('refuses a second contact that differs only by case, in the same account only', async () => {
    const { s } = await newAccount(ctx.handle);
    await s.contacts.add({ email: 'Bob@Acme.test' });
    const error = await s.contacts.add({ email: 'bob@ACME.test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).code).toBe('contact_exists');

    const other = await newAccount(ctx.handle);
    await expect(other.s.contacts.add({ email: 'bob@acme.test' })).resolves.toMatchObject({ email: 'bob@acme.test' });
  });

  it('finds contacts by exact address in any case, with companies and deals, and not aliases', async () => {
    const { s } = await newAccount(ctx.handle);
    const company = await s.companies.add({ name: 'Acme' });
    const deal = await s.deals.add({ name: 'Big deal' });
    const bob = await s.contacts.add({ email: 'Bob@Acme.test', companyIds: [company.id], dealIds: [deal.id] });
    await s.contacts.add({ email: 'carol@acme.test' });

    const found = await s.contacts.findByEmails(['BOB@acme.test', 'bob-alias@acme.test', 'bob+x@acme.test']);
    expect(found).toEqual([{ id: bob.id, email: 'bob@acme.test', companyIds: [company.id], dealIds: [deal.id] }]);
    expect(await s.contacts.findByEmails([])).toEqual([]);
    expect((await s.companies.find('acme'))?.id).toBe(company.id);
    expect((await s.deals.find(deal.id))?.name).toBe('Big deal');
  });

  it("gives a contact's first open deals oldest first, to the microsecond, without closed or other accounts' deals", async () => {
    const { s } = await newAccount(ctx.handle);
    const deals = [];
    for (const name of ['First', 'Lost', 'Second', 'Third', 'Fourth']) deals.push(await s.deals.add({ name, ...(name === 'Lost' ? { status: 'closed' as const } : {}) }));
    // All within one millisecond, a microsecond apart (a Date would call them equal), ids in any order.
    const base = '2026-12-03 06:00:00.123';
    for (const [i, deal] of deals.entries()) await ctx.handle.sql`update deals set created_at = ${`${base}${String(100 + i)}+00`}::timestamptz where id = ${deal.id}`;
    const bob = await s.contacts.add({ email: 'bob@acme.test', dealIds: [...deals].reverse().map((d) => d.id) });
    expect((await s.deals.openOfContact(bob.id, 3)).map((d) => d.name)).toEqual(['First', 'Second', 'Third']);
    expect((await s.deals.openOfContact(bob.id, 10)).map((d) => d.name)).toEqual(['First', 'Second', 'Third', 'Fourth']);
    const other = await newAccount(ctx.handle);
    expect(await other.s.deals.openOfContact(bob.id, 3)).toEqual([]);
  });

  it('refuses to link a contact to another account\'s company', async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const foreign = await a.s.companies.add({ name: 'Acme' });
    await expect(b.s.contacts.add({ email: 'x@y.test', companyIds: [foreign.id] })).rejects.toMatchObject({ code: 'not_in_account' });
  });
});
