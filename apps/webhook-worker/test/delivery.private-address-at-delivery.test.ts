// DNS rebinding: a URL whose name resolved to a public address when it was saved but resolves to
// loopback now is refused at delivery time too (the socket's own lookup is checked): the receiver gets
// nothing and the attempt says why. The endpoint is saved directly, as if its name had changed since.
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack, waitFor } from '@reply-sync/testkit';
import { newWebhookSecret } from '@reply-sync/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, type Receiver } from './helpers/receiver';
import { createWebhookFixture, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close().catch(() => {});
  await fx?.cleanup();
});

describe('private addresses at delivery time', () => {
  it('a name now resolving to loopback, and a literal loopback address, get no request', { timeout: 30_000 }, async () => {
    fx = await createWebhookFixture('rebinding');
    receiver = await createReceiver('ok');
    await receiver.listen();
    const keys = parseEncryptionKeys(stack.encryptionKeys);
    const byName = await fx.s.webhooks.create({ url: `http://localhost:${receiver.port}/hooks`, eventTypes: ['inbox.connected'], secret: newWebhookSecret() }, keys);
    const byAddress = await fx.s.webhooks.create({ url: `http://127.0.0.1:${receiver.port}/hooks`, eventTypes: ['inbox.connected'], secret: newWebhookSecret() }, keys);
    await fx.startWorker({ WEBHOOKS_ALLOW_PRIVATE: 'false' });
    await fx.connectInbox();
    for (const endpoint of [byName, byAddress]) {
      const [attempt] = await waitFor(async () => {
        const list = await fx!.s.webhooks.attempts({ endpointId: endpoint.id });
        return list.length > 0 ? list : null;
      }, { what: 'an attempt' });
      expect(attempt).toMatchObject({ status: 'failed', errorCode: 'private_address', responseStatus: null });
      expect(attempt!.error).toMatch(/^The receiver's host now resolves to a loopback, private or link-local address/);
    }
    expect(receiver.requests).toEqual([]);
  });
});
