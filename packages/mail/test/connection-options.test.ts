import { describe, expect, it } from 'vitest';
import { imapFlowOptions, trustedCas } from '../src/create-imap-client';
import { smtpTransportOptions } from '../src/create-smtp-transport';
import type { MailCredentials } from '../src/settings';

const password: MailCredentials = { kind: 'password', username: 'ana@example.com', password: 'pw' };
const oauth: MailCredentials = { kind: 'oauth2', username: 'ana@example.com', accessToken: 'tok' };

describe('imapFlowOptions', () => {
  it('tls: implicit TLS', () => {
    expect(imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, password)).toMatchObject({ secure: true, doSTARTTLS: undefined });
  });
  it('starttls: plaintext connect that must upgrade', () => {
    expect(imapFlowOptions({ host: 'h', port: 143, tls: 'starttls' }, password)).toMatchObject({ secure: false, doSTARTTLS: true });
  });
  it('none: stays plaintext even when STARTTLS is offered (loopback, or a host the inbox allows plaintext for)', () => {
    expect(imapFlowOptions({ host: '127.0.0.1', port: 143, tls: 'none' }, password)).toMatchObject({ secure: false, doSTARTTLS: false });
    expect(imapFlowOptions({ host: 'h', port: 143, tls: 'none', allowPlaintext: true }, password)).toMatchObject({ secure: false, doSTARTTLS: false });
  });
  it('password → auth.pass, oauth2 → auth.accessToken (XOAUTH2/OAUTHBEARER)', () => {
    expect(imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, password).auth).toEqual({ user: 'ana@example.com', pass: 'pw' });
    expect(imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, oauth).auth).toEqual({ user: 'ana@example.com', accessToken: 'tok' });
  });
  it('logs nothing by default, no auto-IDLE, a ca adds to the system roots', () => {
    const o = imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, password, { ca: 'PEM' });
    expect(o).toMatchObject({ logger: false, emitLogs: false, disableAutoIdle: true });
    const ca = trustedCas('PEM');
    expect(ca.at(-1)).toBe('PEM');
    expect(ca.length).toBeGreaterThan(10);
    expect(o.tls?.rejectUnauthorized).toBe(true);
  });

  it('shares one TLS context per CA instead of building one per connection', () => {
    const first = imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, password, { ca: 'PEM' });
    const second = imapFlowOptions({ host: 'h2', port: 993, tls: 'tls' }, password, { ca: 'PEM' });
    const other = imapFlowOptions({ host: 'h', port: 993, tls: 'tls' }, password, { ca: 'OTHER PEM' });
    const context = (first.tls as { secureContext?: unknown }).secureContext;
    expect(context).toBeDefined();
    expect((second.tls as { secureContext?: unknown }).secureContext).toBe(context);
    expect((other.tls as { secureContext?: unknown }).secureContext).not.toBe(context);
  });
});

describe('smtpTransportOptions', () => {
  it.each([
    ['tls', { secure: true, requireTLS: false, ignoreTLS: false }],
    ['starttls', { secure: false, requireTLS: true, ignoreTLS: false }],
    ['none', { secure: false, requireTLS: false, ignoreTLS: true }],
  ] as const)('%s', (tls, expected) => {
    expect(smtpTransportOptions({ host: 'localhost', port: 587, tls }, password)).toMatchObject(expected);
  });
  it('password or XOAUTH2 auth, no logger', () => {
    expect(smtpTransportOptions({ host: 'h', port: 587, tls: 'starttls' }, password)).toMatchObject({ auth: { user: 'ana@example.com', pass: 'pw' }, logger: false, debug: false });
    expect(smtpTransportOptions({ host: 'h', port: 587, tls: 'starttls' }, oauth).auth).toEqual({ type: 'OAuth2', user: 'ana@example.com', accessToken: 'tok' });
  });
});
