// The console's company and deal timelines, through inject(): a contact's timeline links to its companies'
// and deals' timelines, which show the email logged on them with its link to the body page; as for the
// contact timeline, a support user gets the 403 page, and another account's company or deal answers 404.
import { addContact, logEmail } from '@reply-sync/operations';
import { composeEmail, uniqueName } from '@reply-sync/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let b: TestAccount;
const PASSWORD = 'a long console password';
const stamp = uniqueName('targets');
const bob = `bob-${stamp}@buyer.example`;
let companyId: string;
let dealId: string;
let otherCompanyId: string;
let emailId: string;

const cookieOf = (r: LightMyRequestResponse, name: string) => ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=')[1] ?? '';

const sessions = new Map<string, (url: string) => Promise<LightMyRequestResponse>>();
async function session(t: TestAccount, role: 'support' | 'admin') {
  const email = `${role}-${t.accountId.slice(0, 8)}@example.com`;
  const known = sessions.get(email);
  if (known) return known;
  await t.s.consoleUsers.create({ email, password: PASSWORD, role });
  const login = await api.app.inject({ method: 'GET', url: '/console/login' });
  const csrf = valueOf(cookieOf(login, 'rs_console_login'));
  const signed = await api.app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${csrf}` },
    payload: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
  });
  expect(signed.statusCode).toBe(303);
  const cookie = `rs_console=${valueOf(cookieOf(signed, 'rs_console'))}`;
  const get = (url: string) => api.app.inject({ method: 'GET', url, headers: { cookie } });
  sessions.set(email, get);
  return get;
}

beforeAll(async () => {
  api = await startTestApi();
  [a, b] = await Promise.all([api.account(), api.account()]);
  const ana = `ana-${stamp}@seller.example`;
  await a.s.users.add({ email: ana, name: 'Ana Seller' });
  const added = await addContact(a.s, { email: bob, name: 'Bob Buyer', ownerEmail: ana, company: `Acme ${stamp}`, deals: [`Renewal ${stamp}`] });
  companyId = added.company!.id;
  dealId = added.deals[0]!.id;
  const logged = await logEmail(a.s, { raw: await composeEmail({ from: `Ana Seller <${ana}>`, to: bob, subject: `Proposal ${stamp}`, messageId: `<proposal-${stamp}@crm.example>`, text: 'Here it is.' }), userEmail: ana });
  emailId = logged.emailId;
  otherCompanyId = (await addContact(b.s, { email: `carl-${stamp}@other.example`, company: `Other ${stamp}` })).company!.id;
});
afterAll(async () => {
  await api?.close();
});

describe('console company and deal timelines', () => {
  it("links a contact's companies and deals from its timeline, and shows their timelines with the email", async () => {
    const get = await session(a, 'admin');
    const contact = await get(`/console/timeline?contact=${encodeURIComponent(bob)}`);
    expect(contact.statusCode, contact.body).toBe(200);
    expect(contact.body).toContain(`href="/console/timeline?company=${companyId}">Acme ${stamp}</a>`);
    expect(contact.body).toContain(`href="/console/timeline?deal=${dealId}">Renewal ${stamp}</a>`);

    for (const [url, label] of [[`/console/timeline?company=${companyId}`, `Acme ${stamp}`], [`/console/timeline?deal=${dealId}`, `Renewal ${stamp}`]] as const) {
      const r = await get(url);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.body).toContain(`<h1>Timeline of ${label}</h1>`);
      expect(r.body).toContain(`<a href="/console/emails/${emailId}">Proposal ${stamp}</a>`);
      // The body itself is on the email's page, not here.
      expect(r.body).not.toContain('Here it is.');
    }
  });

  it("answers 404 for another account's company, an unknown deal and a name instead of an id; support gets 403", async () => {
    const get = await session(a, 'admin');
    expect((await get(`/console/timeline?company=${otherCompanyId}`)).statusCode).toBe(404);
    expect((await get('/console/timeline?deal=00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get(`/console/timeline?company=${encodeURIComponent(`Acme ${stamp}`)}`)).statusCode).toBe(404);
    const support = await session(a, 'support');
    const refused = await support(`/console/timeline?company=${companyId}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(`Proposal ${stamp}`);
  });
});
