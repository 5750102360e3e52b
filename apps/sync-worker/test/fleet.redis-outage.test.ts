// Redis going away under a running fleet (a Redis of the test's own, killed and restarted: its state is
// lost, as without persistence). A short outage costs nothing: the workers keep their sessions, settle
// when they find the membership gone, and end up holding exactly what they held. A long one (past the
// fence) makes every worker close its sessions, since it cannot know who else holds them: no orphans,
// and once Redis is back each inbox has exactly one session again.
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { createRedisConnection, registerInboxes } from '@reply-sync/queue';
import { imapSessionsByUser, startPrivateRedis, waitFor, type MailUser, type PrivateRedis } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
let redis: PrivateRedis | undefined;
let conn: Redis | undefined;
afterEach(async () => {
  await fx?.cleanup();
  conn?.disconnect();
  await redis?.close();
  redis = conn = undefined;
});

async function sessionsOf(users: Map<string, MailUser>): Promise<Map<string, number[]>> {
  const byUser = await imapSessionsByUser('standard');
  return new Map([...users].map(([id, u]) => [id, byUser.get(u.user) ?? []]));
}

async function oneEach(users: Map<string, MailUser>, what: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  return waitFor(
    async () => {
      const now = await sessionsOf(users);
      return [...now.values()].every((p) => p.length === 1) ? new Map([...now].map(([id, [pid]]) => [id, pid!])) : undefined;
    },
    { what, timeoutMs, intervalMs: 100 },
  );
}

async function setUp(name: string) {
  redis = await startPrivateRedis();
  conn = createRedisConnection(redis.url, { forWorker: false });
  conn.on('error', () => undefined);
  fx = await createFixture(name);
  const users = new Map<string, MailUser>([[fx.inboxId, fx.mailUser]]);
  for (let i = 0; i < 7; i++) {
    const extra = await fx.addInbox();
    users.set(extra.inboxId, extra.mailUser);
  }
  const entries = [...users.keys()].map((inboxId) => ({ accountId: fx.accountId, inboxId }));
  // What the scheduler does at start, and again when Redis is back (its reconcile).
  const register = () => registerInboxes(conn!, fx.queueName, entries);
  await register();
  const env = { REDIS_URL: redis.url, SESSION_MAX_MS: String(10 * 60_000) };
  const workers = [await fx.startWorker(env), await fx.startWorker(env)];
  const before = await oneEach(users, 'one session per inbox with two workers');
  return { users, register, workers, before };
}

/** While `during` ran: the most sessions any inbox had at once, and the longest any had more than one. */
async function sessionsDuring(users: Map<string, MailUser>, during: () => Promise<void>): Promise<{ max: number; longestDoubleMs: number }> {
  let max = 0;
  let longestDoubleMs = 0;
  const doubleSince = new Map<string, number>();
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const now = Date.now();
      for (const [id, pids] of await sessionsOf(users)) {
        max = Math.max(max, pids.length);
        if (pids.length > 1) {
          const since = doubleSince.get(id) ?? now;
          doubleSince.set(id, since);
          longestDoubleMs = Math.max(longestDoubleMs, now - since);
        } else doubleSince.delete(id);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await during();
  } finally {
    done = true;
    await sampling;
  }
  return { max, longestDoubleMs };
}

describe('a Redis outage under the fleet', () => {
  it('a short one (a restart): the sessions stay, and no inbox has two for more than a moment', { timeout: 90_000 }, async () => {
    const { users, register, workers, before } = await setUp('redis-short');
    const { max, longestDoubleMs } = await sessionsDuring(users, async () => {
      await redis!.stop();
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the outage itself
      await redis!.start();
      await register();
      // Both workers back in the membership, every inbox held by exactly one of them.
      await waitFor(() => [...users.keys()].every((id) => workers.filter((w) => w.holds(id)).length === 1), {
        what: 'every inbox held by one worker after the restart',
        timeoutMs: 20_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 5_000)); // a few heartbeats after settling
    });
    const after = await oneEach(users, 'one session per inbox after the restart');
    const kept = [...before].filter(([id, pid]) => after.get(id) === pid).length;
    console.info(`[figure] Redis restarted under the fleet (2 s): ${kept} of ${before.size} sessions kept; most sessions per inbox ${max}, the longest double ${longestDoubleMs} ms`);
    // On an idle machine every session is kept and none is ever doubled. A worker whose heartbeats a
    // loaded machine delays past the fence lets its inboxes go and takes them back: at most a brief
    // handover's two, never an orphan.
    expect(max).toBeLessThanOrEqual(2);
    expect(longestDoubleMs).toBeLessThan(5_000);
  });

  it('a long one (past the fence): every session closes, none is orphaned, and all come back once', { timeout: 120_000 }, async () => {
    const { users, register, workers } = await setUp('redis-long');
    const stoppedAt = Date.now();
    await redis!.stop();
    // Past the fence (TTL 10 s − 2 heartbeats = 6 s), each worker closes what it holds.
    await waitFor(async () => [...(await sessionsOf(users)).values()].every((p) => p.length === 0), {
      what: 'every session closed while Redis is away',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    const closedAfterMs = Date.now() - stoppedAt;
    expect(workers.every((w) => w.activeSessions() === 0)).toBe(true);
    await redis!.start();
    await register();
    const { max, longestDoubleMs } = await sessionsDuring(users, async () => {
      await oneEach(users, 'one session per inbox once Redis is back');
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    });
    console.info(`[figure] Redis away: every session closed ${closedAfterMs} ms after it went; back to one each after the restart (most per inbox ${max})`);
    expect(max).toBeLessThanOrEqual(2);
    expect(longestDoubleMs).toBeLessThan(5_000);
  });
});
