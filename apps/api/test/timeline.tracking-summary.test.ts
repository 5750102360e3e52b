// Tracked opens and clicks on the record: a tracked send's entry on the contact's timeline carries a
// person's opens and clicks ("opened 2 times, last …"), from real pixel and link requests; a scanner's
// requests are not counted; an email that was not tracked has no tracking at all.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { parseIpRanges, parseTrackingKeys, signTrackingToken, type TrackingClaims } from '@reply-sync/tracking';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

const keys = parseTrackingKeys(`t1:${randomBytes(32).toString('hex')}`);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
let api: TestApi;
let a: TestAccount;
let base: string;

beforeAll(async () => {
  api = await startTestApi({ tracking: { keys, appleRanges: parseIpRanges('192.0.2.0/32'), flushIntervalMs: 20 } });
  a = await api.account();
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api?.close();
});

describe("a tracked send on the contact's timeline", () => {
  it("carries a person's opens and clicks, with the last times; machine events are not counted; untracked emails have none", async () => {
    const address = `ana-${randomUUID().slice(0, 8)}@mail.test`;
    const user = await a.s.users.add({ email: address });
    const inbox = await a.s.inboxes.create({ kind: 'personal', userId: user.id, address, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'ana', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
    const bob = await a.s.contacts.add({ email: 'bob@acme.test' });
    const log = (subject: string, minutesAgo: number) =>
      a.s.emails.logOutbound({ source: 'crm_send', messageId: `<${randomUUID()}@crm.test>`, userId: user.id, inboxId: inbox.id, from: { address, name: 'Ana' }, to: [{ address: 'bob@acme.test', name: 'Bob' }], subject, sentAt: new Date(Date.now() - minutesAgo * 60_000), textBody: 'hi', attachments: [] });
    const tracked = await log('Pricing', 10);
    const plain = await log('Plain', 5);
    const { email: send } = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: user.id, sendId: randomUUID(), to: ['bob@acme.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' });
    await api.db.sql`UPDATE outgoing_emails SET track = true, status = 'sent', sent_at = now(), email_id = ${tracked.emailId} WHERE id = ${send.id}`;

    const claims = (over: Partial<TrackingClaims> = {}): TrackingClaims => ({ kind: 'open', accountId: a.accountId, emailId: send.id, recipient: 'bob@acme.test', sentAt: new Date(Date.now() - 3600_000), ...over });
    const timeline = async () => {
      const r = await api.app.inject({ method: 'GET', url: `/v1/contacts/${bob.id}/timeline`, headers: bearer(await a.key(['read'])) });
      expect(r.statusCode, r.body).toBe(200);
      const emails = (r.json() as { data: { emails: { id: string; tracking: unknown }[] }[] }).data.flatMap((t) => t.emails);
      return new Map(emails.map((e) => [e.id, e.tracking]));
    };

    // Tracked, nobody opened it yet: zero, not null.
    expect((await timeline()).get(tracked.emailId)).toEqual({ opens: 0, lastOpenedAt: null, clicks: 0, lastClickedAt: null });

    await fetch(`${base}/t/o/${signTrackingToken(keys, claims())}.gif`, { headers: { 'user-agent': CHROME } });
    await api.app.trackingRecorder!.flush();
    await fetch(`${base}/t/o/${signTrackingToken(keys, claims())}.gif`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' } });
    await fetch(`${base}/t/o/${signTrackingToken(keys, claims())}.gif`, { method: 'HEAD' }); // a scanner: not counted
    await api.app.trackingRecorder!.flush();
    await fetch(`${base}/t/c/${signTrackingToken(keys, claims({ kind: 'click', target: 'https://example.com/pricing' }))}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    await api.app.trackingRecorder!.flush();

    const events = await api.db.sql<{ kind: string; counted: boolean; occurred_at: string }[]>`SELECT kind, counted, occurred_at FROM tracking_events WHERE email_id = ${send.id} ORDER BY occurred_at`;
    expect(events.map((e) => [e.kind, e.counted])).toEqual([['open', true], ['open', true], ['open', false], ['click', true]]);
    const lastOpen = events.filter((e) => e.kind === 'open' && e.counted).at(-1)!.occurred_at;
    const byId = await timeline();
    expect(byId.get(tracked.emailId)).toEqual({ opens: 2, lastOpenedAt: new Date(lastOpen).toISOString(), clicks: 1, lastClickedAt: new Date(events.at(-1)!.occurred_at).toISOString() });
    expect(byId.get(plain.emailId)).toBeNull();
  });
});
