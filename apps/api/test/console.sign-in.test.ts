// The console's sign-in and its guards, through inject(): the session cookie is httpOnly and SameSite=Lax
// (Secure over TLS), a wrong password or a login form without its CSRF token is refused, sign-in attempts
// are rate limited per address, every page needs a session, a POST without the session's CSRF token is
// refused, a support user cannot open admin pages, and another account's inbox answers 404.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let b: TestAccount;
const PASSWORD = 'a long console password';

beforeAll(async () => {
  api = await startTestApi({ consoleLoginAttemptsPerMinute: 5 });
  [a, b] = await Promise.all([api.account(), api.account()]);
});
afterAll(async () => {
  await api?.close();
});

const cookieOf = (r: LightMyRequestResponse, name: string) => {
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  return set.find((c) => c.startsWith(`${name}=`));
};
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=')[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function signIn(email: string, password: string, remoteAddress = '127.0.0.10') {
  const page = await api.app.inject({ method: 'GET', url: '/console/login', remoteAddress });
  const csrf = valueOf(cookieOf(page, 'rs_console_login'));
  const r = await api.app.inject({
    method: 'POST',
    url: '/console/login',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${csrf}` },
    payload: form({ email, password, _csrf: csrf }),
  });
  return r;
}

async function session(t: TestAccount, role: 'support' | 'admin') {
  const email = `${role}-${t.accountId.slice(0, 8)}@example.com`;
  await t.s.consoleUsers.create({ email, password: PASSWORD, role });
  const r = await signIn(email, PASSWORD);
  expect(r.statusCode).toBe(303);
  const cookie = `rs_console=${valueOf(cookieOf(r, 'rs_console'))}`;
  const get = (url: string, extra: Partial<InjectOptions> = {}) => api.app.inject({ method: 'GET', url, headers: { cookie }, ...extra });
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await get('/console/inboxes')).body)![1]!;
  return { email, cookie, csrf, get, post: (url: string, fields: Record<string, string>) => api.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) }) };
}

describe('console sign-in', () => {
  it('signs in with a session cookie that is httpOnly and SameSite=Lax, and refuses a wrong password', async () => {
    await a.s.consoleUsers.create({ email: `ana-${a.accountId.slice(0, 8)}@example.com`, password: PASSWORD, role: 'admin' });
    const wrong = await signIn(`ana-${a.accountId.slice(0, 8)}@example.com`, 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email or the password is wrong.');
    expect(cookieOf(wrong, 'rs_console')).toBeUndefined();
    const unknown = await signIn('nobody@example.com', PASSWORD);
    expect(unknown.statusCode).toBe(401);

    const ok = await signIn(`ana-${a.accountId.slice(0, 8)}@example.com`, PASSWORD);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console/inboxes');
    const cookie = cookieOf(ok, 'rs_console')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP on loopback here; Secure when request.protocol is https
    const page = await api.app.inject({ method: 'GET', url: '/console/inboxes', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('refuses a sign-in without the login form token', async () => {
    await b.s.consoleUsers.create({ email: `csrf-${b.accountId.slice(0, 8)}@example.com`, password: PASSWORD, role: 'admin' });
    const r = await api.app.inject({ method: 'POST', url: '/console/login', remoteAddress: '127.0.0.11', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ email: `csrf-${b.accountId.slice(0, 8)}@example.com`, password: PASSWORD }) });
    expect(r.statusCode).toBe(403);
    expect(cookieOf(r, 'rs_console')).toBeUndefined();
  });

  it('rate limits sign-in attempts per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await signIn('nobody@example.com', 'guess', '127.0.0.12')).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const limited = await signIn('nobody@example.com', 'guess', '127.0.0.12');
    expect(limited.body).toContain('Too many sign-in attempts');
    // Another address is not affected.
    expect((await signIn('nobody@example.com', 'guess', '127.0.0.13')).statusCode).toBe(401);
  });
});

describe('console guards', () => {
  it('sends a visitor without a session to the sign-in page', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/console/inboxes?disconnected=1' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/console/login?next=${encodeURIComponent('/console/inboxes?disconnected=1')}`);
  });

  it('refuses a POST without the CSRF token, and signs out with it', async () => {
    const s = await session(a, 'admin');
    const refused = await s.post('/console/logout', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('did not come from this console');
    expect((await s.get('/console/inboxes')).statusCode).toBe(200);
    const out = await s.post('/console/logout', { _csrf: s.csrf });
    expect(out.statusCode).toBe(303);
    expect((await s.get('/console/inboxes')).statusCode).toBe(303);
  });

  it("keeps a support user out of admin pages and every user out of another account's inboxes", async () => {
    const s = await session(a, 'support');
    const connect = await s.get('/console/connect');
    expect(connect.statusCode).toBe(403);
    expect(connect.body).toContain('Your role (support) cannot open this page');
    const inboxOfB = await b.s.inboxes.create(
      { userId: null, kind: 'team', provider: 'imap', address: `team-${b.accountId.slice(0, 8)}@example.com`, aliases: [], imapHost: '127.0.0.1', imapPort: 143, imapTls: 'starttls', smtpHost: null, smtpPort: null, smtpTls: null, allowPlaintext: false, username: 'x', authKind: 'password', credentials: { password: 'x' }, sentMailbox: null, trustedAuthservIds: null },
      (await import('@reply-sync/db')).parseEncryptionKeys((await import('@reply-sync/testkit')).stack.encryptionKeys),
    );
    const other = await s.get(`/console/inboxes/${inboxOfB.id}`);
    const missing = await s.get('/console/inboxes/00000000-0000-4000-8000-000000000000');
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(other.body).not.toContain(inboxOfB.address);
    expect((await s.get('/console/inboxes')).body).not.toContain(inboxOfB.address);
  });
});
