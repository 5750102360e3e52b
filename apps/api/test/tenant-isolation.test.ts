// Another account's ids answer 404, exactly as missing ones do, on every route of the OpenAPI document:
// account A holds a user, inbox, contact, company, deal, never-log and do-not-track entries, decision, email and webhook; account B's
// key (all scopes) calls each route with A's ids. Every documented operation needs a case here, so a new
// route fails this test until it is covered.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys, resolveInboundAddress } from '@reply-sync/db';
import { createSendQueue, type SendQueue } from '@reply-sync/queue';
import { stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';
import { webSignInFixture, type WebSignInFixture } from './web-sign-in-fixture';
import { openSse } from './sse-client';
import { insertTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';

let api: TestApi;
let a: TestAccount;
let bKey: string;
let ids: Record<'inbox' | 'user' | 'contact' | 'company' | 'deal' | 'neverLog' | 'doNotTrack' | 'email' | 'send' | 'webhook', string>;
let sendQueue: SendQueue;
let attachmentId: string;
let userEmail: string;
let messageId: string;
let doc: any;
let webSignIn: WebSignInFixture;

beforeAll(async () => {
  sendQueue = createSendQueue({ redisUrl: stack.redisUrl, name: uniqueName('api-tenant-sends') });
  webSignIn = webSignInFixture();
  api = await startTestApi({ sendQueue, webSignIn: webSignIn.config, live: { databaseUrl: stack.databaseUrl }, inboundDomain: 'log.example.test' });
  a = await api.account();
  const b = await api.account();
  bKey = await b.key(['read', 'write', 'support']);
  userEmail = `ana-${randomUUID().slice(0, 8)}@mail.test`;
  const user = await a.s.users.add({ email: userEmail, name: 'Ana' });
  const inbox = await a.s.inboxes.create(
    { kind: 'personal', userId: user.id, address: userEmail, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'ana', credentials: { password: 'pw' } },
    parseEncryptionKeys(stack.encryptionKeys),
  );
  const company = await a.s.companies.add({ name: 'Acme' });
  const deal = await a.s.deals.add({ name: 'Acme renewal' });
  const contact = await a.s.contacts.add({ email: 'bob@acme.test', companyIds: [company.id], dealIds: [deal.id] });
  const neverLog = await a.s.neverLog.add('domain', 'secret.example');
  const doNotTrack = await a.s.doNotTrack.add('address', 'private@acme.test');
  await a.s.account.setTracking({ trackingGdpr: true });
  await a.s.contacts.setTrackingBasis(contact.id, 'consent');
  messageId = `<${randomUUID()}@crm.test>`;
  const email = await a.s.emails.logOutbound({ source: 'crm_send', messageId, userId: user.id, inboxId: inbox.id, from: { address: userEmail, name: 'Ana' }, to: [{ address: 'bob@acme.test', name: 'Bob' }], subject: 'Renewal', sentAt: new Date(), textBody: 'Shall we renew?', attachments: [{ filename: 'terms.txt', contentType: 'text/plain', content: Buffer.from('terms') }] });
  attachmentId = (await a.s.attachments.listFor(email.emailId))[0]!.id;
  await a.s.decisions.record([{ inboxId: inbox.id, uidvalidity: 1, uid: 1, messageId, reasonCode: 'not_a_reply', fromAddress: 'bob@acme.test', subject: 'x' }]);
  const send = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: user.id, sendId: randomUUID(), to: ['bob@acme.test'], cc: [], subject: 'Hi', textBody: 'hi', htmlBody: null, contactIds: [], companyIds: [], dealIds: [], attachments: [] });
  // A's send is tracked, sent and opened by Bob: on A's activity feed, stream and contact activity only.
  await api.db.sql`UPDATE outgoing_emails SET track = true, status = 'sent', sent_at = now() WHERE id = ${send.email.id}`;
  await insertTrackingEvents(api.db.db, [openOf(a.accountId, send.email.id)]);
  const webhook = await a.s.webhooks.create({ url: 'https://crm.example/hooks', eventTypes: ['email.logged'], secret: 'whsec_dGVzdA==' }, parseEncryptionKeys(stack.encryptionKeys));
  ids = { inbox: inbox.id, user: user.id, contact: contact.id, company: company.id, deal: deal.id, neverLog: neverLog.id, doNotTrack: doNotTrack.id, email: email.emailId, send: send.email.id, webhook: webhook.id };
  doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(async () => {
  await sendQueue?.obliterate({ force: true }).catch(() => undefined);
  await sendQueue?.close();
  await api?.close();
  webSignIn?.close();
});

function openOf(accountId: string, emailId: string): NewTrackingEvent {
  const at = new Date();
  return { accountId, emailId, recipient: 'bob@acme.test', kind: 'open', target: null, method: 'GET', eventClass: 'human', reason: 'human', counted: true, ip: '192.0.2.1', userAgent: 'Mozilla/5.0', occurredAt: at, lastSeenAt: at, hits: 1, dedupeKey: randomUUID() };
}

type Case =
  /** Called with A's id in {id}: must answer 404. */
  | { id: keyof typeof ids; body?: object }
  /** No id in the path: what B gets must not hold anything of A's. */
  | { check: () => Promise<void> };

const call = (method: string, url: string, payload?: object) =>
  api.app.inject({ method: method as 'GET', url, headers: bearer(bKey), ...(payload ? { payload } : {}) });

const holdsNothingOfA = async (url: string) => {
  const r = await call('GET', url);
  expect(r.statusCode, url).toBe(200);
  for (const id of Object.values(ids)) expect(r.body, url).not.toContain(id);
};

const CASES: Record<string, Case> = {
  'get /v1/inboxes': { check: () => holdsNothingOfA('/v1/inboxes') },
  'get /v1/inboxes/{id}': { id: 'inbox' },
  'post /v1/inboxes/{id}/reconnect': { id: 'inbox', body: { password: 'anything' } },
  'put /v1/inboxes/{id}/logging': { id: 'inbox', body: { folders: ['INBOX'] } },
  'delete /v1/inboxes/{id}': { id: 'inbox' },
  'get /v1/inboxes/{id}/decisions': { id: 'inbox' },
  'post /v1/inboxes': {
    // A's user, named by email, is not B's: 404 as for a missing user, and nothing is connected.
    check: async () => {
      const r = await call('POST', '/v1/inboxes', { userEmail, address: userEmail, imap: { host: '127.0.0.1', port: 51143, tls: 'starttls' }, username: 'ana', password: 'pw' });
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('user_not_found');
    },
  },
  'get /v1/explain': {
    check: async () => {
      const r = await call('GET', `/v1/explain?messageId=${encodeURIComponent(messageId)}`);
      expect(r.json()).toMatchObject({ decisions: [], loggedEmail: null });
    },
  },
  'post /v1/explain/look': {
    // B's look searches only B's inboxes (it has none): nothing of A's found, recorded or explained; A's inbox by id answers 404 as a missing one.
    check: async () => {
      const r = await call('POST', '/v1/explain/look', { messageId });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ decisions: [], loggedEmail: null, look: { inboxesSearched: [], found: [], problems: [], notSearched: [] } });
      for (const id of Object.values(ids)) expect(r.body).not.toContain(id);
      const other = await call('POST', '/v1/explain/look', { messageId, inboxId: ids.inbox });
      const missing = await call('POST', '/v1/explain/look', { messageId, inboxId: randomUUID() });
      expect(other.statusCode).toBe(404);
      expect(other.json().code).toBe('inbox_not_found');
      expect(other.json().code).toBe(missing.json().code);
      expect((await a.s.decisions.forMessageId(messageId)).map((d) => d.reasonCode)).toEqual(['not_a_reply']);
    },
  },
  'get /v1/users': { check: () => holdsNothingOfA('/v1/users') },
  'get /v1/users/{id}': { id: 'user' },
  'post /v1/users': { check: async () => expect((await call('POST', '/v1/users', { email: `b-${randomUUID().slice(0, 8)}@mail.test` })).statusCode).toBe(201) },
  'get /v1/contacts': { check: () => holdsNothingOfA('/v1/contacts') },
  'get /v1/contacts/{id}': { id: 'contact' },
  'get /v1/contacts/{id}/timeline': { id: 'contact' },
  'get /v1/contacts/{id}/activity': { id: 'contact' },
  'get /v1/activity': {
    // A's key sees its tracked send (so the check can fail); B's, even naming A's user, sees nothing of it.
    check: async () => {
      const own = await api.app.inject({ method: 'GET', url: '/v1/activity', headers: bearer(await a.key(['read'])) });
      expect(own.json().data.map((s: { id: string; state: string }) => [s.id, s.state])).toEqual([[ids.send, 'opened']]);
      await holdsNothingOfA('/v1/activity');
      await holdsNothingOfA(`/v1/activity?userId=${ids.user}`);
    },
  },
  'get /v1/activity/stream': {
    // A new open of A's: A's stream receives it, B's stream (open at the same time) nothing.
    check: async () => {
      const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
      await api.app.liveActivity!.ready;
      const mine = await openSse(`${base}/v1/activity/stream`, bearer(await a.key(['read'])));
      const theirs = await openSse(`${base}/v1/activity/stream`, bearer(bKey));
      try {
        expect([mine.status, theirs.status]).toEqual([200, 200]);
        await waitFor(() => mine.comments.includes('connected') && theirs.comments.includes('connected'), { what: 'both streams open' });
        await insertTrackingEvents(api.db.db, [openOf(a.accountId, ids.send)]);
        await mine.next((e) => e.data.outgoingEmailId === ids.send);
        await insertTrackingEvents(api.db.db, [openOf(a.accountId, ids.send)]);
        await waitFor(() => mine.events.length === 2, { what: "A's second open" });
        expect(theirs.events).toEqual([]);
        for (const id of Object.values(ids)) expect(JSON.stringify(theirs.events), id).not.toContain(id);
      } finally {
        mine.close();
        theirs.close();
      }
    },
  },
  'post /v1/contacts': {
    check: async () => {
      const r = await call('POST', '/v1/contacts', { email: 'carol@acme.test', ownerEmail: `nobody-${randomUUID()}@mail.test` });
      expect(r.statusCode).toBe(404);
    },
  },
  'get /v1/companies': { check: () => holdsNothingOfA('/v1/companies') },
  'get /v1/companies/{id}': { id: 'company' },
  'get /v1/companies/{id}/timeline': { id: 'company' },
  'post /v1/companies': { check: async () => expect((await call('POST', '/v1/companies', { name: 'Acme' })).json().contactIds).toEqual([]) },
  'post /v1/deals': { check: async () => expect((await call('POST', '/v1/deals', { name: 'Acme renewal' })).json().contactIds).toEqual([]) },
  'get /v1/deals': { check: () => holdsNothingOfA('/v1/deals') },
  'get /v1/deals/{id}': { id: 'deal' },
  'get /v1/deals/{id}/timeline': { id: 'deal' },
  'get /v1/never-log': { check: () => holdsNothingOfA('/v1/never-log') },
  'post /v1/never-log': { check: async () => expect((await call('POST', '/v1/never-log', { value: '@b.example' })).statusCode).toBe(201) },
  'delete /v1/never-log/{id}': { id: 'neverLog' },
  'get /v1/inbound-addresses': {
    check: async () => {
      const [bcc, fwd] = await Promise.all([a.s.inbound.address('bcc'), a.s.inbound.address('fwd')]);
      const r = await call('GET', '/v1/inbound-addresses');
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(bcc.token);
      expect(r.body).not.toContain(fwd.token);
    },
  },
  'post /v1/inbound-addresses/{kind}/rotate': {
    // B's rotation retires B's address; A's still reaches A.
    check: async () => {
      const before = await a.s.inbound.address('bcc');
      const r = await call('POST', '/v1/inbound-addresses/bcc/rotate');
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(before.token);
      expect(await resolveInboundAddress(api.db.db, 'bcc', before.token)).toBe(a.accountId);
    },
  },
  'get /v1/do-not-track': { check: () => holdsNothingOfA('/v1/do-not-track') },
  'post /v1/do-not-track': { check: async () => expect((await call('POST', '/v1/do-not-track', { value: '@b.example' })).statusCode).toBe(201) },
  'delete /v1/do-not-track/{id}': { id: 'doNotTrack' },
  'get /v1/settings/tracking': { check: async () => expect((await call('GET', '/v1/settings/tracking')).json()).toEqual({ gdpr: false, clickTrackingSeatsOnly: false }) },
  'patch /v1/settings/tracking': {
    // B's change is B's: A keeps GDPR on and clicks for everyone.
    check: async () => {
      expect((await call('PATCH', '/v1/settings/tracking', { clickTrackingSeatsOnly: true })).json()).toEqual({ gdpr: false, clickTrackingSeatsOnly: true });
      expect(await a.s.account.get()).toMatchObject({ trackingGdpr: true, clickTrackingSeatsOnly: false });
    },
  },
  'patch /v1/contacts/{id}': { id: 'contact', body: { trackingBasis: null } },
  'patch /v1/users/{id}': { id: 'user', body: { paidSeat: true } },
  'post /v1/explain/tracking': {
    // A's user is not B's (404 as a missing one); A's contact, its basis and A's do-not-track list do not count for B.
    check: async () => {
      const other = await call('POST', '/v1/explain/tracking', { userId: ids.user, to: ['bob@acme.test'] });
      const missing = await call('POST', '/v1/explain/tracking', { userId: randomUUID(), to: ['bob@acme.test'] });
      expect(other.statusCode).toBe(404);
      expect(other.json().code).toBe(missing.json().code);
      const plain = await call('POST', '/v1/explain/tracking', { to: ['bob@acme.test'] });
      expect(plain.json().recipients).toEqual([expect.objectContaining({ address: 'bob@acme.test', isContact: false, trackingBasis: null, reasonCode: 'anonymous_not_a_contact' })]);
      const listed = await call('POST', '/v1/explain/tracking', { to: ['private@acme.test'] });
      expect(listed.json().recipients[0].reasonCode).not.toBe('not_tracked_do_not_track');
    },
  },
  'get /v1/emails/{id}': { id: 'email' },
  'get /v1/emails/{id}/attachments/{attachmentId}': {
    check: async () => {
      const other = await call('GET', `/v1/emails/${ids.email}/attachments/${attachmentId}`);
      const missing = await call('GET', `/v1/emails/${randomUUID()}/attachments/${randomUUID()}`);
      expect(other.statusCode).toBe(404);
      expect(other.json().code).toBe(missing.json().code);
    },
  },
  'post /v1/emails/log': {
    // A's user as the sender is not B's user: 404, and nothing is logged in A.
    check: async () => {
      const raw = Buffer.from(`From: ${userEmail}\r\nTo: bob@acme.test\r\nMessage-ID: <${randomUUID()}@mail.test>\r\nSubject: x\r\n\r\nhi\r\n`);
      const r = await call('POST', '/v1/emails/log', { raw: raw.toString('base64'), userEmail });
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('user_not_found');
    },
  },
  'get /v1/sends/{id}': { id: 'send' },
  'post /v1/emails': {
    // Sending from A's inbox: 404 as for a missing inbox, and nothing is saved or queued.
    check: async () => {
      const r = await call('POST', '/v1/emails', { inboxId: ids.inbox, to: ['bob@acme.test'], subject: 'x', text: 'y' });
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('inbox_not_found');
    },
  },
  'get /v1/webhooks': { check: () => holdsNothingOfA('/v1/webhooks') },
  'post /v1/webhooks': { check: async () => expect((await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/b', events: ['all'] })).statusCode).toBe(201) },
  'get /v1/webhooks/{id}': { id: 'webhook' },
  'delete /v1/webhooks/{id}': { id: 'webhook' },
  'post /v1/webhooks/{id}/enable': { id: 'webhook' },
  'get /v1/webhooks/{id}/attempts': { id: 'webhook' },
  // The tracker is keyless; its tenant rule (a token's email must be its account's) is in tracker.pixel-and-redirect.test.ts.
  'get /t/o/{token}.gif': { check: async () => expect((await call('GET', '/t/o/x.gif')).headers['content-type']).toBe('image/gif') },
  'head /t/o/{token}.gif': { check: async () => expect((await call('HEAD', '/t/o/x.gif')).statusCode).toBe(200) },
  'get /t/c/{token}': { check: async () => expect((await call('GET', `/t/c/${ids.inbox}`)).statusCode).toBe(404) },
  'head /t/c/{token}': { check: async () => expect((await call('HEAD', `/t/c/${ids.inbox}`)).statusCode).toBe(404) },
  'get /healthz': { check: async () => expect((await call('GET', '/healthz')).statusCode).toBe(200) },
  'post /v1/inboxes/oauth/{provider}': {
    // A's user (by id or email) and A's inbox are not B's: 404 as for missing ones, and no sign-in starts.
    check: async () => {
      for (const [body, code] of [[{ userId: ids.user }, 'user_not_found'], [{ userEmail }, 'user_not_found'], [{ inboxId: ids.inbox }, 'inbox_not_found']] as const) {
        const other = await call('POST', '/v1/inboxes/oauth/gmail', body);
        expect(other.statusCode, JSON.stringify(body)).toBe(404);
        expect(other.json().code).toBe(code);
      }
      const missing = await call('POST', '/v1/inboxes/oauth/gmail', { inboxId: randomUUID() });
      expect(missing.json().code).toBe('inbox_not_found');
    },
  },
  'get /oauth/{provider}/callback': {
    // Public (the browser has no key): only a state signed by this API names an account; none is refused.
    check: async () => {
      const r = await call('GET', `/oauth/gmail/callback?code=x&state=v1.${Buffer.from(JSON.stringify({ accountId: a.accountId })).toString('base64url')}.AAAA`);
      expect(r.statusCode).toBe(400);
      expect(r.body).toContain('oauth_state_invalid');
    },
  },
};

describe("another account's ids", () => {
  it('has a case for every operation in the OpenAPI document', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.filter((op) => !(op in CASES))).toEqual([]);
  });

  it("answers 404, as for a missing id, on every route with an id, and shows nothing of A's elsewhere", async () => {
    for (const [op, c] of Object.entries(CASES)) {
      const [method, path] = op.split(' ') as [string, string];
      if ('check' in c) {
        await c.check();
        continue;
      }
      const other = await call(method.toUpperCase(), path.replace('{id}', ids[c.id]), c.body);
      const missing = await call(method.toUpperCase(), path.replace('{id}', randomUUID()), c.body);
      expect(other.statusCode, op).toBe(404);
      expect(missing.statusCode, op).toBe(404);
      // The same answer but for the id it names: nothing tells "exists elsewhere" from "never existed".
      expect(other.json().code, op).toBe(missing.json().code);
      expect(other.json().type, op).toBe(missing.json().type);
    }
    // And A's rows are untouched by B's writes.
    expect((await a.s.inboxes.get(ids.inbox))?.status).toBe('connected');
    expect((await a.s.neverLog.list()).map((e) => e.id)).toEqual([ids.neverLog]);
    expect((await a.s.doNotTrack.list()).map((e) => e.id)).toEqual([ids.doNotTrack]);
    expect((await a.s.contacts.get(ids.contact))?.trackingBasis).toBe('consent');
    expect((await a.s.users.get(ids.user))?.paidSeat).toBe(false);
    expect((await a.s.webhooks.list()).map((w) => w.id)).toEqual([ids.webhook]);
  });
});
