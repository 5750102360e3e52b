// The real google-auth-library and msal-node clients against the stack's fake OAuth
// server: consent URLs, code exchange, refresh (with rotation), and each way a grant ends.
import https from 'node:https';
import { GOOGLE_MAIL_SCOPE, MICROSOFT_SMTP_SCOPE, oauthServer, stack, uniqueName } from '@reply-sync/testkit';
import { describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  exchangeCode,
  gmailProvider,
  office365Provider,
  OFFICE365_IMAP_SCOPE,
  OAuthError,
  refreshAccessToken,
} from '../src/oauth/index';
import { closedPort } from '@reply-sync/testkit';

const urls = oauthServer.urls;
const common = { ca: stack.caCert, timeoutMs: 5_000 };
const gmail = gmailProvider(
  { clientId: 'reply-sync-test', clientSecret: 'test-secret', tokenUrl: urls.googleTokenUrl, authBaseUrl: urls.googleAuthBaseUrl, apiRootUrl: urls.googleApiRoot },
  common,
);
const office365 = office365Provider({ clientId: 'reply-sync-test', clientSecret: 'test-secret', authority: urls.microsoftAuthority() }, common);
/** GET with the stack CA trusted; the Location header of the redirect. */
function redirectLocation(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: stack.caCert }, (res) => {
        res.resume();
        if (res.statusCode === 302 && res.headers.location) resolve(res.headers.location);
        else reject(new Error(`expected a redirect, got ${res.statusCode}`));
      })
      .on('error', reject);
  });
}

const user = (domain = 'gmail.test') => `${uniqueName('oauth')}@${domain}`;

async function failure(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }
  throw new Error('expected an OAuthError');
}

describe('provider defaults', () => {
  it('point at the real services, with only the IMAP and SMTP scopes', async () => {
    const g = gmailProvider({ clientId: 'id', clientSecret: 's' });
    expect([g.tokenUrl, g.authBaseUrl]).toEqual(['https://oauth2.googleapis.com/token', 'https://accounts.google.com/o/oauth2/v2/auth']);
    expect([g.imap, g.smtp]).toEqual([{ host: 'imap.gmail.com', port: 993, tls: 'tls' }, { host: 'smtp.gmail.com', port: 465, tls: 'tls' }]);
    const m = office365Provider({ clientId: 'id', clientSecret: 's' });
    expect(m.authority).toBe('https://login.microsoftonline.com/common');
    expect(m.knownAuthorities).toEqual([]);
    expect([m.imap, m.smtp]).toEqual([{ host: 'outlook.office365.com', port: 993, tls: 'tls' }, { host: 'smtp.office365.com', port: 587, tls: 'starttls' }]);

    const url = new URL(await authorizationUrl(g, { state: 'st-1', redirectUri: 'http://127.0.0.1:9/cb' }));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(url.searchParams.get('scope')).toBe('https://mail.google.com/');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('state')).toBe('st-1');
  });
});

describe('gmail (google-auth-library)', () => {
  it('connects through the consent redirect and refreshes', async () => {
    const username = user();
    const consent = new URL(await authorizationUrl(gmail, { state: 'abc', redirectUri: 'http://127.0.0.1:9/callback', loginHint: username }));
    expect(consent.origin).toBe(urls.https);
    // The fake consent screen signs in login_hint at once and redirects back with a code and the state.
    const back = new URL(await redirectLocation(consent));
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:9/callback');
    expect(back.searchParams.get('state')).toBe('abc');

    const exchanged = await exchangeCode(gmail, { code: back.searchParams.get('code') ?? '', redirectUri: 'http://127.0.0.1:9/callback' });
    expect(exchanged.username).toBe(username);
    expect(exchanged.grantedScopes).toEqual([GOOGLE_MAIL_SCOPE]);
    expect(exchanged.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect((await oauthServer.introspect(exchanged.accessToken)).active).toBe(true);

    const refreshed = await refreshAccessToken(gmail, exchanged.refreshToken);
    expect(refreshed.accessToken).not.toBe(exchanged.accessToken);
    expect(refreshed.rotated).toBe(false);
    expect(refreshed.refreshToken).toBe(exchanged.refreshToken);
    expect((await oauthServer.introspect(refreshed.accessToken)).username).toBe(username);
  });

  it('returns a rotated refresh token when Google sends one', async () => {
    const grant = await oauthServer.createGrant({ provider: 'google', username: user(), rotateRefreshTokens: true });
    const refreshed = await refreshAccessToken(gmail, grant.refreshToken);
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.refreshToken).not.toBe(grant.refreshToken);
    // The old one is dead; the new one works.
    expect((await failure(refreshAccessToken(gmail, grant.refreshToken))).code).toBe('oauth_revoked');
    await expect(refreshAccessToken(gmail, refreshed.refreshToken)).resolves.toMatchObject({ rotated: true });
  });

  it('revoked grant → oauth_revoked with Google text', async () => {
    const grant = await oauthServer.createGrant({ provider: 'google', username: user() });
    await oauthServer.revoke(grant.grantId);
    const error = await failure(refreshAccessToken(gmail, grant.refreshToken));
    expect(error.code).toBe('oauth_revoked');
    expect(error.detail).toBe('invalid_grant: Token has been expired or revoked.');
    expect(error.disconnects).toBe(true);
    expect(`${error.message} ${error.detail}`).not.toContain(grant.refreshToken);
  });

  it('mail scope taken away → consent_missing (on refresh and on connect)', async () => {
    const grant = await oauthServer.createGrant({ provider: 'google', username: user() });
    await oauthServer.removeScope(grant.grantId, GOOGLE_MAIL_SCOPE);
    expect((await failure(refreshAccessToken(gmail, grant.refreshToken))).code).toBe('consent_missing');

    const partial = await oauthServer.createGrant({ provider: 'google', username: user(), scopes: ['openid'] });
    expect((await failure(exchangeCode(gmail, { code: partial.code, redirectUri: 'http://127.0.0.1:9/cb' }))).code).toBe('consent_missing');
  });

  it('token endpoint unreachable → transient, not a disconnect', async () => {
    const port = await closedPort();
    const offline = gmailProvider({ clientId: 'c', clientSecret: 's', tokenUrl: `https://127.0.0.1:${port}/token` }, common);
    const error = await failure(refreshAccessToken(offline, 'fake-rt-whatever-1234567890'));
    expect(error.code).toBe('transient');
    expect(error.disconnects).toBe(false);
    expect(error.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('office365 (msal-node)', () => {
  it('builds the consent URL on the configured authority', async () => {
    const url = new URL(await authorizationUrl(office365, { state: 's-2', redirectUri: 'http://localhost:9/cb' }));
    expect(url.origin + url.pathname).toBe(`${urls.https}/common/oauth2/v2.0/authorize`);
    const scopes = (url.searchParams.get('scope') ?? '').split(' ');
    expect(scopes).toEqual(expect.arrayContaining([OFFICE365_IMAP_SCOPE, MICROSOFT_SMTP_SCOPE, 'offline_access']));
    expect(scopes.filter((s) => s.startsWith('https://'))).toHaveLength(2);
    expect(url.searchParams.get('state')).toBe('s-2');
  });

  it('exchanges a code, refreshes, and saves the rotated refresh token', async () => {
    const username = user('mail.test');
    const grant = await oauthServer.createGrant({ provider: 'microsoft', username });
    const exchanged = await exchangeCode(office365, { code: grant.code, redirectUri: 'http://localhost:9/cb' });
    expect(exchanged.username).toBe(username);
    expect(exchanged.grantedScopes).toEqual(expect.arrayContaining([OFFICE365_IMAP_SCOPE]));

    const refreshed = await refreshAccessToken(office365, exchanged.refreshToken);
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.refreshToken).not.toBe(exchanged.refreshToken);
    expect((await oauthServer.introspect(refreshed.accessToken)).username).toBe(username);
    // The fake server refuses a replaced refresh token: writing back the old one would be caught.
    expect((await failure(refreshAccessToken(office365, exchanged.refreshToken))).code).toBe('oauth_revoked');
    await expect(refreshAccessToken(office365, refreshed.refreshToken)).resolves.toMatchObject({ rotated: true });
  });

  it('sessions revoked (a password reset here) → sessions_revoked with the AADSTS50173 text, and a sentence that does not claim the password changed', async () => {
    const grant = await oauthServer.createGrant({ provider: 'microsoft', username: user('mail.test') });
    await oauthServer.passwordChanged(grant.grantId);
    const error = await failure(refreshAccessToken(office365, grant.refreshToken));
    expect(error.code).toBe('sessions_revoked');
    expect(error.message).toMatch(/revoked, by an administrator or the user \(this also happens after a password reset\)/);
    expect(error.message).not.toMatch(/password (was|has been) (changed|reset)/i);
    expect(error.detail).toMatch(/AADSTS50173/);
    expect(error.detail).toMatch(/changed or reset their password/);
  });

  it('revoked grant → oauth_revoked', async () => {
    const grant = await oauthServer.createGrant({ provider: 'microsoft', username: user('mail.test') });
    await oauthServer.revoke(grant.grantId);
    const error = await failure(refreshAccessToken(office365, grant.refreshToken));
    expect(error.code).toBe('oauth_revoked');
    expect(error.detail).toMatch(/invalid_grant/);
  });

  it('consent withdrawn → consent_missing (AADSTS65001), on refresh and on connect', async () => {
    const grant = await oauthServer.createGrant({ provider: 'microsoft', username: user('mail.test') });
    await oauthServer.removeScope(grant.grantId, OFFICE365_IMAP_SCOPE);
    const error = await failure(refreshAccessToken(office365, grant.refreshToken));
    expect(error.code).toBe('consent_missing');
    expect(error.detail).toMatch(/AADSTS65001/);

    const partial = await oauthServer.createGrant({ provider: 'microsoft', username: user('mail.test'), scopes: [MICROSOFT_SMTP_SCOPE, 'offline_access'] });
    expect((await failure(exchangeCode(office365, { code: partial.code, redirectUri: 'http://localhost:9/cb' }))).code).toBe('consent_missing');
  });

  it('authority unreachable → transient, not a disconnect', async () => {
    const port = await closedPort();
    const offline = office365Provider({ clientId: 'c', clientSecret: 's', authority: `https://127.0.0.1:${port}/common` }, common);
    const error = await failure(refreshAccessToken(offline, 'fake-rt-whatever-1234567890'));
    expect(error.code).toBe('transient');
    expect(error.disconnects).toBe(false);
  });
});
