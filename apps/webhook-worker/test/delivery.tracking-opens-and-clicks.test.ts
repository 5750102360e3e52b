// Tracked opens and clicks as webhooks, through the real outbox, relay and receiver: a person's new open
// or click (insertTrackingEvents, the recorder's write) arrives as `email.opened` / `email.clicked`; a
// repeat collapsing into hits, a machine event and a batch that fails send nothing.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { insertTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';
import { stack, waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, verify, type Receiver } from './helpers/receiver';
import { createWebhookFixture, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close().catch(() => {});
  await fx?.cleanup();
});

const at = new Date('2026-11-30T10:00:00.000Z');
function event(accountId: string, emailId: string, over: Partial<NewTrackingEvent>): NewTrackingEvent {
  return { accountId, emailId, recipient: 'bob@example.test', kind: 'open', target: null, method: 'GET', eventClass: 'human', reason: 'human', counted: true, ip: '192.0.2.1', userAgent: 'Mozilla/5.0', occurredAt: at, lastSeenAt: at, hits: 1, dedupeKey: randomUUID(), ...over };
}

describe('tracking webhooks', () => {
  it("a person's open and click arrive signed; repeats, machines and a failed batch send nothing", { timeout: 60_000 }, async () => {
    fx = await createWebhookFixture('tracking-hooks');
    receiver = await createReceiver('ok');
    await receiver.listen();
    const { secret } = await fx.subscribe(receiver.url, ['email.opened', 'email.clicked']);
    const accountId = (await fx.db.sql<{ account_id: string }[]>`SELECT account_id FROM webhook_endpoints WHERE url = ${receiver.url}`)[0]!.account_id;
    const inbox = await fx.s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'x', credentials: { password: 'p' } }, parseEncryptionKeys(stack.encryptionKeys));
    const { email } = await fx.s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `track-${randomUUID()}`, to: ['bob@example.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' });
    const bob = await fx.s.contacts.add({ email: 'Bob@Example.test' });
    await fx.startWorker();

    const open = event(accountId, email.id, {});
    const click = event(accountId, email.id, { kind: 'click', target: 'https://example.com/pricing', occurredAt: new Date(at.getTime() + 5000), lastSeenAt: new Date(at.getTime() + 5000) });
    const anonymous = event(accountId, email.id, { recipient: null });
    const prefetch = event(accountId, email.id, { eventClass: 'privacy_proxy', reason: 'apple_mpp_egress_range', counted: false });
    const scannerClick = event(accountId, email.id, { kind: 'click', target: 'https://example.com/a', method: 'HEAD', eventClass: 'scanner', reason: 'head_request', counted: false });
    expect(await insertTrackingEvents(fx.db.db, [open, prefetch, scannerClick])).toBe(3);
    // The same request again: it collapses into the row's hits, a repeat and no new event.
    expect(await insertTrackingEvents(fx.db.db, [{ ...open, hits: 2 }])).toBe(1);
    expect(await insertTrackingEvents(fx.db.db, [click, anonymous])).toBe(2);
    // A batch that fails (a click without its link breaks a check) writes neither its events nor their webhooks.
    await expect(insertTrackingEvents(fx.db.db, [event(accountId, email.id, { recipient: 'carol@example.test' }), event(accountId, email.id, { kind: 'click', target: null })])).rejects.toThrow();

    await waitFor(() => receiver!.deliveredIds().size === 3, { what: 'three events delivered', timeoutMs: 20_000 });
    const bodies = receiver.requests.map((r) => verify(secret, r));
    const trackingIds = (await fx.db.sql<{ id: string; recipient: string | null; kind: string }[]>`SELECT id, recipient, kind FROM tracking_events WHERE email_id = ${email.id} AND counted`);
    const idOf = (kind: string, recipient: string | null) => trackingIds.find((t) => t.kind === kind && t.recipient === recipient)!.id;
    expect(bodies.map((b) => b.type).sort()).toEqual(['email.clicked', 'email.opened', 'email.opened']);
    const opened = bodies.find((b) => b.type === 'email.opened' && b.data.recipient === 'bob@example.test')!;
    expect(opened.data).toEqual({ eventId: expect.stringMatching(/^evt_[0-9a-z]{9}[0-9a-f]{20}$/), trackingEventId: idOf('open', 'bob@example.test'), outgoingEmailId: email.id, emailId: null, recipient: 'bob@example.test', contactId: bob.id, occurredAt: at.toISOString() });
    const clicked = bodies.find((b) => b.type === 'email.clicked')!;
    expect(clicked.data).toMatchObject({ trackingEventId: idOf('click', 'bob@example.test'), target: 'https://example.com/pricing', contactId: bob.id, occurredAt: '2026-11-30T10:00:05.000Z' });
    // Anonymous: no recipient, no contact.
    expect(bodies.find((b) => b.type === 'email.opened' && b.data.recipient === null)!.data).toMatchObject({ recipient: null, contactId: null, trackingEventId: idOf('open', null) });
    expect(await fx.eventIds()).toHaveLength(3);
    expect((await fx.db.sql`SELECT 1 FROM tracking_events WHERE email_id = ${email.id} AND recipient = 'carol@example.test'`).length).toBe(0);
  });
});
