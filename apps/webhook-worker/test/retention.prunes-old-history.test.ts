// Retention: events older than 30 days whose deliveries are finished (delivered or given up) go with their
// deliveries and attempts, and attempts older than that go on their own; a delivery still retrying, an
// event the relay has not taken yet and anything recent stay. It deletes in batches (one short statement
// each), and the worker runs it by itself on its interval.
import { newWebhookEventId } from '@reply-sync/db';
import { DEFAULT_WEBHOOK_RETENTION_MS, pruneWebhookHistory } from '@reply-sync/db';
import { waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookFixture, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const DAY = 24 * 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** One event with one delivery in `status` and an attempt at each of `attemptsAt`, as the worker leaves them. */
async function seed(f: WebhookFixture, endpointId: string, o: { createdAt: string; relayed?: boolean; status: 'pending' | 'succeeded' | 'failed'; attemptsAt: string[] }) {
  const id = newWebhookEventId();
  const sql = f.db.sql;
  await sql`INSERT INTO webhook_events (id, account_id, type, payload, created_at, relayed_at)
    VALUES (${id}, ${f.s.accountId}, 'inbox.connected', '{}'::jsonb, ${o.createdAt}, ${o.relayed === false ? null : o.createdAt})`;
  if (o.relayed === false) return { id, deliveryId: null };
  const [d] = await sql<{ id: string }[]>`INSERT INTO webhook_deliveries (account_id, event_id, endpoint_id, status, created_at)
    VALUES (${f.s.accountId}, ${id}, ${endpointId}, ${o.status}, ${o.createdAt}) RETURNING id`;
  for (const [i, at] of o.attemptsAt.entries()) {
    await sql`INSERT INTO webhook_attempts (account_id, delivery_id, event_id, endpoint_id, attempt, status, duration_ms, at)
      VALUES (${f.s.accountId}, ${d!.id}, ${id}, ${endpointId}, ${i + 1}, ${o.status === 'succeeded' && i === o.attemptsAt.length - 1 ? 'succeeded' : 'failed'}, 5, ${at})`;
  }
  return { id, deliveryId: d!.id };
}

const counts = async (f: WebhookFixture) => {
  const [row] = await f.db.sql<{ events: number; deliveries: number; attempts: number }[]>`
    SELECT (SELECT count(*)::int FROM webhook_events WHERE account_id = ${f.s.accountId}) AS events,
           (SELECT count(*)::int FROM webhook_deliveries WHERE account_id = ${f.s.accountId}) AS deliveries,
           (SELECT count(*)::int FROM webhook_attempts WHERE account_id = ${f.s.accountId}) AS attempts`;
  return row!;
};

describe('webhook history retention', () => {
  it('deletes old finished events with their deliveries and attempts, and old attempts, in batches; keeps the rest', async () => {
    fx = await createWebhookFixture('retention');
    const { endpoint } = await fx.subscribe('http://127.0.0.1:9/hook');
    const old = ago(40 * DAY);
    const delivered = [];
    for (let i = 0; i < 5; i++) delivered.push(await seed(fx, endpoint.id, { createdAt: old, status: 'succeeded', attemptsAt: [old, old] }));
    const givenUp = await seed(fx, endpoint.id, { createdAt: old, status: 'failed', attemptsAt: [old] });
    const retrying = await seed(fx, endpoint.id, { createdAt: old, status: 'pending', attemptsAt: [old, ago(DAY)] });
    const recent = await seed(fx, endpoint.id, { createdAt: ago(DAY), status: 'succeeded', attemptsAt: [ago(DAY)] });
    const unrelayed = await seed(fx, endpoint.id, { createdAt: old, relayed: false, status: 'pending', attemptsAt: [] });
    expect(await counts(fx)).toEqual({ events: 9, deliveries: 8, attempts: 14 });

    let pauses = 0;
    const pruned = await pruneWebhookHistory(fx.db.db, {
      olderThan: new Date(Date.now() - DEFAULT_WEBHOOK_RETENTION_MS),
      batchSize: 2,
      betweenBatches: async () => void pauses++,
    });
    // 6 events in statements of 2 (2, 2, 2, 0), then the retrying delivery's old attempt (1).
    expect(pruned).toMatchObject({ events: 6, attempts: 1, batches: 5 });
    expect(pauses).toBe(3);
    const left = await fx.db.sql<{ id: string }[]>`SELECT id FROM webhook_events WHERE account_id = ${fx.s.accountId}`;
    expect(new Set(left.map((e) => e.id))).toEqual(new Set([retrying.id, recent.id, unrelayed.id]));
    expect(await counts(fx)).toEqual({ events: 3, deliveries: 2, attempts: 2 });
    const retryingAttempts = await fx.db.sql<{ at: string }[]>`SELECT at::text AS at FROM webhook_attempts WHERE delivery_id = ${retrying.deliveryId}`;
    expect(retryingAttempts).toHaveLength(1);
    expect(Date.parse(retryingAttempts[0]!.at)).toBeGreaterThan(Date.now() - 2 * DAY);
    for (const d of [...delivered, givenUp]) {
      expect((await fx.db.sql`SELECT 1 FROM webhook_deliveries WHERE id = ${d.deliveryId}`).length).toBe(0);
    }
  });

  it('is run by the webhook worker on its interval, with the configured age', { timeout: 30_000 }, async () => {
    fx = await createWebhookFixture('retention-worker');
    const { endpoint } = await fx.subscribe('http://127.0.0.1:9/hook');
    await seed(fx, endpoint.id, { createdAt: ago(3 * DAY), status: 'succeeded', attemptsAt: [ago(3 * DAY)] });
    const kept = await seed(fx, endpoint.id, { createdAt: ago(DAY / 2), status: 'succeeded', attemptsAt: [ago(DAY / 2)] });
    await fx.startWorker({ WEBHOOK_RETENTION_MS: String(2 * DAY), WEBHOOK_PRUNE_INTERVAL_MS: '200' });
    await waitFor(async () => (await counts(fx!)).events === 1, { what: 'the 3-day-old event pruned', timeoutMs: 20_000 });
    expect(await counts(fx)).toEqual({ events: 1, deliveries: 1, attempts: 1 });
    expect(await fx.eventIds()).toEqual([kept.id]);
  });
});
