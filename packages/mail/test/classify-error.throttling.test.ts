// Providers' throttling answers, produced for real: imapflow against a loopback server that answers with
// Gmail's, Microsoft's and Dovecot's own words. Each is transient with its own throttle code (never a
// rejected password or a disconnect), and the inbox's last error names it in a sentence.
import { describe, expect, it } from 'vitest';
import { classifyMailError } from '../src/classify-error';
import { lastErrorFor, THROTTLE_SENTENCES } from '../src/throttle-reasons';
import { verifyImapLogin } from '../src/verify-imap-login';
import { errorFromScript as errorFrom, oauth, password } from './helpers/connect-error';
import { startScriptedImapServer, type Script } from './helpers/scripted-imap-server';

/** The answer to LOGIN and AUTHENTICATE alike (imapflow picks one by the capabilities). */
const atLogin = (answer: string): Script => ({ answers: { LOGIN: answer, AUTHENTICATE: answer } });
/** The answer to the INBOX open after a successful login. */
const atExamine = (answer: string): Script => ({ answers: { EXAMINE: answer, SELECT: answer } });

describe('classifyMailError: throttling answers are transient, with their own code', () => {
  it.each([
    ['Gmail\'s 16th connection, at LOGIN', atLogin('NO [ALERT] Too many simultaneous connections. (Failure)'), password, 'too_many_connections'],
    ['Gmail\'s 16th connection, at XOAUTH2', { ...atLogin('NO [ALERT] Too many simultaneous connections. (Failure)'), saslError: { status: '400', schemes: 'Bearer', scope: 'https://mail.google.com/' } }, oauth, 'too_many_connections'],
    ['Gmail over its bandwidth limits, at LOGIN', atLogin('NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)'), password, 'gmail_bandwidth_exceeded'],
    ['Gmail over its bandwidth limits, at EXAMINE', atExamine('NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)'), oauth, 'gmail_bandwidth_exceeded'],
    ['Gmail [THROTTLED] appended to a refusal', atExamine('NO System error (Failure) [THROTTLED]'), password, 'gmail_throttled'],
    ["Microsoft's 'authenticated but not connected' after an XOAUTH2 login", atExamine('BAD User is authenticated but not connected.'), oauth, 'office365_not_connected'],
    ["Microsoft's 'authenticated but not connected' after a password login", atExamine('BAD User is authenticated but not connected.'), password, 'office365_not_connected'],
    ['Dovecot [UNAVAILABLE] at LOGIN', atLogin('NO [UNAVAILABLE] Temporary authentication failure.'), password, 'server_unavailable'],
    ["Exchange's 'Server Unavailable. 15' at LOGIN", atLogin('NO Server Unavailable. 15'), password, 'server_unavailable'],
    [
      "Dovecot's per-user connection limit (BYE after LOGIN)",
      { byeOn: { verbs: ['LOGIN', 'AUTHENTICATE'], text: 'Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)' } },
      password,
      'too_many_connections',
    ],
  ] as const)('%s', async (_name, script, credentials, throttle) => {
    const cls = classifyMailError(await errorFrom(script, credentials), credentials);
    expect(cls).toMatchObject({ kind: 'transient', throttle });
    expect(cls.reason).toBeUndefined();
    const lastError = lastErrorFor(cls);
    expect(lastError).toContain(THROTTLE_SENTENCES[throttle]);
    expect(lastError).toContain(cls.detail);
    expect(lastError).not.toMatch(/secret/);
  });

  it("Microsoft's 'Request is throttled' keeps what is left of the server's suggested wait", async () => {
    const err = await errorFrom(atExamine('BAD Request is throttled. Suggested Backoff Time: 300 milliseconds'), oauth);
    // imapflow itself waited the 300 ms before failing the command, so nothing is left to wait
    expect(err).toMatchObject({ code: 'ETHROTTLE', throttleReset: 300 });
    expect(classifyMailError(err, oauth)).toMatchObject({ kind: 'transient', throttle: 'office365_throttled', retryAfterMs: 0 });
    const hinted = Object.assign(new Error('Command failed'), { code: 'ETHROTTLE', throttleReset: 92_415, throttleWaited: 30_000, responseText: 'Request is throttled. Suggested Backoff Time: 92415 milliseconds' });
    expect(classifyMailError(hinted, oauth)).toMatchObject({ throttle: 'office365_throttled', retryAfterMs: 62_415 });
  });

  it('a refused password stays a refused password, and other errors carry no throttle', async () => {
    const refused = await errorFrom(atLogin('NO [AUTHENTICATIONFAILED] Authentication failed.'), password);
    expect(classifyMailError(refused, password)).toEqual({ kind: 'auth', reason: 'password_rejected', detail: '[AUTHENTICATIONFAILED] Authentication failed.' });
    const full = Object.assign(new Error('Command failed'), { responseStatus: 'NO', responseText: 'Mailbox is full.', serverResponseCode: 'OVERQUOTA' });
    expect(classifyMailError(full, password)).toEqual({ kind: 'transient', detail: '[OVERQUOTA] Mailbox is full.' });
    expect(lastErrorFor({ detail: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('inbox connect tells the person the account is throttled and nothing was saved, not that the password is wrong', async () => {
    const server = await startScriptedImapServer(atLogin('NO [ALERT] Too many simultaneous connections. (Failure)'));
    const failed = await verifyImapLogin({ host: '127.0.0.1', port: server.port, tls: 'none' }, password).catch((e: unknown) => e);
    await server.close();
    expect(failed).toMatchObject({ name: 'MailConnectError', kind: 'transient', throttle: 'too_many_connections' });
    expect((failed as Error).message).toContain('Nothing was saved; try again in a few minutes');
    expect((failed as Error).message).not.toMatch(/password/i);
  });
});
