// `email log` with no explicit associations (issue 14, item 5): the To and Cc recipients' contacts, a new
// contact for a recipient who has none (owned by the sender, non-marketing; never for the never-log list
// or a user of the account), an existing contact keeping its owner (or getting the sender if it had none), each contact's companies and its first
// three open deals; --only with exactly the records given; and an email over 50 MB in total refused
// with the reason, nothing logged.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeEmail, uniqueName } from '@reply-sync/testkit';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

async function fileWith(raw: Buffer | string, name: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'cli-test-')), name);
  await writeFile(file, raw);
  return file;
}

describe('email log: the default selection', () => {
  it('associates the recipients (created when missing), their companies and each contact\'s first three open deals', async () => {
    const a = ['--account', t.accountId];
    const ana = await t.s.users.add({ email: 'ana@crm.test', name: 'Ana' });
    const zed = await t.s.users.add({ email: 'zed@crm.test', name: 'Zed' });
    const acme = await t.s.companies.add({ name: 'Acme' });
    // Made one after another: "first" is the oldest. The closed deal is not open, so never associated.
    const deals = [];
    for (const name of ['First', 'Lost', 'Second', 'Third', 'Fourth']) deals.push(await t.s.deals.add({ name, ...(name === 'Lost' ? { status: 'closed' as const } : {}) }));
    await t.s.contacts.add({ email: 'bob@acme.test', name: 'Bob', ownerUserId: ana.id, companyIds: [acme.id], dealIds: [...deals].reverse().map((d) => d.id) });
    await t.s.contacts.add({ email: 'carol@other.test', name: 'Carol', ownerUserId: zed.id });
    await t.s.contacts.add({ email: 'erin@other.test', name: 'Erin' });
    await t.s.neverLog.add('domain', 'private.test');

    const raw = await composeEmail({
      from: 'Ana <ana@crm.test>',
      to: 'Bob <bob@acme.test>, Zed <zed@crm.test>',
      cc: 'Carol <carol@other.test>, Dave <dave@new.test>, secret@private.test, erin@other.test',
      subject: 'Our proposal',
      messageId: `<${uniqueName('proposal')}@crm.test>`,
      text: 'Hello Bob',
    });
    const logged = await cli(['email', 'log', ...a, '--file', await fileWith(raw, 'proposal.eml'), '--user', 'ana@crm.test', '--json']);
    expect(logged.stderr).toBe('');
    expect(logged.code).toBe(0);
    const summary = logged.json();
    expect(summary.associations.contacts.map((c: { email: string }) => c.email).sort()).toEqual(['bob@acme.test', 'carol@other.test', 'dave@new.test', 'erin@other.test']);
    expect(summary.associations.companies.map((c: { name: string }) => c.name)).toEqual(['Acme']);
    expect(summary.associations.deals.map((d: { name: string }) => d.name).sort()).toEqual(['First', 'Second', 'Third']);

    const dave = await t.s.contacts.findByEmail('dave@new.test');
    expect(dave).toMatchObject({ name: 'Dave', ownerUserId: ana.id, marketing: false });
    const carol = await t.s.contacts.findByEmail('carol@other.test');
    expect(carol?.ownerUserId).toBe(zed.id);
    // An existing contact without an owner gets the sender.
    expect((await t.s.contacts.findByEmail('erin@other.test'))?.ownerUserId).toBe(ana.id);
    // No contact for a never-log address, nor for a colleague.
    expect(await t.s.contacts.findByEmails(['secret@private.test', 'zed@crm.test'])).toEqual([]);
    // On the new contact's timeline too.
    const timeline = await cli(['timeline', ...a, '--contact', 'dave@new.test', '--json']);
    expect(timeline.json().entries.map((e: { id: string }) => e.id)).toEqual([summary.emailId]);
  });

  it('refuses an email over 50 MB in total with the reason: delivered, but not logged', async () => {
    await t.s.users.add({ email: 'ana@crm.test', name: 'Ana' });
    await t.s.contacts.add({ email: 'bob@acme.test', name: 'Bob' });
    const messageId = `<${uniqueName('huge')}@crm.test>`;
    const head = `From: ana@crm.test\r\nTo: bob@acme.test\r\nSubject: The files\r\nMessage-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n`;
    const line = `${'x'.repeat(998)}\r\n`;
    const raw = Buffer.concat([Buffer.from(head), Buffer.alloc(51 * 1024 * 1024, line)]);
    const run = await cli(['email', 'log', '--account', t.accountId, '--file', await fileWith(raw, 'huge.eml'), '--user', 'ana@crm.test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('over the 50 MB an email may have to be logged: it was delivered to its recipients but not logged.');
    expect((await cli(['timeline', '--account', t.accountId, '--contact', 'bob@acme.test', '--json'])).json().entries).toEqual([]);
  }, 60_000);

  it('with --only, associates exactly the records given and makes no contact', async () => {
    const a = ['--account', t.accountId];
    await t.s.users.add({ email: 'ana@crm.test', name: 'Ana' });
    const acme = await t.s.companies.add({ name: 'Acme' });
    const renewal = await t.s.deals.add({ name: 'Renewal' });
    await t.s.deals.add({ name: 'Upsell' });
    await t.s.contacts.add({ email: 'bob@acme.test', name: 'Bob', companyIds: [acme.id], dealIds: [renewal.id] });
    await t.s.contacts.add({ email: 'carol@other.test', name: 'Carol' });
    const raw = await composeEmail({ from: 'ana@crm.test', to: 'bob@acme.test', cc: 'dave@new.test', subject: 'Chosen', messageId: `<${uniqueName('chosen')}@crm.test>`, text: 'hi' });
    const logged = await cli(['email', 'log', ...a, '--file', await fileWith(raw, 'chosen.eml'), '--user', 'ana@crm.test', '--only', '--contact', 'carol@other.test', '--deal', 'Upsell', '--json']);
    expect(logged.stderr).toBe('');
    expect(logged.json().associations).toMatchObject({ contacts: [{ email: 'carol@other.test' }], companies: [], deals: [{ name: 'Upsell' }] });
    expect(await t.s.contacts.findByEmails(['dave@new.test'])).toEqual([]);
    expect((await cli(['timeline', ...a, '--contact', 'bob@acme.test', '--json'])).json().entries).toEqual([]);

    const unknown = await cli(['email', 'log', ...a, '--file', await fileWith(raw, 'chosen.eml'), '--user', 'ana@crm.test', '--only', '--contact', 'nobody@acme.test']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no contact nobody@acme.test in this account.');
  });
});
