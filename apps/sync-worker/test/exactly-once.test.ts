// Exactly once: two sessions racing on the same inbox (a stalled lock handed over while the old worker
// still runs) and a re-read of an already processed range (a retried job, a crash before the
// checkpoint moved) never log a reply twice or record a second decision for the same message.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, workerEnvSource, type Fixture } from './helpers/fixture';
import { parseWorkerEnv } from '../src/env';
import { runInboxSession, type SessionDeps } from '../src/inbox-session';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';

let fx: Fixture;
const stops: AbortController[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await fx?.cleanup();
});

function sessionDeps(fx: Fixture): SessionDeps {
  const env = parseWorkerEnv(workerEnvSource());
  return {
    db: fx.db.db,
    keys: env.encryptionKeys,
    logger: createLogger({ level: 'warn' }),
    metrics: createMetrics({ defaultMetrics: false }),
    ...(env.tlsCa ? { tlsCa: env.tlsCa } : {}),
    config: {
      sessionMaxMs: 30_000,
      watchdogIntervalMs: 1_000,
      pollIntervalMs: 500,
      transientDisconnectAfterMs: 60_000,
      catchUpBatchSize: 2,
    },
  };
}

function startSession(fx: Fixture, deps: SessionDeps) {
  const stop = new AbortController();
  stops.push(stop);
  const done = runInboxSession(deps, { accountId: fx.accountId, inboxId: fx.inboxId }, stop.signal);
  return { stop: () => stop.abort(), done };
}

async function loggedCount(fx: Fixture, ids: string[]): Promise<number> {
  const rows = await fx.db.sql`SELECT count(*)::int AS n FROM logged_emails WHERE account_id = ${fx.accountId} AND message_id_norm = ANY(${ids})`;
  return rows[0]!.n as number;
}

describe('exactly once', () => {
  it('two racing sessions and a re-read of processed UIDs log each reply once', async () => {
    fx = await createFixture('once');
    const deps = sessionDeps(fx);
    const a = startSession(fx, deps);
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });
    const baseline = (await fx.q.inboxes.get(fx.inboxId))!.lastUid!;
    const b = startSession(fx, deps);

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await fx.deliverReply());
    await waitFor(async () => (await loggedCount(fx, ids)) === 5, { what: 'five replies logged', timeoutMs: 15_000 });
    // Give the slower session time to read the same messages too.
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.lastUid === baseline + 5, { what: 'checkpoint at the end' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    a.stop();
    b.stop();
    expect((await a.done).kind).toBe('requeue');
    expect((await b.done).kind).toBe('requeue');

    // A crash before the checkpoint moved: rewind it and read the same UIDs again.
    await fx.db.db.execute(sql`UPDATE inboxes SET last_uid = ${baseline} WHERE id = ${fx.inboxId}`);
    const c = startSession(fx, deps);
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.lastUid === baseline + 5, { what: 'the re-read done' });
    c.stop();
    await c.done;

    expect(await loggedCount(fx, ids)).toBe(5);
    const decisions = await fx.decisions();
    expect(decisions).toHaveLength(5);
    expect(decisions.every((d) => d.reasonCode === 'logged')).toBe(true);
    const timeline = await fx.q.timeline.forContact(fx.contact.email);
    expect(timeline.filter((e) => ids.includes(e.messageIdNorm))).toHaveLength(5);
  });
});
