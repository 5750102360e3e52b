// `email log` registers an email the CRM sent (Message-ID, owner, recipients, associations), and
// `timeline` shows it for the contact, the company and the deal; --json output parses.
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

describe('email log, then timeline', () => {
  it('records the email with its associations and shows it newest first', async () => {
    const a = ['--account', t.accountId];
    expect((await cli(['user', 'add', ...a, '--email', 'ana@crm.test', '--name', 'Ana'])).code).toBe(0);
    const contact = await cli(['contact', 'add', ...a, '--email', 'Bob@Acme.test', '--name', 'Bob', '--company', 'Acme', '--deal', 'Renewal', '--owner', 'ana@crm.test', '--json']);
    expect(contact.code).toBe(0);
    expect(contact.json()).toMatchObject({ contact: { email: 'Bob@Acme.test' }, company: { name: 'Acme' }, deals: [{ name: 'Renewal', status: 'open' }] });
    expect((await cli(['contact', 'add', ...a, '--email', 'carol@other.test'])).code).toBe(0);
    // A deal of its own, added to the email with --deal.
    await t.s.deals.add({ name: 'Upsell' });

    const messageId = `<${uniqueName('proposal')}@crm.test>`;
    const raw = await composeEmail({
      from: 'Ana <ana@crm.test>',
      to: 'Bob <bob@acme.test>',
      cc: 'stranger@elsewhere.test',
      subject: 'Our proposal',
      messageId,
      date: new Date('2025-01-02T10:00:00Z'),
      text: 'Hello Bob',
      attachments: [{ filename: 'proposal.txt', content: 'terms' }],
    });
    const dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
    const file = join(dir, 'proposal.eml');
    await writeFile(file, raw);

    const logged = await cli(['email', 'log', ...a, '--file', file, '--user', 'ana@crm.test', '--deal', 'Upsell', '--json']);
    expect(logged.stderr).toBe('');
    expect(logged.code).toBe(0);
    const summary = logged.json();
    expect(summary).toMatchObject({
      inserted: true,
      messageId,
      subject: 'Our proposal',
      threadOwner: { email: 'ana@crm.test' },
      inbox: null,
      attachments: [{ filename: 'proposal.txt', size: 5 }],
    });
    // The Cc recipient with no contact gets one (owned by the sender, non-marketing).
    expect(summary.associations.contacts.map((c: { email: string }) => c.email)).toEqual(['bob@acme.test', 'stranger@elsewhere.test']);
    expect(summary.associations.companies.map((c: { name: string }) => c.name)).toEqual(['Acme']);
    expect(summary.associations.deals.map((d: { name: string }) => d.name).sort()).toEqual(['Renewal', 'Upsell']);

    // Logging the same file again changes nothing.
    const again = await cli(['email', 'log', ...a, '--file', file, '--user', 'ana@crm.test', '--json']);
    expect(again.json()).toMatchObject({ inserted: false, emailId: summary.emailId });

    const byContact = await cli(['timeline', ...a, '--contact', 'BOB@acme.test', '--json']);
    expect(byContact.code).toBe(0);
    expect(byContact.json()).toMatchObject({
      target: { kind: 'contact', label: 'Bob <Bob@Acme.test>' },
      entries: [
        {
          id: summary.emailId,
          direction: 'outbound',
          at: '2025-01-02T10:00:00.000Z',
          from: { address: 'ana@crm.test' },
          subject: 'Our proposal',
          messageId,
          attachments: [{ filename: 'proposal.txt', size: 5 }],
        },
      ],
    });
    for (const target of [['--company', 'acme'], ['--deal', 'Upsell']]) {
      const run = await cli(['timeline', ...a, ...target]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('-> out  ana@crm.test  "Our proposal"  [proposal.txt 5 B]');
    }
    expect((await cli(['timeline', ...a, '--contact', 'carol@other.test', '--json'])).json().entries).toEqual([]);

    const unknown = await cli(['timeline', ...a, '--contact', 'nobody@acme.test']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no contact nobody@acme.test in this account.');
  });

  it('refuses an email without a Message-ID, and an unknown account', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
    const file = join(dir, 'no-id.eml');
    await writeFile(file, 'From: ana@crm.test\r\nTo: bob@acme.test\r\nSubject: hi\r\n\r\nbody\r\n');
    await t.s.users.add({ email: 'ana@crm.test' });
    const run = await cli(['email', 'log', '--account', t.accountId, '--file', file, '--user', 'ana@crm.test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no usable Message-ID header/);

    const noAccount = await cli(['never-log', 'list', '--account', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(noAccount.code).toBe(1);
    expect(JSON.parse(noAccount.stderr).error.code).toBe('account_not_found');
  });
});
