// A receiver that refuses connections, then times out, then answers 500, and only then 2xx: every event
// still arrives, signed and verifiable with standardwebhooks' Webhook.verify, none lost; a repeat only
// ever carries the same webhook-id and body; every attempt is recorded with its reason.
import { waitFor } from '@reply-sync/testkit';
import { listWebhookAttempts } from '@reply-sync/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, verify, type Receiver } from './helpers/receiver';
import { createWebhookFixture, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close().catch(() => {});
  await fx?.cleanup();
});

const EVENTS = 12;

describe('delivery to a failing receiver', () => {
  it('refused, timed out, 500: every event arrives once it answers 2xx, signed, none lost', { timeout: 60_000 }, async () => {
    fx = await createWebhookFixture('failing-receiver');
    receiver = await createReceiver('hang'); // not listening yet: connection refused
    const { endpoint, secret } = await fx.subscribe(receiver.url);
    await fx.startWorker();
    const inboxIds: string[] = [];
    for (let i = 0; i < EVENTS; i++) inboxIds.push(await fx.connectInbox());
    const events = await fx.eventIds();
    expect(events).toHaveLength(EVENTS);

    const codes = async () => new Set((await listWebhookAttempts(fx!.s, { endpointId: endpoint.id, limit: 200 })).map((a) => a.errorCode));
    await waitFor(async () => (await codes()).has('connection_failed'), { what: 'attempts refused', timeoutMs: 15_000 });
    await receiver.listen(); // now it accepts and never answers
    await waitFor(async () => (await codes()).has('timeout'), { what: 'attempts timed out', timeoutMs: 15_000 });
    receiver.mode = 'error';
    await waitFor(async () => (await codes()).has('http_error'), { what: 'attempts answered 500', timeoutMs: 15_000 });
    receiver.mode = 'ok';
    await waitFor(() => receiver!.deliveredIds().size === EVENTS, { what: `all ${EVENTS} events delivered`, timeoutMs: 30_000 });

    // Every event arrived, signed with the endpoint's secret; the ids are exactly the outbox's.
    expect([...receiver.deliveredIds()].sort()).toEqual([...events].sort());
    const byId = new Map<string, string>();
    for (const request of receiver.requests) {
      const body = verify(secret, request);
      expect(body.type).toBe('inbox.connected');
      expect(body.data.eventId).toBe(request.headers['webhook-id']);
      // A repeat is the same event: same id, same body.
      const seen = byId.get(request.headers['webhook-id']!);
      if (seen) expect(request.body).toBe(seen);
      byId.set(request.headers['webhook-id']!, request.body);
    }
    expect(new Set([...byId.values()].map((b) => JSON.parse(b).data.inboxId))).toEqual(new Set(inboxIds));
    expect(() => verify('whsec_' + Buffer.from('another secret, 32 bytes long...').toString('base64'), receiver!.requests[0]!)).toThrow();

    // Every attempt is on record: the failures with their reasons, one success per event.
    await waitFor(async () => (await fx!.s.webhooks.attempts({ endpointId: endpoint.id, limit: 200 })).filter((a) => a.status === 'succeeded').length === EVENTS, {
      what: 'the successes recorded',
    });
    const attempts = await listWebhookAttempts(fx.s, { endpointId: endpoint.id, limit: 200 });
    expect(new Set(attempts.map((a) => a.errorCode))).toEqual(new Set(['connection_failed', 'timeout', 'http_error', null]));
    const http500 = attempts.find((a) => a.errorCode === 'http_error')!;
    expect(http500).toMatchObject({ status: 'failed', responseStatus: 500, eventType: 'inbox.connected' });
    expect(http500.error).toMatch(/^The receiver answered with a status other than 2xx\. \(500/);
    expect(http500.nextAttemptAt).not.toBeNull();
    const endpointNow = await fx.s.webhooks.get(endpoint.id);
    expect(endpointNow).toMatchObject({ enabled: true, failingSince: null });
  });
});
