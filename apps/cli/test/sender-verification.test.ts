// Sender verification from the CLI: the account policy (`account set`), an inbox's trusted
// authserv-ids (`inbox connect|set --trusted-authserv-id`, shown by `inbox show`), and an unverified
// logged reply marked on the `timeline` and in `explain`, in text and --json.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailUser, stack, uniqueName } from '@reply-sync/testkit';
import { normalizeMessageId, verifySender } from '@reply-sync/threading';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

describe('account set --sender-verification', () => {
  it('sets the policy (text and --json) and refuses anything but flag or require', async () => {
    const a = ['--account', t.accountId];
    const json = await cli(['account', 'set', ...a, '--sender-verification', 'require', '--json']);
    expect(json.stderr).toBe('');
    expect(json.json()).toEqual({ id: t.accountId, name: expect.any(String), senderVerification: 'require' });
    expect(await t.s.account.senderVerification()).toBe('require');

    const text = await cli(['account', 'set', ...a, '--sender-verification', 'flag']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('replies whose sender is not verified are logged and shown as unverified (flag)');
    expect(await t.s.account.senderVerification()).toBe('flag');

    expect((await cli(['account', 'set', ...a, '--sender-verification', 'maybe'])).code).not.toBe(0);
    expect((await cli(['account', 'set', ...a])).code).not.toBe(0);
    expect(await t.s.account.senderVerification()).toBe('flag');
  });
});

describe('trusted authserv-ids of an inbox', () => {
  it('inbox set: its own list, back to the provider default, and `inbox show` says which', async () => {
    const a = ['--account', t.accountId];
    const inbox = await t.s.inboxes.create(
      { kind: 'team', provider: 'gmail', address: `${uniqueName('sales')}@gmail.test`, imapHost: 'imap.gmail.com', imapPort: 993, imapTls: 'tls', username: 'sales', authKind: 'oauth2', credentials: { refreshToken: 'r' } },
      t.keys,
    );
    expect((await cli(['inbox', 'show', ...a, inbox.id])).stdout).toContain('sender verification trusts: mx.google.com (gmail default)');

    const set = await cli(['inbox', 'set', ...a, inbox.id, '--trusted-authserv-id', 'MX.Ourco.example', '--trusted-authserv-id', 'filter.ourco.example', '--json']);
    expect(set.stderr).toBe('');
    expect(set.json()).toMatchObject({ id: inbox.id, trustedAuthservIds: ['mx.ourco.example', 'filter.ourco.example'], trustedAuthservIdsFrom: 'inbox' });
    const shown = await cli(['inbox', 'show', ...a, '--json', inbox.id]);
    expect(shown.json()).toMatchObject({ trustedAuthservIds: ['mx.ourco.example', 'filter.ourco.example'], trustedAuthservIdsFrom: 'inbox' });

    const reset = await cli(['inbox', 'set', ...a, inbox.id, '--default-trusted-authserv-ids']);
    expect(reset.stdout).toContain('now trusts mx.google.com (gmail default)');
    expect((await t.s.inboxes.get(inbox.id))?.trustedAuthservIds).toBeNull();

    const bad = await cli(['inbox', 'set', ...a, inbox.id, '--trusted-authserv-id', 'mx google.com', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.code).toBe('invalid_authserv_id');
    const neither = await cli(['inbox', 'set', ...a, inbox.id, '--json']);
    expect(JSON.parse(neither.stderr).error.code).toBe('inbox_set_options');
    const missing = await cli(['inbox', 'set', ...a, '00000000-0000-0000-0000-000000000000', '--default-trusted-authserv-ids', '--json']);
    expect(JSON.parse(missing.stderr).error.code).toBe('inbox_not_found');
  });

  it('inbox connect --trusted-authserv-id stores the list; a bad id is refused before anything is saved', async () => {
    const mailUser = await createMailUser({ profile: 'standard' });
    await t.s.users.add({ email: mailUser.address });
    const p = stack.profiles.standard;
    const args = ['inbox', 'connect', '--account', t.accountId, '--user', mailUser.address, '--address', mailUser.address, '--host', p.host, '--port', String(p.imapPort), '--tls', 'starttls', '--username', mailUser.user, '--password-stdin', '--json'];

    const bad = await cli([...args, '--trusted-authserv-id', 'a;b'], { stdin: `${mailUser.password}\n` });
    expect(JSON.parse(bad.stderr).error.code).toBe('invalid_authserv_id');
    expect(await t.s.inboxes.list()).toEqual([]);

    const ok = await cli([...args, '--trusted-authserv-id', 'MX.Mail.test'], { stdin: `${mailUser.password}\n` });
    expect(ok.stderr).toBe('');
    expect(ok.json().inbox.trustedAuthservIds).toEqual(['mx.mail.test']);
  });
});

describe('an unverified logged reply on the timeline', () => {
  it('is marked UNVERIFIED SENDER with the reason in text, carries the verdict in --json, and explain says so', async () => {
    const a = ['--account', t.accountId];
    const user = await t.s.users.add({ email: 'ana@ourco.test' });
    const inbox = await t.s.inboxes.create(
      { kind: 'personal', userId: user.id, address: 'ana@ourco.test', imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'ana', credentials: { password: 'x' } },
      t.keys,
    );
    const contact = await t.s.contacts.add({ email: 'bob@client.test' });
    const original = `<${uniqueName('crm')}@crm.test>`;
    await t.s.emails.logOutbound({ source: 'crm_send', messageId: original, userId: user.id, inboxId: inbox.id, from: { address: 'ana@ourco.test' }, to: [{ address: 'bob@client.test' }], subject: 'Offer', sentAt: new Date('2025-06-01T10:00:00Z') });
    const thread = (await t.s.emails.findThreadRefs([normalizeMessageId(original)!])).get(normalizeMessageId(original)!)!;
    const reply = (uid: number, authenticationResults: string[]) => {
      const messageId = `<${uniqueName('reply')}@client.test>`;
      return t.s.emails
        .logReply({
          inboxId: inbox.id, uidvalidity: 1, uid, messageId, from: { address: 'bob@client.test' }, to: [{ address: 'ana@ourco.test' }], cc: [],
          subject: 'Re: Offer', sentAt: null, receivedAt: new Date(`2025-06-0${uid}T10:00:00Z`), textBody: 'ok', htmlBody: null, references: [original], thread,
          associations: { contactIds: [contact.id], companyIds: [], dealIds: [] },
          senderVerification: verifySender({ authenticationResults, from: 'bob@client.test', trustedAuthservIds: ['mx.ourco.test'] }),
        })
        .then(() => messageId);
    };
    const forged = await reply(2, ['mx.ourco.test; spf=fail smtp.mailfrom=client.test; dmarc=fail header.from=client.test']);
    await reply(3, ['mx.ourco.test; dkim=pass header.d=client.test; dmarc=pass header.from=client.test']);

    const text = await cli(['timeline', ...a, '--contact', 'bob@client.test']);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    const marked = lines.filter((l) => l.includes('[UNVERIFIED SENDER]'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('2025-06-02');
    expect(lines[lines.indexOf(marked[0]!) + 1]).toBe("      sender not verified by the inbox's mail server: mx.ourco.test: dmarc=fail header.from=client.test; spf=fail");

    const json = await cli(['timeline', ...a, '--contact', 'bob@client.test', '--json']);
    const entries = json.json().entries as { messageId: string; direction: string; senderVerification: unknown }[];
    expect(entries.map((e) => e.senderVerification)).toEqual([
      { verified: true, dmarc: 'pass', dkim: 'pass', dkimAligned: true, spf: null, detail: 'mx.ourco.test: dmarc=pass header.from=client.test' },
      { verified: false, dmarc: 'fail', dkim: null, dkimAligned: false, spf: 'fail', detail: 'mx.ourco.test: dmarc=fail header.from=client.test; spf=fail' },
      null,
    ]);

    const explained = await cli(['explain', ...a, '--no-look', forged]);
    expect(explained.stdout).toContain("sender not verified by the inbox's mail server: mx.ourco.test: dmarc=fail");
    expect((await cli(['explain', ...a, '--no-look', '--json', forged])).json().loggedEmail.senderVerification).toMatchObject({ verified: false });
  });
});
