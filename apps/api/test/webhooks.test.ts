// /v1/webhooks: a subscription is added with its secret shown once (stored encrypted, never read back),
// loopback and private URLs are refused unless the operator allows them, listed and shown to read keys
// only, removed, enabled again after the delivery worker disabled it; its attempts page newest first in
// SQL, every attempt once, also for attempts made in the same millisecond.
import { randomUUID } from 'node:crypto';
import { newWebhookEventId, recordWebhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type DbHandle } from '@reply-sync/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let strict: TestApi;
let a: TestAccount;
beforeAll(async () => {
  api = await startTestApi();
  strict = await startTestApi({ allowPrivateWebhooks: false });
  a = await api.account();
});
afterAll(async () => {
  await api?.close();
  await strict?.close();
});

const call = async (method: string, url: string, key: string, payload?: object, on = api) =>
  on.app.inject({ method: method as 'GET', url, headers: bearer(key), ...(payload ? { payload } : {}) });

const add = async (events: string[] = ['email.logged']) => {
  const r = await call('POST', '/v1/webhooks', await a.key(), { url: `http://127.0.0.1:9/hooks/${randomUUID()}`, events });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; secret: string; url: string; eventTypes: string[]; enabled: boolean };
};

/** `n` attempts of `webhookId` as the delivery worker records them, `sameMs` of them at one instant. */
export async function seedAttempts(db: DbHandle, accountId: string, webhookId: string, n: number, sameMs = 0): Promise<void> {
  const base = Date.now() - n * 1000;
  const records = [];
  for (let i = 0; i < n; i++) {
    const eventId = newWebhookEventId();
    await db.db.insert(webhookEvents).values({ id: eventId, accountId, type: 'email.logged', payload: { n: i }, relayedAt: new Date() });
    const [delivery] = await db.db.insert(webhookDeliveries).values({ accountId, eventId, endpointId: webhookId }).returning();
    const failed = i % 3 === 0;
    records.push({
      accountId, eventId, endpointId: webhookId, deliveryId: delivery!.id, attempt: 1,
      status: failed ? ('failed' as const) : ('succeeded' as const),
      responseStatus: failed ? 500 : 204, errorCode: failed ? 'http_error' : null, error: failed ? 'The receiver answered 500.' : null,
      durationMs: 12, at: new Date(i < sameMs ? base : base + i * 1000), nextAttemptAt: null, final: !failed, endpointChange: null, disableReason: null,
    });
  }
  await recordWebhookAttempts(db.db, records);
}

describe('POST /v1/webhooks', () => {
  it('adds a subscription and shows its secret once: stored encrypted, never in a later answer', async () => {
    const added = await add(['all']);
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(added.eventTypes).toEqual(expect.arrayContaining(['email.logged', 'email.sent', 'inbox.disconnected']));
    expect(added.enabled).toBe(true);
    const [row] = await api.db.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, added.id));
    expect(row!.secret).not.toContain(added.secret.slice(6));
    const key = await a.key();
    for (const url of ['/v1/webhooks', `/v1/webhooks/${added.id}`]) {
      const r = await call('GET', url, key);
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain(added.id);
      expect(r.body).not.toContain(added.secret);
      expect(r.body).not.toContain('secret');
    }
  });

  it('refuses loopback and private URLs unless WEBHOOKS_ALLOW_PRIVATE is set, and bad URLs and event types', async () => {
    const strictAccount = await strict.account();
    const key = await strictAccount.key();
    for (const url of ['http://127.0.0.1:8080/hook', 'https://10.1.2.3/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest']) {
      const r = await call('POST', '/v1/webhooks', key, { url, events: ['all'] }, strict);
      expect(r.statusCode, url).toBe(422);
      expect(r.json()).toMatchObject({ code: 'private_address', detail: expect.stringContaining('WEBHOOKS_ALLOW_PRIVATE') });
    }
    const notUrl = await call('POST', '/v1/webhooks', key, { url: 'ftp://example.com/x', events: ['all'] }, strict);
    expect(notUrl.statusCode).toBe(400);
    expect(notUrl.json().code).toBe('invalid_url');
    const badEvent = await call('POST', '/v1/webhooks', key, { url: 'https://example.com/x', events: ['email.bounced'] }, strict);
    expect(badEvent.statusCode).toBe(400);
    expect(badEvent.json().code).toBe('invalid_request');
    expect(await strictAccount.s.webhooks.list()).toEqual([]);
  });

  it('needs a write key', async () => {
    const r = await call('POST', '/v1/webhooks', await a.key(['read']), { url: 'http://127.0.0.1:9/x', events: ['all'] });
    expect(r.statusCode).toBe(403);
  });
});

describe('reading, removing and enabling', () => {
  it('lists and shows subscriptions to read keys; a support key may not read them (a URL can carry a token)', async () => {
    const added = await add();
    const support = await a.key(['support']);
    expect((await call('GET', '/v1/webhooks', support)).statusCode).toBe(403);
    expect((await call('GET', `/v1/webhooks/${added.id}`, support)).statusCode).toBe(403);
    const shown = await call('GET', `/v1/webhooks/${added.id}`, await a.key(['read']));
    expect(shown.json()).toMatchObject({ id: added.id, url: added.url, eventTypes: ['email.logged'], enabled: true, disabledReason: null });
    expect((await call('GET', `/v1/webhooks/${randomUUID()}`, await a.key())).json().code).toBe('webhook_not_found');
  });

  it('removes a subscription: gone from the list, a second removal 404', async () => {
    const added = await add();
    const key = await a.key();
    const removed = await call('DELETE', `/v1/webhooks/${added.id}`, key);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().id).toBe(added.id);
    expect((await call('GET', '/v1/webhooks?limit=200', key)).body).not.toContain(added.id);
    expect((await call('DELETE', `/v1/webhooks/${added.id}`, key)).statusCode).toBe(404);
  });

  it('enables a subscription the delivery worker disabled, clearing the reason', async () => {
    const added = await add();
    await seedAttempts(api.db, a.accountId, added.id, 1);
    const [delivery] = await api.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, added.id));
    await recordWebhookAttempts(api.db.db, [
      { accountId: a.accountId, eventId: delivery!.eventId, endpointId: added.id, deliveryId: delivery!.id, attempt: 2, status: 'failed', responseStatus: null, errorCode: 'timeout', error: 'No answer in 10 s.', durationMs: 10_000, at: new Date(), nextAttemptAt: null, final: true, endpointChange: 'disable', disableReason: 'Failing for 3 days.' },
    ]);
    const key = await a.key();
    expect((await call('GET', `/v1/webhooks/${added.id}`, key)).json()).toMatchObject({ enabled: false, disabledReason: 'Failing for 3 days.' });
    const enabled = await call('POST', `/v1/webhooks/${added.id}/enable`, key);
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
  });
});

describe('GET /v1/webhooks/{id}/attempts', () => {
  it('pages through every attempt once, newest first, including attempts of the same millisecond, to support keys too', async () => {
    const added = await add();
    await seedAttempts(api.db, a.accountId, added.id, 130, 40);
    const key = await a.key(['support']);
    const seen: { id: string; at: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await call('GET', `/v1/webhooks/${added.id}/attempts?limit=25${cursor ? `&cursor=${cursor}` : ''}`, key);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json() as { data: { id: string; at: string; webhookId: string; eventType: string }[]; nextCursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(25);
      for (const attempt of page.data) expect(attempt).toMatchObject({ webhookId: added.id, eventType: 'email.logged' });
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(6);
    expect(seen).toHaveLength(130);
    expect(new Set(seen.map((s) => s.id)).size).toBe(130);
    const times = seen.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('refuses a cursor it did not give out, and a page larger than 200', async () => {
    const added = await add();
    const key = await a.key();
    for (const cursor of ['nonsense', Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url')]) {
      const r = await call('GET', `/v1/webhooks/${added.id}/attempts?cursor=${cursor}`, key);
      expect(r.statusCode, cursor).toBe(400);
      expect(r.json().code).toBe('invalid_request');
    }
    expect((await call('GET', `/v1/webhooks/${added.id}/attempts?limit=201`, key)).statusCode).toBe(400);
  });
});
