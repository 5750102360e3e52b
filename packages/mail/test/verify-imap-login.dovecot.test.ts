// Against the real Dovecot of the test stack (scripts/stack.sh start): TLS modes, the self-signed
// certificate, a wrong password, Sent on both profiles. One failed login in the whole file.
import { createMailUser, removeMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyMailError } from '../src/classify-error';
import { createImapClient } from '../src/create-imap-client';
import { MailConnectError } from '../src/errors';
import { findSentMailbox } from '../src/find-sent-mailbox';
import type { ImapSettings, MailCredentials, MailLogger } from '../src/settings';
import { verifyImapLogin } from '../src/verify-imap-login';
import { closedPort } from '@reply-sync/testkit';

const { standard, gmail } = stack.profiles;
const imaps = (p = standard): ImapSettings => ({ host: p.host, port: p.imapsPort, tls: 'tls' });
const starttls = (p = standard): ImapSettings => ({ host: p.host, port: p.imapPort, tls: 'starttls' });
const creds = (u: MailUser): MailCredentials => ({ kind: 'password', username: u.user, password: u.password });

let ana: MailUser;
let gina: MailUser;
beforeAll(async () => {
  [ana, gina] = await Promise.all([createMailUser({ profile: 'standard' }), createMailUser({ profile: 'gmail' })]);
});
afterAll(async () => {
  await Promise.all([removeMailUser(ana), removeMailUser(gina)]);
});

describe('verifyImapLogin against Dovecot', () => {
  it('IMAPS with the stack CA: logs in, finds Sent, reports IDLE', async () => {
    const result = await verifyImapLogin(imaps(), creds(ana), { ca: stack.caCert });
    expect(result).toMatchObject({ ok: true, sentMailbox: 'Sent', hasIdle: true });
    expect(result.capabilities).toContain('IMAP4rev1');
  });

  it('IMAPS without the CA: the self-signed certificate is tls_certificate_invalid, before any login', async () => {
    const err = await verifyImapLogin(imaps(), creds(ana)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailConnectError);
    expect(err).toMatchObject({ kind: 'tls', reason: 'tls_certificate_invalid' });
    const cause = (err as MailConnectError).cause as { code?: string };
    expect(cause.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect((err as MailConnectError).sentence).toContain(ana.user);
  });

  it('STARTTLS on the plaintext port with the CA works; without it the certificate is refused', async () => {
    await expect(verifyImapLogin(starttls(), creds(ana), { ca: stack.caCert })).resolves.toMatchObject({ ok: true, sentMailbox: 'Sent' });
    await expect(verifyImapLogin(starttls(), creds(ana))).rejects.toMatchObject({ kind: 'tls', reason: 'tls_certificate_invalid' });
  });

  it("'none' stays plaintext even though STARTTLS is offered; 'starttls' upgrades", async () => {
    const plain = createImapClient({ ...starttls(), tls: 'none' }, creds(ana));
    await plain.connect();
    expect(plain.secureConnection).toBe(false);
    await plain.logout();
    const upgraded = createImapClient(starttls(), creds(ana), { ca: stack.caCert });
    await upgraded.connect();
    expect(upgraded.secureConnection).toBe(true);
    await upgraded.logout();
  });

  it('a wrong password is password_rejected with the sentence, and the password appears nowhere', async () => {
    const lines: unknown[] = [];
    const capture = (obj: unknown, msg?: string): void => void lines.push([obj, msg]);
    const logger: MailLogger = { trace: capture, debug: capture, info: capture, warn: capture, error: capture };
    const wrong: MailCredentials = { kind: 'password', username: ana.user, password: 'wrong-Pa55word-xyz' };
    const err = await verifyImapLogin(imaps(), wrong, { ca: stack.caCert, logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailConnectError);
    const e = err as MailConnectError;
    expect(e).toMatchObject({ kind: 'auth', reason: 'password_rejected', detail: '[AUTHENTICATIONFAILED] Authentication failed.' });
    expect(e.sentence).toBe(`The mail server rejected the password for ${ana.user}; it was probably changed. Reconnect the inbox with the new password.`);
    expect(classifyMailError(e.cause, 'password')).toMatchObject({ kind: 'auth', reason: 'password_rejected' });
    const everything = JSON.stringify([lines, e, e.detail, e.sentence, e.message]);
    expect(everything).not.toContain('wrong-Pa55word-xyz');
    expect(everything).not.toContain(Buffer.from(`\0${ana.user}\0wrong-Pa55word-xyz`).toString('base64'));
  });

  it('a closed port is transient: no reason yet, a sentence that says to check host and port', async () => {
    const port = await closedPort();
    const err = await verifyImapLogin({ host: '127.0.0.1', port, tls: 'tls' }, creds(ana)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', reason: undefined });
    expect((err as MailConnectError).sentence).toMatch(/Could not reach the IMAP server 127\.0\.0\.1:\d+ .*ECONNREFUSED/);
  });
});

describe('findSentMailbox against Dovecot', () => {
  it('standard profile: Sent', async () => {
    const client = createImapClient(imaps(), creds(ana), { ca: stack.caCert });
    await client.connect();
    try {
      expect(await findSentMailbox(client)).toBe('Sent');
    } finally {
      await client.logout();
    }
  });

  it('gmail profile: [Gmail]/Sent Mail (the [Gmail] parent is \\Noselect)', async () => {
    const client = createImapClient(imaps(gmail), creds(gina), { ca: stack.caCert });
    await client.connect();
    try {
      expect(await findSentMailbox(client)).toBe('[Gmail]/Sent Mail');
    } finally {
      await client.logout();
    }
    await expect(verifyImapLogin(starttls(gmail), creds(gina), { ca: stack.caCert })).resolves.toMatchObject({ sentMailbox: '[Gmail]/Sent Mail' });
  });
});
