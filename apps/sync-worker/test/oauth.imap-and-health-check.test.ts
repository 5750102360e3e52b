// XOAUTH2 end to end: a token from getAccessToken logs in to Dovecot; after a revocation the worker's
// inbox session is refused by the IMAP server and disconnects the inbox with oauth_revoked; and a
// revocation made while a session sits healthy in IDLE is noticed by the token health check.
import { oauthServer, stack, waitFor } from '@reply-sync/testkit';
import { createImapClient } from '@reply-sync/mail';
import { afterEach, describe, expect, it } from 'vitest';
import { runInboxSession } from '../src/inbox-session';
import { createMetrics } from '../src/metrics';
import { getAccessToken } from '../src/oauth/get-access-token';
import { runTokenHealthCheck } from '../src/oauth/token-health-check';
import { oauthCredentialsFor } from '../src/oauth/oauth-credentials-for';
import { createOAuthFixture, providers, secretsOf, type OAuthFixture } from './oauth-fixture';
import { uniqueName } from '@reply-sync/testkit';

let fx: OAuthFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const key = (f: OAuthFixture) => ({ accountId: f.accountId, inboxId: f.inboxId });
const imapOf = (f: OAuthFixture) => (f.provider === 'gmail' ? providers.gmail.imap : providers.office365.imap);

describe('XOAUTH2 against Dovecot', () => {
  it('a refreshed token logs in; after revocation the session is refused and the inbox disconnected (oauth_revoked)', async () => {
    fx = await createOAuthFixture({ provider: 'gmail', accessToken: 'expiring' });
    const token = await getAccessToken(key(fx), fx.worker());
    const client = createImapClient(imapOf(fx), { kind: 'oauth2', username: token.username, accessToken: token.accessToken }, { ca: stack.caCert });
    client.on('error', () => {});
    await client.connect();
    await client.logout();

    await oauthServer.revoke(fx.grant.grantId);
    // The worker's own session: it logs in with the stored (now revoked) access token.
    const outcome = await runInboxSession(
      {
        db: fx.handle.db,
        keys: fx.worker().keys,
        logger: fx.logger,
        metrics: createMetrics({ defaultMetrics: false }),
        config: { sessionMaxMs: 15_000, watchdogIntervalMs: 5_000, pollIntervalMs: 1_000, transientDisconnectAfterMs: 60_000, catchUpBatchSize: 100 },
        tlsCa: stack.caCert,
      },
      key(fx),
      new AbortController().signal,
    );
    expect(outcome).toEqual({ kind: 'finished', why: 'oauth_revoked' });
    expect(await fx.q.inboxes.get(fx.inboxId)).toMatchObject({ status: 'disconnected', disconnectReason: 'oauth_revoked' });
    expect(fx.log.text()).toContain('disconnecting inbox');
    for (const s of secretsOf(token.accessToken, fx.grant.refreshToken, fx.grant.accessToken)) expect(fx.log.text()).not.toContain(s);
  });
});

describe('the session with the credentialsFor hook', () => {
  const sessionDeps = (f: OAuthFixture) => ({
    db: f.handle.db,
    keys: f.worker().keys,
    logger: f.logger,
    metrics: createMetrics({ defaultMetrics: false }),
    config: { sessionMaxMs: 1_500, watchdogIntervalMs: 5_000, pollIntervalMs: 500, transientDisconnectAfterMs: 60_000, catchUpBatchSize: 100 },
    tlsCa: stack.caCert,
    credentialsFor: oauthCredentialsFor(f.worker()),
  });

  it('refreshes an expiring token and logs in with it', async () => {
    fx = await createOAuthFixture({ provider: 'office365', accessToken: 'expiring' });
    const outcome = await runInboxSession(sessionDeps(fx), key(fx), new AbortController().signal);
    expect(outcome).toEqual({ kind: 'requeue', delayMs: 0, why: 'deadline' });
    expect((await oauthServer.grant(fx.grant.grantId)).refreshCount).toBe(1);
    expect((await fx.q.inboxes.get(fx.inboxId))?.uidvalidity).not.toBeNull();
  });

  it('a revoked grant ends the session before IMAP and disconnects with the provider text', async () => {
    fx = await createOAuthFixture({ provider: 'gmail', accessToken: 'expiring' });
    await oauthServer.revoke(fx.grant.grantId);
    const outcome = await runInboxSession(sessionDeps(fx), key(fx), new AbortController().signal);
    expect(outcome).toEqual({ kind: 'finished', why: 'no_credentials' });
    expect(await fx.q.inboxes.get(fx.inboxId)).toMatchObject({ disconnectReason: 'oauth_revoked', disconnectDetail: 'invalid_grant: Token has been expired or revoked.' });
  });
});

describe('token health check', () => {
  it('notices a revocation while the inbox sits healthy in IDLE', async () => {
    fx = await createOAuthFixture({ provider: 'office365', accessToken: 'fresh' });
    const f = fx;
    // A healthy IDLE session with the current token.
    const idle = createImapClient(imapOf(f), { kind: 'oauth2', username: f.mailUser.user, accessToken: f.grant.accessToken }, { ca: stack.caCert });
    idle.on('error', () => {});
    await idle.connect();
    await idle.mailboxOpen('INBOX', { readOnly: true });
    const idling = idle.idle().catch(() => undefined);

    const check = runTokenHealthCheck({
      ...f.worker(),
      intervalMs: 400,
      claimPrefix: `${uniqueName('oauth-health')}:`,
      listInboxes: async () => [key(f)],
    });
    try {
      // A healthy pass refreshes the (still valid) token anyway: that is how revocations surface.
      await waitFor(async () => (await oauthServer.grant(f.grant.grantId)).refreshCount >= 1 || undefined, { what: 'a healthy pass', timeoutMs: 5_000 });
      expect((await f.q.inboxes.get(f.inboxId))?.status).toBe('connected');

      await oauthServer.revoke(f.grant.grantId);
      const inbox = await waitFor(
        async () => {
          const row = await f.q.inboxes.get(f.inboxId);
          return row?.status === 'disconnected' ? row : undefined;
        },
        { what: 'the health check to disconnect the inbox', timeoutMs: 5_000 },
      );
      expect(inbox.disconnectReason).toBe('oauth_revoked');
      expect(inbox.disconnectDetail).toMatch(/AADSTS70008/);
      // The IMAP session never noticed: Dovecot keeps open sessions after a revocation.
      expect(idle.usable).toBe(true);
    } finally {
      await check.stop();
      await idle.logout().catch(() => undefined);
      await idling;
    }
    for (const s of secretsOf(f.grant.refreshToken, f.grant.accessToken)) expect(f.log.text()).not.toContain(s);
    expect(f.log.text()).toContain('token health check pass');
  });
});
