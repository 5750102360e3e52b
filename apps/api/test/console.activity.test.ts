// The console's Activity page: an admin sees the tracked sends as Sent / Opened / Clicked with a person's
// opens and the likely automated events with their reason (in the user's language), and its event
// stream (the page's EventSource, behind the session) delivers a new open of the account's; the timeline
// shows a tracked send's opens; support users cannot open it.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { insertTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';
import { stack } from '@reply-sync/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';
import { openSse } from './sse-client';

let api: TestApi;
let a: TestAccount;
let sendId: string;
let loggedId: string;
const PASSWORD = 'a long console password';

const cookieOf = (r: LightMyRequestResponse, name: string) => ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=')[1] ?? '';

async function sessionCookie(role: 'support' | 'admin'): Promise<string> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  await a.s.consoleUsers.create({ email, password: PASSWORD, role });
  const login = await api.app.inject({ method: 'GET', url: '/console/login' });
  const csrf = valueOf(cookieOf(login, 'rs_console_login'));
  const r = await api.app.inject({ method: 'POST', url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${csrf}` }, payload: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString() });
  expect(r.statusCode).toBe(303);
  return `rs_console=${valueOf(cookieOf(r, 'rs_console'))}`;
}

function event(over: Partial<NewTrackingEvent>): NewTrackingEvent {
  const at = new Date();
  return { accountId: a.accountId, emailId: sendId, recipient: 'bob@acme.test', kind: 'open', target: null, method: 'GET', eventClass: 'human', reason: 'human', counted: true, ip: '192.0.2.1', userAgent: 'Mozilla/5.0', occurredAt: at, lastSeenAt: at, hits: 1, dedupeKey: randomUUID(), ...over };
}

beforeAll(async () => {
  api = await startTestApi({ live: { databaseUrl: stack.databaseUrl } });
  a = await api.account();
  const address = `ana-${randomUUID().slice(0, 8)}@mail.test`;
  const user = await a.s.users.add({ email: address });
  const inbox = await a.s.inboxes.create({ kind: 'personal', userId: user.id, address, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'ana', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  await a.s.contacts.add({ email: 'bob@acme.test' });
  const logged = await a.s.emails.logOutbound({ source: 'crm_send', messageId: `<${randomUUID()}@crm.test>`, userId: user.id, inboxId: inbox.id, from: { address, name: 'Ana' }, to: [{ address: 'bob@acme.test', name: 'Bob' }], subject: 'Renewal terms', sentAt: new Date(), textBody: 'hi', attachments: [] });
  loggedId = logged.emailId;
  const { email } = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: user.id, sendId: randomUUID(), to: ['bob@acme.test'], subject: 'Renewal terms', htmlBody: '<p>hi</p>' });
  sendId = email.id;
  await api.db.sql`UPDATE outgoing_emails SET track = true, status = 'sent', sent_at = now(), email_id = ${loggedId} WHERE id = ${sendId}`;
  await insertTrackingEvents(api.db.db, [event({}), event({ method: 'HEAD', eventClass: 'scanner', reason: 'head_request', counted: false })]);
});
afterAll(async () => {
  await api?.close();
});

describe('console Activity page', () => {
  it("lists the tracked send as Opened with a person's open, the automated event with its reason, in the user's language", async () => {
    const cookie = await sessionCookie('admin');
    const en = await api.app.inject({ method: 'GET', url: '/console/activity', headers: { cookie } });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Renewal terms');
    expect(en.body).toContain('>Opened</span>');
    expect(en.body).toMatch(/Opens: 1, last \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(en.body).toContain('A HEAD request: link scanners check links this way, people never do.');
    expect(en.body).toContain('<script src="/console/assets/activity.js" defer></script>');
    const nl = await api.app.inject({ method: 'GET', url: '/console/activity', headers: { cookie, 'accept-language': 'nl' } });
    expect(nl.body).toContain('>Geopend</span>');
    expect(nl.body).toContain('Een HEAD-verzoek');
    const script = await api.app.inject({ method: 'GET', url: '/console/assets/activity.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain("new EventSource('/console/activity/stream')");
    // The contact's timeline shows the send's opens too.
    const timeline = await api.app.inject({ method: 'GET', url: '/console/timeline?contact=bob%40acme.test', headers: { cookie } });
    expect(timeline.body).toMatch(/Opens: 1, last /);
  });

  it('streams a new open of the account to the page, behind the session; support users are refused', async () => {
    const cookie = await sessionCookie('admin');
    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    await api.app.liveActivity!.ready;
    const stream = await openSse(`${base}/console/activity/stream`, { cookie });
    try {
      expect(stream.status).toBe(200);
      const fresh = event({ recipient: 'bob@acme.test', kind: 'click', target: 'https://example.com/terms' });
      await insertTrackingEvents(api.db.db, [fresh]);
      const got = await stream.next((e) => e.event === 'email.clicked');
      expect(got.data).toMatchObject({ subject: 'Renewal terms', recipient: 'bob@acme.test', target: 'https://example.com/terms', outgoingEmailId: sendId });
    } finally {
      stream.close();
    }
    const noSession = await fetch(`${base}/console/activity/stream`, { redirect: 'manual' });
    expect(noSession.status).toBe(303);
    const support = await sessionCookie('support');
    expect((await api.app.inject({ method: 'GET', url: '/console/activity', headers: { cookie: support } })).statusCode).toBe(403);
  });
});
