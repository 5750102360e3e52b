// `inbox connect --tls none` sends the password unencrypted: fine to a server on this machine, refused
// for any other host unless --allow-plaintext says so (stored on the inbox, shown by `inbox show`).
// 0.0.0.0 stands in for "a server elsewhere": it is not a loopback address by the rule (127.0.0.0/8,
// ::1, localhost), yet on Linux a connection to it reaches the local stack's Dovecot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let mailUser: MailUser;
beforeEach(async () => {
  t = await freshAccount();
  mailUser = await createMailUser({ profile: 'standard' });
  await t.s.users.add({ email: mailUser.address });
});
afterEach(async () => {
  await t?.close();
});

const NOT_LOOPBACK = '0.0.0.0';
const connectArgs = (host: string, extra: string[] = []) => [
  'inbox', 'connect', '--account', t.accountId, '--user', mailUser.address, '--address', mailUser.address,
  '--host', host, '--port', String(stack.profiles.standard.imapPort), '--tls', 'none', '--username', mailUser.user,
  '--password-env', 'IMAP_PW', '--json', ...extra,
];
const env = () => cliEnv({ IMAP_PW: mailUser.password });
const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string } }).error;

describe('inbox connect --tls none', () => {
  it('to a host that is not loopback: refused with plaintext_not_allowed before the password is read; nothing saved', async () => {
    // --password-stdin with nothing on stdin: had the password been read first, that would be the error.
    const run = await cli([...connectArgs(NOT_LOOPBACK).filter((a) => a !== '--password-env' && a !== 'IMAP_PW'), '--password-stdin']);
    expect(run.code).toBe(1);
    const error = errorOf(run.stderr);
    expect(error.code).toBe('plaintext_not_allowed');
    expect(error.message).toContain(`IMAP server ${NOT_LOOPBACK}:${stack.profiles.standard.imapPort} would receive the password unencrypted`);
    expect(error.message).toContain('--allow-plaintext');
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);

    const smtp = await cli([...connectArgs('127.0.0.1'), '--smtp-host', NOT_LOOPBACK, '--smtp-port', '25', '--smtp-tls', 'none'], { env: env() });
    expect(errorOf(smtp.stderr)).toMatchObject({ code: 'plaintext_not_allowed', message: expect.stringContaining(`SMTP server ${NOT_LOOPBACK}:25`) });
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);
  });

  it('with --allow-plaintext: logs in, saves the inbox with the allowance and shows it', async () => {
    const run = await cli(connectArgs(NOT_LOOPBACK, ['--allow-plaintext']), { env: env() });
    expect(run.stderr).toBe('');
    const { inbox } = run.json<{ inbox: { id: string; status: string; allowPlaintext: boolean } }>();
    expect(inbox).toMatchObject({ status: 'connected', allowPlaintext: true });
    const show = await cli(['inbox', 'show', inbox.id, '--account', t.accountId]);
    expect(show.stdout).toContain(`${NOT_LOOPBACK}:${stack.profiles.standard.imapPort} (none, plaintext allowed (--allow-plaintext))`);

    // A reconnect keeps the allowance; moving to STARTTLS drops it (nothing left to allow).
    const again = await cli(['inbox', 'reconnect', inbox.id, '--account', t.accountId, '--password-env', 'IMAP_PW', '--json'], { env: env() });
    expect(again.stderr).toBe('');
    expect((await t.s.inboxes.get(inbox.id))?.allowPlaintext).toBe(true);
    const tls = await cli(['inbox', 'reconnect', inbox.id, '--account', t.accountId, '--host', '127.0.0.1', '--tls', 'starttls', '--password-env', 'IMAP_PW', '--json'], {
      env: cliEnv({ IMAP_PW: mailUser.password, REPLY_SYNC_TLS_CA_FILE: stack.caCertPath }),
    });
    expect(tls.stderr).toBe('');
    expect((await t.s.inboxes.get(inbox.id))?.allowPlaintext).toBe(false);
    const back = await cli(['inbox', 'reconnect', inbox.id, '--account', t.accountId, '--host', NOT_LOOPBACK, '--tls', 'none', '--password-env', 'IMAP_PW', '--json'], { env: env() });
    expect(errorOf(back.stderr).code).toBe('plaintext_not_allowed');
  });

  it('to a loopback host: accepted without the flag, and nothing is recorded as allowed', async () => {
    const run = await cli(connectArgs('127.0.0.1'), { env: env() });
    expect(run.stderr).toBe('');
    expect(run.json<{ inbox: { allowPlaintext: boolean } }>().inbox.allowPlaintext).toBe(false);
  });
});
