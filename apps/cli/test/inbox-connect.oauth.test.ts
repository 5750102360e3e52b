// `inbox connect --provider gmail|office365` and `inbox reconnect` of an oauth2 inbox, against the
// stack's fake OAuth server and Dovecot (XOAUTH2 via introspection), configured only by --stack: the
// sign-in URL is printed, the pasted code exchanged, the IMAP login proven, and the refresh token
// stored only encrypted; a grant without the IMAP scope is refused (consent_missing) and saves nothing.
import { request } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disconnectSentence, GMAIL_SCOPES, OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE, type OAuthErrorCode } from '@reply-sync/mail';
import { createMailUser, oauthServer, removeMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let mailUser: MailUser | undefined;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  if (mailUser) await removeMailUser(mailUser).catch(() => undefined);
  mailUser = undefined;
  await t?.close();
});

const fakeProvider = (p: 'gmail' | 'office365') => (p === 'gmail' ? 'google' : 'microsoft');

/** A Dovecot user on the profile the provider's IMAP points at under --stack, who owns the inbox. */
async function ownerFor(provider: 'gmail' | 'office365'): Promise<MailUser> {
  mailUser = await createMailUser({ profile: provider === 'gmail' ? 'gmail' : 'standard' });
  await t.s.users.add({ email: mailUser.address });
  return mailUser;
}

/** The last JSON line of stderr (the sign-in URL line comes first under --json). */
function lastJsonLine(stderr: string): any {
  const lines = stderr.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

/** Follows the printed URL to the fake server's auto-approving consent page; returns where it redirects. */
function followConsent(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: stack.caCert }, (res) => {
      res.resume();
      if (res.statusCode === 302 && res.headers.location) resolve(res.headers.location);
      else reject(new Error(`consent page answered ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(['gmail', 'office365'] as const)('inbox connect --provider %s (--stack)', (provider) => {
  it('prints the sign-in URL, exchanges the pasted code, logs in with XOAUTH2 and stores the refresh token encrypted', async () => {
    const owner = await ownerFor(provider);
    const grant = await oauthServer.createGrant({ provider: fakeProvider(provider), username: owner.user });

    const run = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', provider, '--user', owner.address, '--json'], {
      env: {},
      stdin: `${grant.code}\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    const { authorizationUrl } = lastJsonLine(run.stderr) as { authorizationUrl: string };
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(oauthServer.urls.https);
    const scopes = url.searchParams.get('scope')!.split(' ');
    if (provider === 'gmail') {
      expect(url.searchParams.get('login_hint')).toBe(owner.address);
      expect(scopes).toEqual([...GMAIL_SCOPES]);
      expect(url.searchParams.get('access_type')).toBe('offline');
    } else {
      expect(scopes).toEqual(expect.arrayContaining([OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE, 'offline_access']));
      expect(scopes.filter((s) => s.startsWith('https://'))).toEqual([OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE]);
    }

    const { inbox, hasIdle } = run.json<{ inbox: { id: string; status: string; provider: string; authKind: string; address: string; username: string; imapPort: number }; hasIdle: boolean }>();
    expect(inbox).toMatchObject({ status: 'connected', provider, authKind: 'oauth2', address: owner.address, username: owner.user });
    expect(inbox.imapPort).toBe(provider === 'gmail' ? stack.profiles.gmail.imapsPort : stack.profiles.standard.imapsPort);
    expect(hasIdle).toBe(true);
    expect(run.stdout).not.toContain(grant.code);
    expect((await oauthServer.grant(grant.grantId)).codeExchangeCount).toBe(1);

    const stored = await t.s.inboxes.getWithCredentials<{ refreshToken: string; accessToken: string; accessTokenExpiresAt: string; grantedScopes: string[] }>(inbox.id, t.keys);
    const { refreshToken, accessToken, accessTokenExpiresAt, grantedScopes } = stored!.credentials;
    expect(refreshToken).toMatch(/^fake-rt-/);
    expect(accessToken).toMatch(/^fake-at-/);
    expect(new Date(accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(grantedScopes).toContain(provider === 'gmail' ? GMAIL_SCOPES[0] : OFFICE365_IMAP_SCOPE);
    const [row] = await t.db.sql<{ credentials: string }[]>`select credentials from inboxes where id = ${inbox.id}`;
    expect(row!.credentials).toMatch(/^v2:[^:]+:/);
    expect(row!.credentials).not.toContain(refreshToken);
    expect(run.stdout + run.stderr).not.toContain(refreshToken);

    const show = await cli(['inbox', 'show', '--account', t.accountId, inbox.id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('status: connected');
    expect(show.stdout).toContain(`provider: ${provider} (OAuth)`);
  });

  it('refuses a grant without the IMAP scope with consent_missing, its sentence and the provider text, and saves nothing', async () => {
    const owner = await ownerFor(provider);
    const scopes = provider === 'gmail' ? ['https://www.googleapis.com/auth/userinfo.email'] : [OFFICE365_SMTP_SCOPE, 'offline_access', 'openid', 'profile'];
    const grant = await oauthServer.createGrant({ provider: fakeProvider(provider), username: owner.user, scopes });

    const json = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', provider, '--user', owner.address, '--json', '--code-env', 'OAUTH_CODE'], {
      env: { OAUTH_CODE: grant.code },
    });
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    const { error } = lastJsonLine(json.stderr) as { error: { code: OAuthErrorCode; message: string; detail: string } };
    expect(error.code).toBe('consent_missing');
    expect(error.message).toBe(disconnectSentence('consent_missing', { address: 'this inbox' }));
    expect(error.detail).toMatch(provider === 'gmail' ? /does not include https:\/\/mail\.google\.com\// : /AADSTS65001/);
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);

    const human = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', provider, '--user', owner.address], {
      env: {},
      stdin: `${await oauthServer.newCode(grant.grantId)}\n`,
    });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`error: ${error.message}`);
    expect(human.stderr).toMatch(/\n {2}detail: \S/);
    expect(await t.s.inboxes.list({ includeRemoved: true })).toEqual([]);
  });
});

describe('inbox connect --provider: the code', () => {
  it('is never taken as an argument, and a pasted redirect address works (its state checked)', async () => {
    const refused = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', 'gmail', '--team', '--code', 'x', '--json'], { env: {} });
    expect(refused.code).toBe(1);
    expect(lastJsonLine(refused.stderr).error.code).toBe('code_argument_refused');

    const conflict = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', 'gmail', '--team', '--host', 'imap.example.com', '--json'], { env: {} });
    expect(conflict.code).toBe(1);
    expect(lastJsonLine(conflict.stderr).error.code).toBe('oauth_options_conflict');

    // The whole flow as a user runs it: follow the printed URL (the fake consent page signs in
    // `login_hint` at once) and paste the address the browser ends on.
    const owner = await ownerFor('gmail');
    const { PassThrough } = await import('node:stream');
    const stdin = new PassThrough();
    let stderr = '';
    let stdout = '';
    const { runCli } = await import('../src/main');
    const done = runCli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', 'gmail', '--user', owner.address, '--json'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: {
        write: (s: string) => {
          stderr += s;
          const line = JSON.parse(s) as { authorizationUrl?: string };
          if (line.authorizationUrl) void followConsent(line.authorizationUrl).then((redirected) => stdin.write(`${redirected}\n`), (e: Error) => stdin.destroy(e));
        },
      },
      stdin,
      env: {},
    });
    expect(await done, stderr).toBe(0);
    expect(JSON.parse(stdout).inbox).toMatchObject({ provider: 'gmail', authKind: 'oauth2', address: owner.address, status: 'connected' });

    const wrongState = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', 'gmail', '--user', owner.address, '--json'], {
      env: {},
      stdin: 'http://localhost/?state=someone-elses&code=4/abc\n',
    });
    expect(lastJsonLine(wrongState.stderr).error.code).toBe('oauth_state_mismatch');
  });
});

describe('inbox reconnect of an oauth2 inbox', () => {
  it('signs in again, stores the new grant and clears the disconnect reason', async () => {
    const owner = await ownerFor('office365');
    const first = await oauthServer.createGrant({ provider: 'microsoft', username: owner.user });
    const connected = await cli(['--stack', 'inbox', 'connect', '--account', t.accountId, '--provider', 'office365', '--user', owner.address, '--json'], {
      env: {},
      stdin: `${first.code}\n`,
    });
    expect(connected.code, connected.stderr).toBe(0);
    const inboxId = connected.json().inbox.id as string;
    await oauthServer.revoke(first.grantId);
    await t.s.inboxes.markDisconnected(inboxId, 'oauth_revoked', 'invalid_grant: AADSTS70008: ...');

    // Signed in as somebody else: refused, nothing changed.
    const stranger = await oauthServer.createGrant({ provider: 'microsoft', username: `someone-else@${stack.profiles.standard.domain}` });
    const mismatch = await cli(['--stack', 'inbox', 'reconnect', '--account', t.accountId, inboxId, '--json'], { env: {}, stdin: `${stranger.code}\n` });
    expect(lastJsonLine(mismatch.stderr).error.code).toBe('oauth_account_mismatch');
    expect((await t.s.inboxes.get(inboxId))!.status).toBe('disconnected');

    const second = await oauthServer.createGrant({ provider: 'microsoft', username: owner.user });
    const run = await cli(['--stack', 'inbox', 'reconnect', '--account', t.accountId, inboxId, '--json'], { env: {}, stdin: `${second.code}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().inbox).toMatchObject({ id: inboxId, status: 'connected', disconnectReason: null });
    const stored = await t.s.inboxes.getWithCredentials<{ refreshToken: string }>(inboxId, t.keys);
    expect(stored!.credentials.refreshToken).not.toBe(first.refreshToken);
    expect((await oauthServer.grant(second.grantId)).codeExchangeCount).toBe(1);

    const show = await cli(['inbox', 'show', '--account', t.accountId, inboxId, '--json']);
    const d = show.json();
    expect(d).toMatchObject({ status: 'connected', reason: null, reasonDetail: null });
    expect(d.history.map((h: { status: string }) => h.status)).toEqual(['connected', 'disconnected', 'connected']);
  });
});
