// The console's Settings → Tracking page through inject(): an admin switches GDPR and clicks-by-seat on
// and off and keeps the do-not-track list (add, a refused value with its sentence, remove); a support user
// cannot open or post to it; another account's entry answers 404; the page speaks nl and pl.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let b: TestAccount;
const PASSWORD = 'a long console password';

beforeAll(async () => {
  api = await startTestApi();
  [a, b] = await Promise.all([api.account(), api.account()]);
});
afterAll(async () => {
  await api?.close();
});

const cookieOf = (r: LightMyRequestResponse, name: string) => ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=')[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function session(t: TestAccount, role: 'support' | 'admin', language: 'en' | 'nl' | 'pl' = 'en') {
  const email = `${role}-${language}-${t.accountId.slice(0, 8)}@example.com`;
  await t.s.consoleUsers.create({ email, password: PASSWORD, role, language });
  const page = await api.app.inject({ method: 'GET', url: '/console/login' });
  const loginCsrf = valueOf(cookieOf(page, 'rs_console_login'));
  const r = await api.app.inject({ method: 'POST', url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${loginCsrf}` }, payload: form({ email, password: PASSWORD, _csrf: loginCsrf }) });
  expect(r.statusCode).toBe(303);
  const cookie = `rs_console=${valueOf(cookieOf(r, 'rs_console'))}`;
  const get = (url: string, extra: Partial<InjectOptions> = {}) => api.app.inject({ method: 'GET', url, headers: { cookie }, ...extra });
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await get('/console/inboxes')).body)![1]!;
  const post = (url: string, fields: Record<string, string>) => api.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, ...fields }) });
  return { get, post };
}

describe('Settings → Tracking', () => {
  it('lets an admin switch GDPR and clicks-by-seat, and keep the do-not-track list', async () => {
    const admin = await session(a, 'admin');
    const first = await admin.get('/console/settings/tracking');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('The do-not-track list is empty.');
    expect(first.body).not.toMatch(/name="gdpr" value="1" checked/);

    const saved = await admin.post('/console/settings/tracking', { gdpr: '1', clicks_seats_only: '1' });
    expect(saved.statusCode).toBe(303);
    expect(await a.s.account.get()).toMatchObject({ trackingGdpr: true, clickTrackingSeatsOnly: true });
    const shown = await admin.get(saved.headers.location as string);
    expect(shown.body).toContain('The tracking settings are saved.');
    expect(shown.body).toMatch(/name="gdpr" value="1" checked/);
    // An unchecked box is off.
    await admin.post('/console/settings/tracking', { gdpr: '1' });
    expect(await a.s.account.get()).toMatchObject({ trackingGdpr: true, clickTrackingSeatsOnly: false });

    const added = await admin.post('/console/settings/tracking/do-not-track', { value: '@Private.Example' });
    expect(added.statusCode).toBe(303);
    expect((await admin.get(added.headers.location as string)).body).toContain('@private.example is on the do-not-track list now.');
    const refused = await admin.post('/console/settings/tracking/do-not-track', { value: 'not a domain' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('is neither an email address nor a domain');
    const [entry] = await a.s.doNotTrack.list();
    const removed = await admin.post(`/console/settings/tracking/do-not-track/${entry!.id}/remove`, {});
    expect(removed.statusCode).toBe(303);
    expect(await a.s.doNotTrack.list()).toEqual([]);
  });

  it("refuses a support user, and answers 404 for another account's entry", async () => {
    const support = await session(a, 'support');
    expect((await support.get('/console/settings/tracking')).statusCode).toBe(403);
    expect((await support.post('/console/settings/tracking', { gdpr: '1', clicks_seats_only: '1' })).statusCode).toBe(403);
    expect((await a.s.account.get()).clickTrackingSeatsOnly).toBe(false);

    const theirs = await b.s.doNotTrack.add('address', 'secret@b.example');
    const admin = await session(a, 'admin', 'nl');
    expect((await admin.post(`/console/settings/tracking/do-not-track/${theirs.id}/remove`, {})).statusCode).toBe(404);
    expect((await b.s.doNotTrack.list()).map((e) => e.id)).toEqual([theirs.id]);
  });

  it('speaks Dutch and Polish', async () => {
    expect((await (await session(b, 'admin', 'nl')).get('/console/settings/tracking')).body).toContain('Trackinginstellingen opslaan');
    expect((await (await session(b, 'admin', 'pl')).get('/console/settings/tracking')).body).toContain('Zapisz ustawienia śledzenia');
  });
});
