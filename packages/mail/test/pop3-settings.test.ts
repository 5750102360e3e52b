import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MailConnectError, MailSettingsError } from '../src/errors';
import { looksLikePop3, suggestedImapSettings } from '../src/pop3-settings';
import { verifyImapLogin } from '../src/verify-imap-login';

const credentials = { kind: 'password', username: 'ana@example.com', password: 'pw' } as const;

describe('POP3 settings are refused before connecting', () => {
  it.each([
    [{ host: 'pop.example.com', port: 995, tls: 'tls' as const }, 'imap.example.com:993'],
    [{ host: 'pop3.example.com', port: 993, tls: 'tls' as const }, 'imap.example.com:993'],
    [{ host: 'mail.example.com', port: 110, tls: 'starttls' as const }, 'mail.example.com:993'],
    [{ host: 'outlook.office365.com', port: 995, tls: 'tls' as const }, 'outlook.office365.com:993'],
  ])('%o → MailSettingsError pop3_not_supported suggesting %s', async (settings, suggestion) => {
    // The .com hosts are never contacted: the refusal comes first (a lookup would fail the test run here).
    const err = await verifyImapLogin(settings, credentials).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSettingsError);
    const e = err as MailSettingsError;
    expect(e.code).toBe('pop3_not_supported');
    expect(e.reason).toBe('pop3_not_supported');
    expect(e.sentence).toContain('only supports IMAP');
    expect(e.sentence).toContain(suggestion);
    expect(e.message).toBe(e.sentence);
  });

  it('does not mistake IMAP settings for POP3', () => {
    expect(looksLikePop3({ host: 'imap.example.com', port: 993 })).toBe(false);
    expect(looksLikePop3({ host: 'popular-mail.example.com', port: 143 })).toBe(false);
    expect(suggestedImapSettings({ host: 'POP.Example.com', port: 995 })).toEqual({ host: 'imap.Example.com', port: 993 });
  });
});

describe('a POP3 server on an IMAP port', () => {
  let server: net.Server | undefined;
  afterEach(() => server?.close());

  it('is detected from its +OK greeting → pop3_not_supported', async () => {
    server = net.createServer((s) => {
      s.on('error', () => {});
      s.write('+OK Dovecot ready.\r\n');
      s.on('data', () => s.write('-ERR Unknown command.\r\n'));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const err = await verifyImapLogin({ host: '127.0.0.1', port, tls: 'none' }, credentials, { greetingTimeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailConnectError);
    expect(err).toMatchObject({ kind: 'config', reason: 'pop3_not_supported', detail: '+OK Dovecot ready.' });
    expect((err as MailConnectError).sentence).toContain('only supports IMAP');
  });
});
