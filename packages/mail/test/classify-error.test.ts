// Error shapes are produced for real where we can: imapflow against a closed port and against a
// loopback server that answers with Gmail's and Microsoft's words, google-auth-library against a
// loopback token endpoint. The Dovecot ones (wrong password, self-signed cert) are in
// verify-imap-login.dovecot.test.ts.
import http from 'node:http';
import { InteractionRequiredAuthError } from '@azure/msal-node';
import { OAuth2Client } from 'google-auth-library';
import { closedPort, smtpAuthRefusal } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyMailError } from '../src/classify-error';
import { MailConnectError } from '../src/errors';
import { connectError, errorFromScript as errorFrom, oauth, password } from './helpers/connect-error';
import { startScriptedImapServer, type ScriptedServer } from './helpers/scripted-imap-server';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('classifyMailError: network', () => {
  it('a closed port (real ECONNREFUSED from imapflow) is transient, without a reason', async () => {
    const err = await connectError({ host: '127.0.0.1', port: await closedPort(), tls: 'none' }, password);
    expect((err as { code?: string }).code).toBe('ECONNREFUSED');
    const cls = classifyMailError(err, 'password');
    expect(cls).toEqual({ kind: 'transient', detail: expect.stringContaining('ECONNREFUSED') });
    expect(cls.reason).toBeUndefined();
  });

  it.each([
    ['ENOTFOUND', Object.assign(new Error('getaddrinfo ENOTFOUND imap.nowhere.test'), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'imap.nowhere.test' })],
    ['EAI_AGAIN', Object.assign(new Error('getaddrinfo EAI_AGAIN imap.example.com'), { code: 'EAI_AGAIN', errno: -3001, syscall: 'getaddrinfo' })],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:993'), { code: 'ETIMEDOUT', syscall: 'connect' })],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' })],
    ['imapflow NoConnection', Object.assign(new Error('Connection not available'), { code: 'NoConnection' })],
    ['imapflow ETIMEOUT', Object.assign(new Error('Socket timeout'), { code: 'ETIMEOUT' })],
    ['imapflow closed before greeting', Object.assign(new Error('Connection closed unexpectedly'), { code: 'ClosedAfterConnectTLS' })],
  ])('%s is transient', (_name, err) => {
    expect(classifyMailError(err, 'password').kind).toBe('transient');
    expect(classifyMailError(err, 'password').reason).toBeUndefined();
  });

  it('a transient cause inside a wrapper is still found', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyMailError(new Error('session failed', { cause: inner })).kind).toBe('transient');
    expect(classifyMailError(new AggregateError([inner], '')).kind).toBe('transient');
  });
});

describe('classifyMailError: the server refuses the login', () => {
  it('a plain AUTHENTICATIONFAILED is password_rejected for a password, with the server text as detail', async () => {
    const err = await errorFrom({ answers: { LOGIN: 'NO [AUTHENTICATIONFAILED] Authentication failed.', AUTHENTICATE: 'NO [AUTHENTICATIONFAILED] Authentication failed.' } }, password);
    expect(err).toMatchObject({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' });
    expect(classifyMailError(err, password)).toEqual({ kind: 'auth', reason: 'password_rejected', detail: '[AUTHENTICATIONFAILED] Authentication failed.' });
  });

  it('Gmail refusing an XOAUTH2 token (SASL error JSON) is oauth_revoked, the JSON kept in detail', async () => {
    const err = await errorFrom(
      { saslError: { status: '400', schemes: 'Bearer', scope: 'https://mail.google.com/' }, answers: { AUTHENTICATE: 'NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)' } },
      oauth,
    );
    expect(err).toMatchObject({ authenticationFailed: true, oauthError: { status: '400' } });
    const cls = classifyMailError(err, oauth);
    expect(cls).toMatchObject({ kind: 'auth', reason: 'oauth_revoked' });
    expect(cls.detail).toContain('Invalid credentials (Failure)');
    expect(cls.detail).toContain('"status":"400"');
    expect(cls.detail).not.toContain('secret');
  });

  it('an XOAUTH2 token without the needed scope is consent_missing', async () => {
    const err = await errorFrom({ saslError: { status: 'insufficient_scope', schemes: 'bearer', scope: 'mail' }, answers: { AUTHENTICATE: 'NO [AUTHENTICATIONFAILED] Authentication failed.' } }, oauth);
    expect(classifyMailError(err, oauth)).toMatchObject({ kind: 'auth', reason: 'consent_missing' });
  });

  it("Microsoft's bare 'AUTHENTICATE failed.' is oauth_revoked for a token, password_rejected for a password", async () => {
    const err = await errorFrom({ answers: { AUTHENTICATE: 'NO AUTHENTICATE failed.' } }, oauth);
    expect(classifyMailError(err, oauth)).toEqual({ kind: 'auth', reason: 'oauth_revoked', detail: 'AUTHENTICATE failed.' });
    const err2 = await errorFrom({ answers: { LOGIN: 'NO LOGIN failed.', AUTHENTICATE: 'NO LOGIN failed.' } }, password);
    expect(classifyMailError(err2, password)).toMatchObject({ kind: 'auth', reason: 'password_rejected' });
  });

  it("Gmail's 'Application-specific password required' is password_rejected (an app password is needed)", async () => {
    const text = '[ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)';
    const err = await errorFrom({ answers: { LOGIN: `NO ${text}`, AUTHENTICATE: `NO ${text}` } }, password);
    expect(classifyMailError(err, password)).toEqual({ kind: 'auth', reason: 'password_rejected', detail: text });
  });

  it("Gmail's 'Please log in via your web browser' is password_rejected", async () => {
    const text = '[ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)';
    const err = await errorFrom({ answers: { LOGIN: `NO ${text}`, AUTHENTICATE: `NO ${text}` } }, password);
    expect(classifyMailError(err, password)).toMatchObject({ kind: 'auth', reason: 'password_rejected' });
  });

  it("Gmail's 'not enabled for IMAP use' is imap_disabled", async () => {
    const text = '[ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)';
    const err = await errorFrom({ answers: { LOGIN: `NO ${text}`, AUTHENTICATE: `NO ${text}` } }, password);
    expect(classifyMailError(err, password)).toEqual({ kind: 'auth', reason: 'imap_disabled', detail: text });
  });

  it('never puts the password or token into detail', () => {
    const err = Object.assign(new Error('Command failed'), { responseStatus: 'NO', response: `2 NO [AUTHENTICATIONFAILED] bad hunter2-secret auth=Bearer ya29.a0-secret-token`, authenticationFailed: true });
    expect(classifyMailError(err, password).detail).not.toContain('hunter2-secret');
    expect(classifyMailError(err, oauth).detail).not.toContain('ya29.a0-secret-token');
  });
});

describe('classifyMailError: TLS and settings', () => {
  it.each(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    '%s is tls_certificate_invalid',
    (code) => {
      const err = Object.assign(new Error('certificate problem'), { code, tlsFailed: true });
      expect(classifyMailError(err, 'password')).toEqual({ kind: 'tls', reason: 'tls_certificate_invalid', detail: `${code}: certificate problem` });
    },
  );

  it('a server without STARTTLS when it is required is a settings problem, not a certificate one', async () => {
    server = await startScriptedImapServer({ capabilities: 'IMAP4rev1 AUTH=PLAIN' });
    const err = await connectError({ host: '127.0.0.1', port: server.port, tls: 'starttls' }, password);
    expect(classifyMailError(err, password)).toMatchObject({ kind: 'config', detail: expect.stringContaining('STARTTLS') });
    // and no credentials were sent in cleartext
    expect(server.received.some((l) => /LOGIN|AUTHENTICATE/i.test(l))).toBe(false);
  });

  it('implicit TLS against a plaintext port is a settings problem', async () => {
    server = await startScriptedImapServer({});
    const err = await connectError({ host: '127.0.0.1', port: server.port, tls: 'tls' }, password);
    expect(classifyMailError(err, password).kind).toBe('config');
  });

  it('our own errors keep their classification', () => {
    const err = new MailConnectError({ kind: 'auth', reason: 'password_rejected', detail: 'x', sentence: 'y' });
    expect(classifyMailError(err)).toEqual({ kind: 'auth', reason: 'password_rejected', detail: 'x' });
  });

  it('anything else is unknown, with its message as detail', () => {
    expect(classifyMailError(new Error('something odd'))).toEqual({ kind: 'unknown', detail: 'something odd' });
    expect(classifyMailError('a string')).toEqual({ kind: 'unknown', detail: 'a string' });
  });
});

describe('classifyMailError: OAuth token endpoints', () => {
  let tokenServer: http.Server | undefined;
  afterEach(() => tokenServer?.close());

  async function googleRefreshError(status: number, body: object): Promise<unknown> {
    tokenServer = http.createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => tokenServer!.listen(0, '127.0.0.1', resolve));
    const port = (tokenServer.address() as { port: number }).port;
    const client = new OAuth2Client({ clientId: 'id', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `http://127.0.0.1:${port}/token` } });
    client.setCredentials({ refresh_token: 'refresh-secret' });
    try {
      await client.getAccessToken();
    } catch (err) {
      return err;
    }
    throw new Error('expected the refresh to fail');
  }

  it("Google's invalid_grant (real google-auth-library error) is oauth_revoked", async () => {
    const err = await googleRefreshError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(classifyMailError(err, 'oauth2')).toEqual({ kind: 'auth', reason: 'oauth_revoked', detail: 'invalid_grant: Token has been expired or revoked.' });
  });

  it("Google's invalid_scope is consent_missing", async () => {
    const err = await googleRefreshError(400, { error: 'invalid_scope', error_description: 'Some requested scopes were invalid.' });
    expect(classifyMailError(err, 'oauth2')).toMatchObject({ kind: 'auth', reason: 'consent_missing' });
  });

  it("Microsoft's invalid_grant with AADSTS50173 (sessions revoked, e.g. by a password reset) is sessions_revoked, other invalid_grant oauth_revoked", () => {
    const changed = new InteractionRequiredAuthError(
      'invalid_grant',
      'corr-1',
      'AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
      '',
      '',
      '',
      '',
      '50173',
    );
    expect(classifyMailError(changed, 'oauth2')).toMatchObject({ kind: 'auth', reason: 'sessions_revoked' });
    const revoked = new InteractionRequiredAuthError('invalid_grant', 'corr-2', 'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.');
    expect(classifyMailError(revoked, 'oauth2')).toMatchObject({ kind: 'auth', reason: 'oauth_revoked' });
    const consent = new InteractionRequiredAuthError('invalid_grant', 'corr-3', "AADSTS65001: The user or administrator has not consented to use the application.");
    expect(classifyMailError(consent, 'oauth2')).toMatchObject({ kind: 'auth', reason: 'consent_missing' });
  });
});

describe('classifyMailError: Office 365 refusing SMTP AUTH (real nodemailer errors from a loopback server)', () => {
  const TENANT = '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [TY1PR01CA0183.jpnprd01.prod.outlook.com]';
  const MAILBOX = '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]';

  it.each([
    ['tenant, password', TENANT, password],
    ['mailbox, password', MAILBOX, password],
    ['tenant, XOAUTH2', TENANT, oauth],
  ])('535 5.7.139 "SmtpClientAuthentication is disabled" (%s) is smtp_auth_disabled, not a rejected password', async (_, reply, credentials) => {
    const err = await smtpAuthRefusal(reply, credentials);
    expect(err).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    const cls = classifyMailError(err, credentials);
    expect(cls).toMatchObject({ kind: 'auth', reason: 'smtp_auth_disabled' });
    expect(cls.detail).toContain('SmtpClientAuthentication is disabled');
  });

  it('"basic authentication is disabled" (535 5.7.139) and "not supported for Client Submission" (550 5.7.30) are basic_auth_disabled', async () => {
    const disabled = await smtpAuthRefusal('535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [PN0PR01CA0024.INDPRD01.PROD.OUTLOOK.COM 2025-01-26T18:54:30.055Z 08DD3DD7D75D7743]', password);
    expect(classifyMailError(disabled, password)).toMatchObject({ kind: 'auth', reason: 'basic_auth_disabled' });
    const retired = await smtpAuthRefusal('550 5.7.30 Basic authentication is not supported for Client Submission.', password);
    expect(classifyMailError(retired, password)).toMatchObject({ kind: 'auth', reason: 'basic_auth_disabled' });
  });

  it('a plain 535 5.7.3 is still a rejected password', async () => {
    const err = await smtpAuthRefusal('535 5.7.3 Authentication unsuccessful [SN4PR0601CA0002.namprd06.prod.outlook.com]', password);
    expect(classifyMailError(err, password)).toMatchObject({ kind: 'auth', reason: 'password_rejected' });
  });
});
