// getAccessToken against the real googleapis / msal-node clients and the stack's fake OAuth server,
// PostgreSQL and Redis: cached tokens, refresh with rotation saved at once, one refresh for two
// workers, each way a grant ends (disconnect with the provider's words), a network failure (no
// disconnect) and logs without secrets.
import { GOOGLE_MAIL_SCOPE, MICROSOFT_IMAP_SCOPE, oauthServer } from '@reply-sync/testkit';
import { gmailProvider, office365Provider, OAuthError } from '@reply-sync/mail';
import { afterEach, describe, expect, it } from 'vitest';
import { getAccessToken } from '../src/oauth/get-access-token';
import { createOAuthFixture, secretsOf, type OAuthFixture } from './oauth-fixture';
import { closedPort } from '@reply-sync/testkit';

let fx: OAuthFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const key = (f: OAuthFixture) => ({ accountId: f.accountId, inboxId: f.inboxId });

async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => {
      throw new Error('expected getAccessToken to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

function expectNoSecretsIn(text: string, secrets: string[]): void {
  for (const s of secrets) expect(text).not.toContain(s);
  expect(text).not.toContain('test-client-secret-do-not-log');
}

describe('getAccessToken', () => {
  it('returns a stored token with more than 5 minutes left without asking the provider', async () => {
    fx = await createOAuthFixture({ provider: 'gmail', accessToken: 'fresh' });
    const token = await getAccessToken(key(fx), fx.worker());
    expect(token).toMatchObject({ accessToken: fx.grant.accessToken, refreshed: false, username: fx.mailUser.user });
    expect((await oauthServer.grant(fx.grant.grantId)).refreshCount).toBe(0);
  });

  it('refreshes a token about to expire (gmail) and stores it encrypted, without a reconnect', async () => {
    fx = await createOAuthFixture({ provider: 'gmail', accessToken: 'expiring' });
    const before = await fx.q.inboxes.get(fx.inboxId);
    const token = await getAccessToken(key(fx), fx.worker());
    expect(token.refreshed).toBe(true);
    expect(token.accessToken).not.toBe(fx.grant.accessToken);
    expect(token.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const stored = await fx.storedCredentials();
    expect(stored).toMatchObject({ accessToken: token.accessToken, refreshToken: fx.grant.refreshToken, grantedScopes: [GOOGLE_MAIL_SCOPE] });
    const [raw] = await fx.handle.sql`select credentials from inboxes where id = ${fx.inboxId}`;
    expect(String(raw?.credentials)).not.toContain(token.accessToken);
    const after = await fx.q.inboxes.get(fx.inboxId);
    expect(after?.credentialsVersion).toBe(before?.credentialsVersion);
    expect(after?.status).toBe('connected');
    expectNoSecretsIn(fx.log.text(), secretsOf(token.accessToken, fx.grant.refreshToken, fx.grant.accessToken));
  });

  it('saves the rotated refresh token (office365) before the token is used', async () => {
    fx = await createOAuthFixture({ provider: 'office365' });
    const token = await getAccessToken(key(fx), fx.worker());
    const stored = await fx.storedCredentials();
    expect(stored.refreshToken).not.toBe(fx.grant.refreshToken);
    expect(stored.accessToken).toBe(token.accessToken);
    // The stored (rotated) refresh token is the live one: a forced refresh with it works.
    const again = await getAccessToken(key(fx), fx.worker(), { forceRefresh: true });
    expect(again.refreshed).toBe(true);
    expect((await fx.storedCredentials()).refreshToken).not.toBe(stored.refreshToken);
    expect(fx.log.text()).toContain('oauth access token refreshed');
    expectNoSecretsIn(fx.log.text(), secretsOf(token.accessToken, again.accessToken, stored.refreshToken, fx.grant.refreshToken));
  });

  it('two workers asking at once make one refresh and never write back a stale refresh token', async () => {
    fx = await createOAuthFixture({ provider: 'office365', grant: { refreshDelayMs: 400 } });
    const [a, b] = await Promise.all([getAccessToken(key(fx), fx.worker()), getAccessToken(key(fx), fx.worker())]);
    expect(a.accessToken).toBe(b.accessToken);
    expect([a.refreshed, b.refreshed].sort()).toEqual([false, true]);
    expect((await oauthServer.grant(fx.grant.grantId)).refreshCount).toBe(1);
    // Rotation is strict on the fake server: had a stale token been stored, this would be refused.
    await oauthServer.settings(fx.grant.grantId, { refreshDelayMs: 0 });
    await expect(getAccessToken(key(fx), fx.worker(), { forceRefresh: true })).resolves.toMatchObject({ refreshed: true });
    expect((await fx.q.inboxes.get(fx.inboxId))?.status).toBe('connected');
  });

  it('revoked grant (gmail) → disconnected oauth_revoked with Google text, history once', async () => {
    fx = await createOAuthFixture({ provider: 'gmail' });
    await oauthServer.revoke(fx.grant.grantId);
    const error = await refusal(getAccessToken(key(fx), fx.worker()));
    expect(error.code).toBe('oauth_revoked');
    const inbox = await fx.q.inboxes.get(fx.inboxId);
    expect(inbox).toMatchObject({ status: 'disconnected', disconnectReason: 'oauth_revoked', disconnectDetail: 'invalid_grant: Token has been expired or revoked.' });
    const history = await fx.q.inboxes.history(fx.inboxId);
    expect(history.filter((h) => h.status === 'disconnected')).toHaveLength(1);
    // A disconnected inbox is not refreshed again (no retry loop against the provider).
    await expect(getAccessToken(key(fx), fx.worker())).rejects.toMatchObject({ code: 'inbox_not_connected' });
    expect(fx.log.text()).toContain('oauth grant ended; inbox disconnected');
    expectNoSecretsIn(fx.log.text(), secretsOf(fx.grant.refreshToken, fx.grant.accessToken));
  });

  it("Microsoft's password change (sessions revoked) → sessions_revoked with the AADSTS50173 text", async () => {
    fx = await createOAuthFixture({ provider: 'office365' });
    await oauthServer.passwordChanged(fx.grant.grantId);
    expect((await refusal(getAccessToken(key(fx), fx.worker()))).code).toBe('sessions_revoked');
    const inbox = await fx.q.inboxes.get(fx.inboxId);
    expect(inbox?.disconnectReason).toBe('sessions_revoked');
    expect(inbox?.disconnectDetail).toMatch(/AADSTS50173.*changed or reset their password/);
  });

  it('IMAP scope withdrawn → consent_missing (office365 AADSTS65001, gmail scope missing)', async () => {
    fx = await createOAuthFixture({ provider: 'office365' });
    await oauthServer.removeScope(fx.grant.grantId, MICROSOFT_IMAP_SCOPE);
    expect((await refusal(getAccessToken(key(fx), fx.worker()))).code).toBe('consent_missing');
    expect((await fx.q.inboxes.get(fx.inboxId))?.disconnectDetail).toMatch(/AADSTS65001/);
    await fx.cleanup();

    fx = await createOAuthFixture({ provider: 'gmail' });
    await oauthServer.removeScope(fx.grant.grantId, GOOGLE_MAIL_SCOPE);
    expect((await refusal(getAccessToken(key(fx), fx.worker()))).code).toBe('consent_missing');
    expect((await fx.q.inboxes.get(fx.inboxId))?.disconnectReason).toBe('consent_missing');
  });

  it('token endpoint unreachable → transient error recorded, inbox stays connected', async () => {
    const port = await closedPort();
    for (const provider of ['gmail', 'office365'] as const) {
      const providerOverride =
        provider === 'gmail'
          ? gmailProvider({ clientId: 'c', clientSecret: 's', tokenUrl: `https://127.0.0.1:${port}/token` }, { timeoutMs: 2_000 })
          : office365Provider({ clientId: 'c', clientSecret: 's', authority: `https://127.0.0.1:${port}/common` }, { timeoutMs: 2_000 });
      fx = await createOAuthFixture({ provider, providerOverride });
      const error = await refusal(getAccessToken(key(fx), fx.worker()));
      expect(error.code).toBe('transient');
      const inbox = await fx.q.inboxes.get(fx.inboxId);
      expect(inbox).toMatchObject({ status: 'connected', disconnectReason: null });
      expect(inbox?.lastError).toMatch(/^OAuth token refresh failed: /);
      expect(inbox?.firstErrorAt).not.toBeNull();
      expect((await fx.q.inboxes.history(fx.inboxId)).map((h) => h.status)).toEqual(['connected']);
      expectNoSecretsIn(fx.log.text(), secretsOf(fx.grant.refreshToken));
      await fx.cleanup();
      fx = undefined;
    }
  });
});
