// CRM sends from OAuth inboxes (gmail, office365) on the real stack: the send worker gets its token from
// the real getAccessToken (providers pointed at the fake OAuth server), logs in to Postfix submission with
// XOAUTH2 (Dovecot's oauth2 passdb checks the token by introspection), the recipient receives the email and
// no copy is appended to the sender's Sent folder (the provider files it). A revoked grant fails the send
// once, final, with the inbox disconnected as oauth_revoked; a cached token the server refuses while the
// grant is alive is refreshed once and the send goes through.
import type { Inbox } from '@reply-sync/db';
import { enqueueSend, waitForSend, type SendEvents, type SendRequest, type SendQueue } from '@reply-sync/queue';
import { createMailUser, oauthServer, removeMailUser, stack, waitFor, type MailUser } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { getAccessToken } from '../src/oauth/index';
import { createOAuthFixture, keys, secretsOf, type OAuthFixture } from './oauth-fixture';
import { messagesIn, saveOutgoing, SENT_MAILBOX, startSendQueue } from './send-helpers/send-fixture';

const closers: (() => Promise<unknown>)[] = [];
let fx: OAuthFixture | undefined;
let recipient: MailUser | undefined;
afterEach(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  closers.length = 0;
  if (recipient) await removeMailUser(recipient).catch(() => undefined);
  await fx?.cleanup();
  fx = recipient = undefined;
});

interface OAuthSendWorld {
  f: OAuthFixture;
  queue: SendQueue;
  events: SendEvents;
  /** How many times the send worker asked for an access token (one per attempt). */
  tokenCalls: () => number;
  /** Saves an outgoing email from the OAuth inbox to `to`; its job. */
  job(to: string): Promise<SendRequest>;
}

/** An oauth2 inbox with the stack's Postfix as its SMTP server, a send queue and a send worker for it. */
async function oauthSendWorld(provider: 'gmail' | 'office365', accessToken: 'none' | 'fresh' = 'none'): Promise<OAuthSendWorld> {
  fx = await createOAuthFixture({ provider, accessToken });
  const f = fx;
  // The fixture connects IMAP only; give the inbox its SMTP settings (same credentials, same status).
  await f.q.inboxes.reconnect(f.inboxId, await f.storedCredentials(), keys, {
    smtpHost: stack.smtp.host,
    smtpPort: stack.smtp.submissionPort,
    smtpTls: 'starttls',
  });
  // The token provider exactly as startWorker wires it (worker.ts), on this test's token deps.
  const tokenDeps = f.worker();
  let calls = 0;
  const { queue, events } = await startSendQueue(closers, {
    db: f.handle.db,
    keys,
    logger: f.logger,
    getAccessToken: async (inbox: Inbox, options?: { forceRefresh?: boolean }) => {
      calls += 1;
      return (await getAccessToken({ accountId: inbox.accountId, inboxId: inbox.id }, tokenDeps, options)).accessToken;
    },
  });
  return {
    f,
    queue,
    events,
    tokenCalls: () => calls,
    job: async (to) => saveOutgoing(f.q, { inboxId: f.inboxId, userId: (await f.q.inboxes.get(f.inboxId))!.userId, to: [to] }),
  };
}

/** The failed send's reason, or a test failure if it completed. */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe.each([
  { provider: 'gmail' as const, revokedDetail: 'invalid_grant: Token has been expired or revoked.' },
  { provider: 'office365' as const, revokedDetail: /AADSTS70008/ },
])('a CRM send from an oauth2 $provider inbox', ({ provider, revokedDetail }) => {
  it('goes through Postfix over XOAUTH2, reaches the recipient, and no Sent copy is appended; a revoked grant then fails it once (oauth_revoked)', async () => {
    const w = await oauthSendWorld(provider);
    const { f } = w;
    recipient = await createMailUser({ profile: 'standard' });

    const job = await enqueueSend(w.queue, await w.job(recipient.address));
    const result = await waitForSend(job, w.events, 30_000);
    expect(result).toMatchObject({ sentCopyStatus: 'skipped_provider_files_sent', alreadySent: false, rejected: [] });
    // The worker had no token: it refreshed one at the fake provider and Postfix took it.
    expect((await oauthServer.grant(f.grant.grantId)).refreshCount).toBe(1);
    const received = await waitFor(
      async () => (await messagesIn(recipient!, 'INBOX')).find((m) => m.messageId === result.messageId),
      { what: 'the send in the recipient INBOX', timeoutMs: 15_000 },
    );
    expect(received.source.toString('utf8')).toContain('Here is our proposal.');
    expect(received.source.toString('utf8')).toMatch(new RegExp(`^From: .*${f.mailUser.address.replace(/[.+]/g, '\\$&')}`, 'mi'));
    // No copy in the sender's \Sent folder (it exists: the skip is the provider rule, not "no folder").
    expect(await messagesIn(f.mailUser, SENT_MAILBOX[provider === 'gmail' ? 'gmail' : 'standard'])).toEqual([]);
    const logged = await f.q.emails.getByMessageId(result.messageId);
    expect(logged).toMatchObject({ id: result.emailId, sentCopyStatus: 'skipped_provider_files_sent' });
    expect(w.tokenCalls()).toBe(1);

    // The user revokes the app. The cached access token still looks valid to the worker, so Postfix
    // refuses it first (Dovecot's introspection says inactive); the one forced refresh then gets the
    // provider's invalid_grant: final, the inbox disconnected with the provider's words.
    await oauthServer.revoke(f.grant.grantId);
    const second = await enqueueSend(w.queue, await w.job(recipient.address));
    const reason = await failureOf(waitForSend(second, w.events, 30_000));
    expect(reason).toMatch(/^smtp_auth_failed: /);
    expect(f.log.text()).toContain('smtp refused the cached oauth token');
    const inbox = await f.q.inboxes.get(f.inboxId);
    expect(inbox).toMatchObject({ status: 'disconnected', disconnectReason: 'oauth_revoked' });
    if (typeof revokedDetail === 'string') expect(inbox!.disconnectDetail).toBe(revokedDetail);
    else expect(inbox!.disconnectDetail).toMatch(revokedDetail);
    // No retry loop: one job attempt (the cached token, then one forced refresh), one disconnect.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const failed = await w.queue.getJob(second.id!);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.attemptsMade).toBe(1);
    expect(w.tokenCalls()).toBe(3);
    const history = await f.q.inboxes.history(f.inboxId);
    expect(history.filter((h) => h.status === 'disconnected')).toEqual([expect.objectContaining({ reasonCode: 'oauth_revoked' })]);
    expect(await messagesIn(recipient, 'INBOX')).toHaveLength(1);

    const log = f.log.text();
    expect(log).toContain('send finished');
    const stored = await f.storedCredentials();
    for (const secret of secretsOf(f.grant.refreshToken, f.grant.accessToken, stored.accessToken, stored.refreshToken)) expect(log).not.toContain(secret);
  });

  it('a grant revoked before any token was cached fails at the refresh: oauth_revoked with the provider’s words, one attempt', async () => {
    const w = await oauthSendWorld(provider);
    const { f } = w;
    recipient = await createMailUser({ profile: 'standard' });
    await oauthServer.revoke(f.grant.grantId);
    const job = await enqueueSend(w.queue, await w.job(recipient.address));
    const reason = await failureOf(waitForSend(job, w.events, 30_000));
    expect(reason).toMatch(/^smtp_auth_failed: /);
    const inbox = await f.q.inboxes.get(f.inboxId);
    expect(inbox).toMatchObject({ status: 'disconnected', disconnectReason: 'oauth_revoked' });
    if (typeof revokedDetail === 'string') expect(inbox!.disconnectDetail).toBe(revokedDetail);
    else expect(inbox!.disconnectDetail).toMatch(revokedDetail);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const failed = await w.queue.getJob(job.id!);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.attemptsMade).toBe(1);
    expect(w.tokenCalls()).toBe(1);
    expect(await messagesIn(recipient, 'INBOX')).toEqual([]);
  });

  it('a cached access token the server no longer takes (grant still alive) is refreshed once and the send goes through', async () => {
    const w = await oauthSendWorld(provider, 'fresh');
    const { f } = w;
    recipient = await createMailUser({ profile: 'standard' });
    // The provider invalidated its access tokens early (Microsoft's continuous access evaluation does);
    // the stored expiry still says one hour, so the worker first offers the dead token to Postfix.
    await oauthServer.expireAccessTokens(f.grant.grantId);
    const job = await enqueueSend(w.queue, await w.job(recipient.address));
    const result = await waitForSend(job, w.events, 30_000);
    expect(result).toMatchObject({ sentCopyStatus: 'skipped_provider_files_sent', alreadySent: false });
    expect((await oauthServer.grant(f.grant.grantId)).refreshCount).toBe(1);
    expect(w.tokenCalls()).toBe(2);
    expect((await f.q.inboxes.get(f.inboxId))?.status).toBe('connected');
    expect((await f.storedCredentials()).accessToken).not.toBe(f.grant.accessToken);
    await waitFor(async () => (await messagesIn(recipient!, 'INBOX')).some((m) => m.messageId === result.messageId), {
      what: 'the send in the recipient INBOX',
      timeoutMs: 15_000,
    });
  });
});
