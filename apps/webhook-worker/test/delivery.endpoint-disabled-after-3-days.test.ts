// An endpoint failing for 3 days (the clock injected, moved ahead) is disabled with a sentence saying
// why and what to do; its deliveries are given up; events after that are not queued for it; enabling
// it again delivers what comes next.
import { waitFor } from '@reply-sync/testkit';
import { enableWebhook, listWebhookAttempts } from '@reply-sync/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, type Receiver } from './helpers/receiver';
import { createWebhookFixture, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close().catch(() => {});
  await fx?.cleanup();
});

const DAY = 24 * 3600_000;

describe('an endpoint failing for 3 days', () => {
  // Retries come every 300 ms here; the waits allow for CI's loaded 2 cores (one there took over 10 s).
  it('is disabled with its reason, and its deliveries stop', { timeout: 120_000 }, async () => {
    fx = await createWebhookFixture('disable');
    receiver = await createReceiver('error');
    await receiver.listen();
    const { endpoint } = await fx.subscribe(receiver.url, ['inbox.connected']);
    let clock = Date.now();
    await fx.startWorker({}, () => new Date(clock));
    await fx.connectInbox();

    const attempts = () => listWebhookAttempts(fx!.s, { endpointId: endpoint.id, limit: 200 });
    await waitFor(async () => (await attempts()).length >= 2, { what: 'two failed attempts', timeoutMs: 30_000 });
    const failing = await fx.s.webhooks.get(endpoint.id);
    expect(failing).toMatchObject({ enabled: true });
    expect(failing!.failingSince).not.toBeNull();

    clock += 2 * DAY; // still failing, not yet 3 days
    const before = (await attempts()).length;
    await waitFor(async () => (await attempts()).length > before + 1, { what: 'attempts 2 days later', timeoutMs: 30_000 });
    expect(await fx.s.webhooks.get(endpoint.id)).toMatchObject({ enabled: true });

    clock += DAY + 1000; // now 3 days and a second
    const disabled = await waitFor(async () => {
      const e = await fx!.s.webhooks.get(endpoint.id);
      return e && !e.enabled ? e : null;
    }, { what: 'the endpoint disabled', timeoutMs: 30_000 });
    expect(disabled.disabledReason).toMatch(/^Disabled on .*: every delivery failed for 3 days \(since .*\); the last: The receiver answered with a status other than 2xx\. \(500 Internal Server Error\) Fix the receiver, then enable it again \(`reply-sync webhook enable [0-9a-f-]+`\)\.$/);
    expect(disabled.disabledAt!.getTime()).toBe(clock); // by the worker's clock
    const [delivery] = await fx.db.sql<{ status: string; next_attempt_at: Date | null }[]>`SELECT status, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = ${endpoint.id}`;
    expect(delivery).toMatchObject({ status: 'failed', next_attempt_at: null });

    // Nothing more is tried, and a new event is not queued for it.
    const requestsAtDisable = receiver.requests.length;
    await fx.connectInbox();
    await waitFor(async () => (await fx!.db.sql`SELECT 1 FROM webhook_events WHERE account_id = ${fx!.s.accountId} AND relayed_at IS NULL`).length === 0, { what: 'the outbox relayed' });
    expect(await fx.eventIds()).toHaveLength(1); // recordEvent wrote none: no enabled subscriber
    expect(receiver.requests.length).toBe(requestsAtDisable);

    // Enabled again: the next event is delivered.
    receiver.mode = 'ok';
    await enableWebhook(fx.s, endpoint.id);
    await fx.connectInbox();
    await waitFor(() => receiver!.deliveredIds().size === 1, { what: 'the event after re-enabling delivered' });
  });
});
