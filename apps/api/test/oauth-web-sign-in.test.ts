// Web sign-in for Gmail and Office 365 over real HTTP redirects: the API listens on loopback, the test is
// the browser (browser.ts) and follows each Location itself: POST /v1/inboxes/oauth/{provider} → the fake
// provider's consent page (the stack's fake OAuth server) → Allow/Deny → GET /oauth/{provider}/callback
// → the success URL or a page with the sentence and code. The XOAUTH2 login is against the stack's
// Dovecot, which introspects the fake server's tokens. Covers the happy path (inbox saved, tokens only
// encrypted), a bad, missing, replayed, expired and wrong-provider state, denied consent, a missing mail
// scope, reconnecting in place, and the wrong account on a reconnect.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys, type Scoped } from '@reply-sync/db';
import { GMAIL_SCOPES, OFFICE365_IMAP_SCOPE, type OAuthProviderName } from '@reply-sync/mail';
import { decide, findThread, normalizeMessageId, threadCandidates } from '@reply-sync/threading';
import { createMailUser, oauthServer, removeMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSignInConfig } from '../src/web-sign-in/web-sign-in-config';
import { pageResult, readConsentForm, send, submitConsent, type Answer } from './browser';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';
import { webSignInFixture, type WebSignInFixture } from './web-sign-in-fixture';

const urls = oauthServer.urls;

let api: TestApi;
let fixture: WebSignInFixture;
let config: WebSignInConfig;
let baseUrl: string;
const users: MailUser[] = [];

beforeAll(async () => {
  fixture = webSignInFixture();
  config = fixture.config;
  api = await startTestApi({ webSignIn: config });
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = baseUrl;
});
afterEach(() => {
  fixture.clock.offsetMs = 0;
});
afterAll(async () => {
  for (const u of users) await removeMailUser(u).catch(() => undefined);
  await api?.close();
  fixture?.close();
});

const fakeProfile = (p: OAuthProviderName) => (p === 'gmail' ? 'gmail' : 'standard');
const mailScope = (p: OAuthProviderName) => (p === 'gmail' ? GMAIL_SCOPES[0] : OFFICE365_IMAP_SCOPE);

interface Person {
  t: TestAccount;
  key: string;
  mail: MailUser;
  userId: string;
}

async function person(provider: OAuthProviderName): Promise<Person> {
  const t = await api.account();
  const mail = await createMailUser({ profile: fakeProfile(provider) });
  users.push(mail);
  const user = await t.s.users.add({ email: mail.address, name: 'Ana' });
  return { t, key: await t.key(['read', 'write']), mail, userId: user.id };
}

async function start(p: Person, provider: OAuthProviderName, body: object): Promise<{ authorizationUrl: string; redirectUri: string }> {
  const r = await api.app.inject({ method: 'POST', url: `/v1/inboxes/oauth/${provider}`, headers: bearer(p.key), payload: body });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** The browser: authorization URL → consent page → the provider's redirect back to our callback (not followed). */
async function toCallback(authorizationUrl: string, choice: Parameters<typeof submitConsent>[1]): Promise<string> {
  const page = await send(authorizationUrl);
  expect(page.status, page.body).toBe(200);
  expect(page.contentType).toContain('text/html');
  const answered = await submitConsent(readConsentForm(page), choice);
  expect(answered.status, answered.body).toBe(302);
  return answered.location!;
}

async function callback(url: string): Promise<Answer> {
  expect(url.startsWith(`${baseUrl}/oauth/`)).toBe(true);
  return send(url);
}

async function rawCredentials(s: Scoped, inboxId: string): Promise<string> {
  const rows = await api.db.sql`select credentials from inboxes where id = ${inboxId} and account_id = ${s.accountId}`;
  return String(rows[0]?.credentials);
}

describe.each(['gmail', 'office365'] as const)('web sign-in with %s', (provider) => {
  it('connects the inbox: consent page, code exchanged with PKCE, XOAUTH2 login, tokens only encrypted, 303 to the success URL', async () => {
    const p = await person(provider);
    const started = await start(p, provider, { userId: p.userId, successUrl: 'https://crm.example.test/settings/inboxes?tab=mail' });
    const auth = new URL(started.authorizationUrl);
    expect(auth.origin).toBe(urls.https);
    expect(started.redirectUri).toBe(`${baseUrl}/oauth/${provider}/callback`);
    expect(auth.searchParams.get('redirect_uri')).toBe(started.redirectUri);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('login_hint')).toBe(p.mail.address);
    expect(auth.searchParams.get('state')).toMatch(/^v1\./);

    const back = await toCallback(started.authorizationUrl, { decision: 'allow', username: p.mail.user });
    const code = new URL(back).searchParams.get('code')!;
    const done = await callback(back);
    expect(done.status, done.body).toBe(303);
    const success = new URL(done.location!);
    expect(success.origin + success.pathname).toBe('https://crm.example.test/settings/inboxes');
    expect(success.searchParams.get('tab')).toBe('mail');
    expect(success.searchParams.get('result')).toBe('connected');
    const inboxId = success.searchParams.get('inboxId')!;

    const inbox = (await p.t.s.inboxes.get(inboxId))!;
    expect(inbox).toMatchObject({ provider, authKind: 'oauth2', status: 'connected', username: p.mail.user, address: p.mail.address, userId: p.userId, kind: 'personal' });
    // The XOAUTH2 login ran before saving: it found the Sent mailbox.
    expect(inbox.sentMailbox).toBe(provider === 'gmail' ? '[Gmail]/Sent Mail' : 'Sent');
    const stored = (await p.t.s.inboxes.getWithCredentials<{ refreshToken: string; accessToken: string; grantedScopes: string[] }>(inboxId, await keysOf()))!;
    expect(stored.credentials.grantedScopes).toContain(mailScope(provider));
    expect((await oauthServer.introspect(stored.credentials.accessToken)).active).toBe(true);
    const raw = await rawCredentials(p.t.s, inboxId);
    expect(raw).toMatch(/^v2:/);
    expect(raw).not.toContain(stored.credentials.refreshToken);
    expect(raw).not.toContain(stored.credentials.accessToken);
    // No log line holds the code, the state or a token.
    const logs = api.logs.join('');
    expect(logs).not.toContain(code);
    expect(logs).not.toContain(auth.searchParams.get('state')!);
    expect(logs).not.toContain(stored.credentials.refreshToken);

    // The same callback again: the state was single-use.
    const replay = await callback(back);
    expect(replay.status).toBe(400);
    expect(pageResult(replay).code).toBe('oauth_state_replayed');
    expect((await p.t.s.inboxes.list()).length).toBe(1);
  });

  it('answers a page (no redirect) without a success URL, and reconnecting replaces the tokens in place', async () => {
    const p = await person(provider);
    const first = await callback(await toCallback((await start(p, provider, { userEmail: p.mail.address })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    expect(first.status, first.body).toBe(200);
    expect(first.contentType).toContain('text/html');
    expect(pageResult(first)).toEqual({ code: 'connected', sentence: expect.stringContaining(`${p.mail.address} is connected`) });
    expect(first.body).not.toMatch(/<script/i);
    const [inbox] = await p.t.s.inboxes.list();
    const before = (await p.t.s.inboxes.getWithCredentials<{ refreshToken: string }>(inbox!.id, await keysOf()))!;
    await p.t.s.inboxes.markDisconnected(inbox!.id, 'oauth_revoked', 'invalid_grant: Token has been expired or revoked.');

    const started = await start(p, provider, { inboxId: inbox!.id });
    expect(new URL(started.authorizationUrl).searchParams.get('login_hint')).toBe(p.mail.user);
    const again = await callback(await toCallback(started.authorizationUrl, { decision: 'allow', username: p.mail.user }));
    expect(again.status, again.body).toBe(200);
    expect(pageResult(again).code).toBe('reconnected');
    const after = (await p.t.s.inboxes.getWithCredentials<{ refreshToken: string }>(inbox!.id, await keysOf()))!;
    expect(after.id).toBe(inbox!.id);
    expect(after.status).toBe('connected');
    expect(after.credentialsVersion).toBe(before.credentialsVersion + 1);
    expect(after.credentials.refreshToken).not.toBe(before.credentials.refreshToken);
    expect((await p.t.s.inboxes.list()).map((i) => i.id)).toEqual([inbox!.id]);

    // Signing the same mailbox in again as a new sign-in of the same user also replaces in place.
    const third = await callback(await toCallback((await start(p, provider, { userId: p.userId })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    expect(pageResult(third).code).toBe('reconnected');
    expect((await p.t.s.inboxes.list()).map((i) => i.id)).toEqual([inbox!.id]);
  });

  it('refuses another account on a reconnect (wrong account) and keeps the old tokens', async () => {
    const p = await person(provider);
    await callback(await toCallback((await start(p, provider, { userId: p.userId })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    const [inbox] = await p.t.s.inboxes.list();
    const before = (await p.t.s.inboxes.getWithCredentials<{ refreshToken: string }>(inbox!.id, await keysOf()))!;
    const other = await createMailUser({ profile: fakeProfile(provider) });
    users.push(other);

    const page = await callback(await toCallback((await start(p, provider, { inboxId: inbox!.id })).authorizationUrl, { decision: 'allow', username: other.user }));
    expect(page.status).toBe(422);
    expect(pageResult(page)).toEqual({ code: 'oauth_account_mismatch', sentence: `You signed in as ${other.user}, but inbox ${p.mail.address} belongs to ${p.mail.user}; nothing was changed. Sign in as ${p.mail.user}, or connect ${other.user} as a new inbox.` });
    const after = (await p.t.s.inboxes.getWithCredentials<{ refreshToken: string }>(inbox!.id, await keysOf()))!;
    expect(after.credentials.refreshToken).toBe(before.credentials.refreshToken);
    expect(after.credentialsVersion).toBe(before.credentialsVersion);
  });

  it('refuses a denied consent and a grant without the mail scope, saving nothing', async () => {
    const p = await person(provider);
    const denied = await callback(await toCallback((await start(p, provider, { userId: p.userId })).authorizationUrl, { decision: 'deny' }));
    expect(new URL(denied.url).searchParams.get('error')).toBe('access_denied');
    expect(denied.status).toBe(403);
    expect(pageResult(denied)).toEqual({ code: 'oauth_consent_denied', sentence: 'You declined to give reply-sync access to your mailbox, so nothing was connected. Sign in again and choose Allow to connect it.' });

    const page = await send((await start(p, provider, { userId: p.userId })).authorizationUrl);
    const form = readConsentForm(page);
    expect(form.scopes).toContain(mailScope(provider));
    const answered = await submitConsent(form, { decision: 'allow', username: p.mail.user, scopes: form.scopes.filter((s) => s !== mailScope(provider)) });
    const missing = await callback(answered.location!);
    expect(missing.status).toBe(422);
    expect(pageResult(missing)).toEqual({
      code: 'consent_missing',
      sentence: 'The sign-in did not grant access to the mailbox (the mail permission was not ticked); nothing was saved. Sign in again and keep every permission reply-sync asks for.',
    });
    expect(await p.t.s.inboxes.list()).toEqual([]);
  });

  it('refuses a missing, tampered, expired or other-provider state', async () => {
    const p = await person(provider);
    const back = new URL(await toCallback((await start(p, provider, { userId: p.userId })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    const state = back.searchParams.get('state')!;
    const withState = (value: string | null, path = back.pathname) => {
      const u = new URL(path, baseUrl);
      u.searchParams.set('code', back.searchParams.get('code')!);
      if (value !== null) u.searchParams.set('state', value);
      return u.toString();
    };
    const refusal = async (url: string) => {
      const r = await callback(url);
      return { status: r.status, ...pageResult(r) };
    };
    expect(await refusal(withState(null))).toMatchObject({ status: 400, code: 'oauth_state_missing' });
    // One changed character in the signed part (the account id): the signature no longer verifies.
    const [v, body, sig] = state.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${v}.${Buffer.from(JSON.stringify({ ...claims, accountId: randomUUID() })).toString('base64url')}.${sig}`;
    expect(await refusal(withState(forged))).toMatchObject({ status: 400, code: 'oauth_state_invalid', sentence: expect.stringContaining('was not issued by reply-sync or was changed on the way') });
    expect(await refusal(withState('not-a-state'))).toMatchObject({ status: 400, code: 'oauth_state_invalid' });
    const otherProvider = provider === 'gmail' ? 'office365' : 'gmail';
    expect(await refusal(withState(state, `/oauth/${otherProvider}/callback`))).toMatchObject({ status: 400, code: 'oauth_state_provider_mismatch' });
    fixture.clock.offsetMs = (config.stateTtlSeconds + 1) * 1000;
    expect(await refusal(withState(state))).toMatchObject({ status: 400, code: 'oauth_state_expired' });
    fixture.clock.offsetMs = 0;
    // None of those used the state up: the real callback still connects.
    const ok = await callback(back.toString());
    expect(pageResult(ok).code, ok.body).toBe('connected');
  });
});

describe('POST /v1/inboxes/oauth/{provider}', () => {
  it('refuses a success URL outside the allow-list, an unknown user and a provider mismatch on a reconnect', async () => {
    const p = await person('gmail');
    const post = (provider: string, payload: object) => api.app.inject({ method: 'POST', url: `/v1/inboxes/oauth/${provider}`, headers: bearer(p.key), payload });
    for (const successUrl of ['https://evil.example/x', '//evil.example/x', 'https://crm.example.test/other', 'javascript:alert(1)']) {
      const r = await post('gmail', { userId: p.userId, successUrl });
      expect(r.statusCode, successUrl).toBe(400);
      expect(r.json().code).toBe('invalid_success_url');
    }
    expect((await post('gmail', { userId: p.userId, successUrl: '/done' })).statusCode).toBe(200);
    expect((await post('gmail', { userId: randomUUID() })).json().code).toBe('user_not_found');
    expect((await post('gmail', { userEmail: `nobody-${randomUUID()}@mail.test` })).json().code).toBe('user_not_found');
    expect((await post('gmail', {})).json().code).toBe('invalid_request');
    expect((await post('yahoo', { userId: p.userId })).statusCode).toBe(400);

    await callback(await toCallback((await start(p, 'gmail', { userId: p.userId })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    const [inbox] = await p.t.s.inboxes.list();
    const mismatch = await post('office365', { inboxId: inbox!.id });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().code).toBe('oauth_provider_mismatch');
  });
});

const keys = parseEncryptionKeys(stack.encryptionKeys);
async function keysOf() {
  return keys;
}

describe('moving a user to another provider and address', () => {
  it("keeps the user's logged threads: a reply arriving in the new inbox is still logged as theirs", async () => {
    const p = await person('gmail');
    await callback(await toCallback((await start(p, 'gmail', { userId: p.userId })).authorizationUrl, { decision: 'allow', username: p.mail.user }));
    const [gmailInbox] = await p.t.s.inboxes.list();
    const contact = await p.t.s.contacts.add({ email: 'bob@acme.test' });
    const sent = `<${randomUUID()}@mail.test>`;
    await p.t.s.emails.logOutbound({ source: 'crm_send', messageId: sent, userId: p.userId, inboxId: gmailInbox!.id, from: { address: p.mail.address, name: 'Ana' }, to: [{ address: 'bob@acme.test', name: 'Bob' }], subject: 'Renewal', sentAt: new Date(), textBody: 'Shall we renew?' });

    // The same user signs in with Office 365, another address: a new inbox; the Gmail one is removed.
    const office = await createMailUser({ profile: 'standard' });
    users.push(office);
    const moved = await callback(await toCallback((await start(p, 'office365', { userId: p.userId })).authorizationUrl, { decision: 'allow', username: office.user }));
    expect(pageResult(moved).code, moved.body).toBe('connected');
    const officeInbox = (await p.t.s.inboxes.list()).find((i) => i.provider === 'office365')!;
    expect(officeInbox).toMatchObject({ userId: p.userId, address: office.address });
    await p.t.s.inboxes.remove(gmailInbox!.id);

    // Bob answers the Gmail-era email; it arrives in the Office 365 inbox.
    const facts = {
      messageId: normalizeMessageId(`<${randomUUID()}@acme.test>`),
      inReplyTo: [normalizeMessageId(sent)!],
      references: [normalizeMessageId(sent)!],
      from: { address: 'bob@acme.test', name: 'Bob' },
      to: [{ address: office.address, name: 'Ana' }],
      cc: [],
      subject: 'Re: Renewal',
      date: new Date(),
      mailbox: 'INBOX',
      arrivedAt: new Date(Date.now() + 1000),
      headers: {},
    };
    const refs = await p.t.s.emails.findThreadRefs([normalizeMessageId(sent)!]);
    const decision = decide(facts, {
      inbox: (await p.t.s.inboxes.context(officeInbox.id))!,
      alreadyLogged: false,
      thread: findThread(threadCandidates(facts.inReplyTo, facts.references), refs),
      senderContact: { id: contact.id, email: 'bob@acme.test', companyIds: [], dealIds: [] },
      neverLog: [],
    });
    expect(decision).toMatchObject({ action: 'log', reason: 'logged', thread: { ownerUserId: p.userId } });
  });
});
