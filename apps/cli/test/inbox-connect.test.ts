// `inbox connect`: refuses POP3 with the mail package's sentence, logs in before saving anything, and
// stores the password only encrypted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disconnectSentence, MailSettingsError, pop3Sentence } from '@reply-sync/mail';
import { createMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { connectInbox } from '@reply-sync/operations/inboxes';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let mailUser: MailUser;
beforeEach(async () => {
  t = await freshAccount();
  mailUser = await createMailUser({ profile: 'standard' });
  await t.s.users.add({ email: mailUser.address, name: 'Ana' });
});
afterEach(async () => {
  await t?.close();
});

const imapArgs = (user: MailUser) => {
  const p = stack.profiles.standard;
  return ['--user', user.address, '--address', user.address, '--host', p.host, '--port', String(p.imapPort), '--tls', 'starttls', '--username', user.user];
};

describe('inbox connect', () => {
  it('refuses a POP3 host or port with the sentence, exits non-zero, saves nothing', async () => {
    await expect(
      connectInbox(
        t.s,
        { userEmail: mailUser.address, address: mailUser.address, imap: { host: 'pop.example.com', port: 995, tls: 'tls' }, username: 'x', password: 'y' },
        { keys: t.keys },
      ),
    ).rejects.toSatisfy((e: unknown) => e instanceof MailSettingsError && e.reason === 'pop3_not_supported' && e.sentence === pop3Sentence({ host: 'pop.example.com', port: 995 }));

    const run = await cli(
      ['inbox', 'connect', '--account', t.accountId, '--user', mailUser.address, '--address', mailUser.address, '--host', '127.0.0.1', '--port', '110', '--tls', 'none', '--username', 'x', '--password-env', 'PW'],
      { env: cliEnv({ PW: 'secret' }) },
    );
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(pop3Sentence({ host: '127.0.0.1', port: 110 }));
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);
  });

  it('with a wrong password saves nothing and says why', async () => {
    const run = await cli(['inbox', 'connect', '--account', t.accountId, ...imapArgs(mailUser), '--password-stdin', '--json'], { stdin: 'not-the-password\n' });
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('password_rejected');
    expect(error.message).toBe(disconnectSentence('password_rejected', { address: mailUser.address }));
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);
  });

  it('never takes the password as an argument', async () => {
    const run = await cli(['inbox', 'connect', '--account', t.accountId, ...imapArgs(mailUser), '--password', mailUser.password]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/never taken as arguments/);
    expect(await t.s.inboxes.list()).toEqual([]);
  });

  it('with the right password saves the inbox, the password encrypted, and lists it connected', async () => {
    const run = await cli(['inbox', 'connect', '--account', t.accountId, ...imapArgs(mailUser), '--password-env', 'IMAP_PW', '--json'], {
      env: cliEnv({ IMAP_PW: mailUser.password }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { inbox, hasIdle } = run.json<{ inbox: { id: string; status: string }; hasIdle: boolean }>();
    expect(inbox.status).toBe('connected');
    expect(hasIdle).toBe(true);
    expect(run.stdout).not.toContain(mailUser.password);

    const [row] = await t.db.sql<{ credentials: string }[]>`select credentials from inboxes where id = ${inbox.id}`;
    expect(row!.credentials).toMatch(new RegExp(`^v2:[^:]+:${inbox.id}:`));
    expect(row!.credentials).not.toContain(mailUser.password);
    const withCredentials = await t.s.inboxes.getWithCredentials<{ password: string }>(inbox.id, t.keys);
    expect(withCredentials!.credentials).toEqual({ password: mailUser.password });

    const list = await cli(['inbox', 'list', '--account', t.accountId, '--json']);
    const entries = list.json<{ id: string; status: string; reason: string | null; ownerEmail: string }[]>();
    expect(entries).toEqual([expect.objectContaining({ id: inbox.id, status: 'connected', reason: null, ownerEmail: mailUser.address })]);
  });

  it('inbox list shows a disconnect reason with its sentence', async () => {
    const { inbox } = await connectInbox(
      t.s,
      { userEmail: mailUser.address, address: mailUser.address, imap: { host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort, tls: 'starttls' }, username: mailUser.user, password: mailUser.password },
      { keys: t.keys, tlsCa: t.tlsCa },
    );
    await t.s.inboxes.markDisconnected(inbox.id, 'password_rejected', '[AUTHENTICATIONFAILED] Authentication failed.');
    const run = await cli(['inbox', 'list', '--account', t.accountId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('status: disconnected (password_rejected) since');
    expect(run.stdout).toContain(disconnectSentence('password_rejected', { address: mailUser.address }));
  });
});
