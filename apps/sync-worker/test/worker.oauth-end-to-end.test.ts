// OAuth inboxes through the real worker process (startWorker, configured only by its environment):
// the worker refreshes the token and logs in to Dovecot with XOAUTH2, a reply is logged; a grant revoked
// while the session sits healthy in IDLE is noticed by the token health check (oauth_revoked, the
// provider's words, one history row), its session ends within seconds and a reply that arrives after
// the disconnect is not logged; a provider without a client id is an operator error that leaves
// the user's inbox connected; and no token or client secret ever reaches the log.
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { createRedisConnection, deleteFleet, registerInboxes } from '@reply-sync/queue';
import { composeEmail, deliver, oauthServer, uniqueName, waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWorkerEnv, WorkerEnvError } from '../src/env';
import { createMetrics } from '../src/metrics';
import { startWorker, type RunningWorker } from '../src/worker';
import { workerEnvSource } from './helpers/fixture';
import { expectSessionEndsAndReplyIsNotLogged, PRODUCTION_WATCHDOG } from './helpers/session-end';
import { createOAuthFixture, secretsOf, type OAuthFixture } from './oauth-fixture';

const CLIENT_SECRET = 'worker-client-secret-do-not-log';

let fx: OAuthFixture | undefined;
let fleet: { redis: Redis; name: string } | undefined;
let running: RunningWorker | undefined;
afterEach(async () => {
  await running?.close();
  if (fleet) {
    await deleteFleet(fleet.redis, fleet.name).catch(() => undefined);
    fleet.redis.disconnect();
  }
  await fx?.cleanup();
  fx = fleet = running = undefined;
});

/** The environment an operator would set, pointing both providers at the stack's fake OAuth server. */
function oauthEnv(queueName: string, omit: string[] = []): Record<string, string> {
  const env: Record<string, string> = {
    ...workerEnvSource(),
    REPLY_SYNC_QUEUE: queueName,
    REPLY_SYNC_SEND_QUEUE: `${queueName}-sends`,
    LOG_LEVEL: 'debug',
    GOOGLE_CLIENT_ID: 'reply-sync-worker-test',
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_TOKEN_URL: oauthServer.urls.googleTokenUrl,
    GOOGLE_AUTH_URL: oauthServer.urls.googleAuthBaseUrl,
    MICROSOFT_CLIENT_ID: 'reply-sync-worker-test',
    MICROSOFT_CLIENT_SECRET: CLIENT_SECRET,
    MICROSOFT_AUTHORITY: oauthServer.urls.microsoftAuthority(),
    TOKEN_HEALTH_INTERVAL_MS: '700',
    ...PRODUCTION_WATCHDOG,
  };
  for (const name of omit) delete env[name];
  return env;
}

async function startOAuthWorker(f: OAuthFixture, omit: string[] = []): Promise<RunningWorker> {
  const queueName = uniqueName('q-oauth-worker');
  fleet = { redis: createRedisConnection(workerEnvSource().REDIS_URL!, { forWorker: false }), name: queueName };
  await registerInboxes(fleet.redis, queueName, [{ accountId: f.accountId, inboxId: f.inboxId }]);
  running = await startWorker({
    env: parseWorkerEnv(oauthEnv(queueName, omit)),
    logger: f.logger,
    metrics: createMetrics({ defaultMetrics: false }),
    metricsPort: false,
    // Only this test's inbox: other tests' grants in the shared database are not ours to refresh.
    tokenHealthInboxes: async () => [{ accountId: f.accountId, inboxId: f.inboxId }],
  });
  return running;
}

describe.each([
  { provider: 'gmail' as const, revokedDetail: 'invalid_grant: Token has been expired or revoked.' },
  { provider: 'office365' as const, revokedDetail: /AADSTS70008/ },
])('an oauth2 $provider inbox in the real worker', ({ provider, revokedDetail }) => {
  it('logs a reply over XOAUTH2; a revocation during a healthy IDLE disconnects it (oauth_revoked); no secret is logged', async () => {
    fx = await createOAuthFixture({ provider, accessToken: 'none' });
    const f = fx;
    const inbox = (await f.q.inboxes.get(f.inboxId))!;
    const contactEmail = `${uniqueName('ana')}@client.test`;
    await f.q.contacts.add({ email: contactEmail });
    const outboundId = `${uniqueName('out')}@crm.test`;
    await f.q.emails.logOutbound({
      source: 'crm_send',
      messageId: `<${outboundId}>`,
      userId: inbox.userId!,
      inboxId: f.inboxId,
      from: { address: f.mailUser.address },
      to: [{ address: contactEmail }],
      subject: 'Proposal',
      sentAt: new Date(),
      textBody: 'Here is our proposal.',
    });

    const worker = await startOAuthWorker(f);
    // No access token was stored: the session's baseline proves the worker refreshed and logged in.
    await waitFor(async () => (await f.q.inboxes.get(f.inboxId))?.uidvalidity, { what: 'the baseline checkpoint', timeoutMs: 15_000 });
    const refreshed = await f.storedCredentials();
    expect(refreshed.accessToken).toBeTruthy();
    // Microsoft rotates refresh tokens on every refresh, Google keeps them; either way one is stored.
    expect(refreshed.refreshToken).toBeTruthy();

    const replyId = `${uniqueName('reply')}@client.test`;
    const raw = await composeEmail({
      from: contactEmail,
      to: f.mailUser.address,
      subject: 'Re: Proposal',
      messageId: replyId,
      inReplyTo: `<${outboundId}>`,
      references: `<${outboundId}>`,
      text: 'Thanks, looks good.',
    });
    await deliver(f.mailUser, raw);
    const entry = await waitFor(
      async () => (await f.q.timeline.forContact(contactEmail)).find((e) => e.messageIdNorm === replyId.toLowerCase()),
      { what: 'the reply on the contact timeline', timeoutMs: 15_000 },
    );
    expect(entry.textBody).toContain('Thanks, looks good.');

    // The session sits in IDLE; the health check keeps refreshing the (valid) grant meanwhile.
    await waitFor(async () => (await oauthServer.grant(f.grant.grantId)).refreshCount >= 2 || undefined, { what: 'a healthy health-check pass', timeoutMs: 10_000 });
    expect(worker.activeSessions()).toBe(1);
    expect((await f.q.inboxes.get(f.inboxId))?.status).toBe('connected');
    const last = await f.storedCredentials();

    await oauthServer.revoke(f.grant.grantId);
    const disconnected = await waitFor(
      async () => {
        const row = await f.q.inboxes.get(f.inboxId);
        return row?.status === 'disconnected' ? row : undefined;
      },
      { what: 'the health check to disconnect the inbox', timeoutMs: 10_000 },
    );
    expect(disconnected.disconnectReason).toBe('oauth_revoked');
    if (typeof revokedDetail === 'string') expect(disconnected.disconnectDetail).toBe(revokedDetail);
    else expect(disconnected.disconnectDetail).toMatch(revokedDetail);
    // The disconnect ends the session within seconds (the watchdog is at its 2-minute default), and a
    // reply delivered a second after it is not logged; no new session starts.
    const goneAfterMs = await expectSessionEndsAndReplyIsNotLogged({
      worker,
      mailUser: f.mailUser,
      q: f.q,
      inboxId: f.inboxId,
      contactEmail,
      disconnectedAt: disconnected.statusSince,
      deliverReply: async () => {
        const laterId = `${uniqueName('late')}@client.test`;
        await deliver(f.mailUser, await composeEmail({ from: contactEmail, to: f.mailUser.address, subject: 'Re: Proposal', messageId: laterId, inReplyTo: `<${outboundId}>`, references: `<${outboundId}>`, text: 'One more thing.' }));
        return laterId.toLowerCase();
      },
    });
    console.info(`[figure] ${provider}: health check disconnect → IMAP session gone: ${goneAfterMs} ms`);
    // Further health-check passes skip the disconnected inbox: still one history row for the change.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const history = await f.q.inboxes.history(f.inboxId);
    expect(history.filter((h) => h.status === 'disconnected')).toEqual([expect.objectContaining({ reasonCode: 'oauth_revoked', detail: disconnected.disconnectDetail })]);

    const log = f.log.text();
    expect(log).toContain('oauth access token refreshed');
    expect(log).toContain('token health check pass');
    for (const secret of secretsOf(f.grant.refreshToken, f.grant.accessToken, refreshed.accessToken, refreshed.refreshToken, last.accessToken, last.refreshToken, CLIENT_SECRET)) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('a provider without a client id', () => {
  it('is an operator error in the log; the user’s office365 inbox stays connected', async () => {
    fx = await createOAuthFixture({ provider: 'office365', accessToken: 'none' });
    const f = fx;
    await startOAuthWorker(f, ['MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET']);
    await waitFor(async () => f.log.text().includes('oauth provider not configured') || undefined, { what: 'the operator error', timeoutMs: 10_000 });
    expect(f.log.text()).toContain('MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET');
    const row = await f.q.inboxes.get(f.inboxId);
    expect(row).toMatchObject({ status: 'connected', disconnectReason: null });
    expect((await f.q.inboxes.history(f.inboxId)).map((h) => h.status)).toEqual(['connected']);
    expect((await oauthServer.grant(f.grant.grantId)).refreshCount).toBe(0);
  });

  it('a client id without its secret is refused at start with a sentence saying what to set', () => {
    const env = { ...workerEnvSource(), GOOGLE_CLIENT_ID: 'x' };
    expect(() => parseWorkerEnv(env)).toThrow(WorkerEnvError);
    expect(() => parseWorkerEnv(env)).toThrow(/GOOGLE_CLIENT_SECRET/);
    expect(parseWorkerEnv({ ...workerEnvSource(), GOOGLE_CLIENT_ID: '' }).GOOGLE_CLIENT_ID).toBeUndefined();
    expect(parseWorkerEnv(workerEnvSource()).TOKEN_HEALTH_INTERVAL_MS).toBe(3_600_000);
  });
});
