// TLS mode `none` is for servers on this machine; elsewhere only when the inbox explicitly allows it.
import { describe, expect, it } from 'vitest';
import { createImapClient } from '../src/create-imap-client';
import { createSmtpTransport } from '../src/create-smtp-transport';
import { classifyMailError } from '../src/classify-error';
import { MailSettingsError } from '../src/errors';
import { assertPlaintextAllowed, isLoopbackHost } from '../src/plaintext-policy';
import type { MailCredentials } from '../src/settings';
import { verifyImapLogin } from '../src/verify-imap-login';

const password: MailCredentials = { kind: 'password', username: 'ana@example.com', password: 'pw' };

describe('plaintext policy', () => {
  it.each(['127.0.0.1', '127.10.20.30', 'localhost', 'LOCALHOST.', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['mail.example.com', '10.0.0.5', '192.168.1.10', '128.0.0.1', '::2', 'localhost.example.com', '127.0.0.1.nip.io', '::ffff:10.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses tls none to a remote host with a code and a sentence naming the server and what to do', () => {
    const refused = (() => {
      try {
        assertPlaintextAllowed({ host: 'mail.example.com', port: 143, tls: 'none' }, 'IMAP');
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(MailSettingsError);
    expect(refused).toMatchObject({ code: 'plaintext_not_allowed', reason: 'plaintext_not_allowed', kind: 'config' });
    expect((refused as Error).message).toMatch(/IMAP server mail\.example\.com:143 would receive the password unencrypted/);
    expect((refused as Error).message).toMatch(/--allow-plaintext/);
    // The worker disconnects with that reason rather than retrying.
    expect(classifyMailError(refused)).toMatchObject({ kind: 'config', reason: 'plaintext_not_allowed' });
  });

  it('accepts it with the allowance, for loopback, and TLS modes anywhere', () => {
    expect(() => assertPlaintextAllowed({ host: 'mail.example.com', port: 143, tls: 'none', allowPlaintext: true }, 'IMAP')).not.toThrow();
    expect(() => assertPlaintextAllowed({ host: '127.0.0.1', port: 143, tls: 'none' }, 'IMAP')).not.toThrow();
    expect(() => assertPlaintextAllowed({ host: 'mail.example.com', port: 143, tls: 'starttls' }, 'IMAP')).not.toThrow();
  });

  it('no IMAP client or SMTP transport is built for refused settings, so no password leaves the process', async () => {
    expect(() => createImapClient({ host: 'mail.example.com', port: 143, tls: 'none' }, password)).toThrow(/plaintext|unencrypted/);
    expect(() => createSmtpTransport({ host: 'smtp.example.com', port: 25, tls: 'none' }, password)).toThrow(/SMTP server smtp\.example\.com:25/);
    await expect(verifyImapLogin({ host: 'mail.example.com', port: 143, tls: 'none' }, password)).rejects.toMatchObject({ code: 'plaintext_not_allowed' });
  });
});
