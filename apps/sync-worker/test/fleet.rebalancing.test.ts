// The fleet on the real servers: one IMAP session per inbox however the workers come and go. A worker
// joining takes the shards rendezvous hashing gives it and no other inbox reconnects; one leaving
// (close(), the SIGTERM path) hands its inboxes over make-before-break; one killed (SIGKILL) loses its
// inboxes to the others once its heartbeat expires; rapid session rotations never double a session.
// Every check reads the server's own list of sessions (doveadm who), sampled throughout.
import { afterEach, describe, expect, it } from 'vitest';
import { ownerOf, shardOf } from '@reply-sync/queue';
import { imapSessionsByUser, waitFor, type MailUser } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';
import type { RunningWorker } from '../src/worker';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

/** No rotation (maximum age) inside a test's window: a reconnect seen there is the fleet's doing. */
const FAST = { HANDOVER_TIMEOUT_MS: '20000', SESSION_MAX_MS: String(10 * 60_000) };

interface World {
  inboxIds: string[];
  users: Map<string, MailUser>;
}

async function world(name: string, count: number): Promise<World> {
  fx = await createFixture(name);
  const users = new Map<string, MailUser>([[fx.inboxId, fx.mailUser]]);
  for (let i = 1; i < count; i++) {
    const extra = await fx.addInbox();
    users.set(extra.inboxId, extra.mailUser);
  }
  await fx.enqueue([...users.keys()]);
  return { inboxIds: [...users.keys()], users };
}

/** Server-side sessions per inbox (process ids), in one doveadm call. */
async function sessions(w: World): Promise<Map<string, number[]>> {
  const byUser = await imapSessionsByUser('standard');
  return new Map(w.inboxIds.map((id) => [id, byUser.get(w.users.get(id)!.user) ?? []]));
}

/** Samples the sessions until stop(): the most any inbox had at once, and the longest any had none. */
function sample(w: World, intervalMs = 150) {
  let stopped = false;
  let maxPerInbox = 0;
  const lastSeen = new Map<string, number>(w.inboxIds.map((id) => [id, Date.now()]));
  let longestGapMs = 0;
  const loop = (async () => {
    while (!stopped) {
      const now = Date.now();
      const current = await sessions(w);
      for (const [id, pids] of current) {
        maxPerInbox = Math.max(maxPerInbox, pids.length);
        if (pids.length > 0) lastSeen.set(id, now);
        longestGapMs = Math.max(longestGapMs, now - lastSeen.get(id)!);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { maxPerInbox, longestGapMs };
    },
  };
}

/** Waits until every inbox has exactly one session on the server, and returns their pids. */
async function oneEach(w: World, what: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  return waitFor(
    async () => {
      const current = await sessions(w);
      if (![...current.values()].every((p) => p.length === 1)) return undefined;
      return new Map([...current].map(([id, [pid]]) => [id, pid!]));
    },
    { what, timeoutMs, intervalMs: 100 },
  );
}

function holders(workers: RunningWorker[], inboxId: string): string[] {
  return workers.filter((w) => w.holds(inboxId)).map((w) => w.memberId);
}

/**
 * Waits until every inbox is held by its owner among `workers` and by no one else: the handovers of
 * the workers' start are over. (One session per inbox on the server is not enough: during a
 * make-before-break handover the old holder's session is the only one until the new one logs in.)
 */
async function settled(w: World, workers: RunningWorker[], what: string): Promise<void> {
  const members = workers.map((x) => x.memberId);
  await waitFor(() => w.inboxIds.every((id) => holders(workers, id).join() === ownerOf(shardOf(id), members)), { what, timeoutMs: 60_000, intervalMs: 100 });
}

describe('the fleet', () => {
  it('a worker joining takes its shards; no other inbox reconnects and none is left without a session', { timeout: 120_000 }, async () => {
    const w = await world('fleet-join', 18);
    const a = await fx.startWorker(FAST);
    const b = await fx.startWorker(FAST);
    // Settled first: taken during the first worker's handover to the second, "before" named the first
    // one's sessions of the second one's inboxes, which then moved (the flake under CI load).
    await settled(w, [a, b], 'each inbox held by its owner of the two');
    const before = await oneEach(w, 'one session per inbox with two workers');

    const sampler = sample(w);
    const c = await fx.startWorker(FAST);
    const members = [a.memberId, b.memberId, c.memberId];
    const cShare = w.inboxIds.filter((id) => ownerOf(shardOf(id), members) === c.memberId);
    await waitFor(() => w.inboxIds.every((id) => holders([a, b, c], id).length === 1 && holders([a, b, c], id)[0] === ownerOf(shardOf(id), members)), {
      what: "every inbox held by its owner (the joining worker's share moved to it)",
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const after = await oneEach(w, 'one session per inbox with three workers');
    const { maxPerInbox, longestGapMs } = await sampler.stop();
    console.info(`[figure] join: ${cShare.length} of ${w.inboxIds.length} inboxes moved to the new worker; max sessions per inbox ${maxPerInbox}, longest gap ${longestGapMs} ms`);

    expect(c.activeSessions()).toBe(cShare.length);
    // Inboxes that did not move kept their session (same server process): no reconnect.
    for (const id of w.inboxIds) if (!cShare.includes(id)) expect(after.get(id), id).toBe(before.get(id));
    // Make-before-break: never more than two at once, never without one.
    expect(maxPerInbox).toBeLessThanOrEqual(2);
    expect(longestGapMs).toBeLessThan(10_000); // the goal; on an idle machine it is 0
  });

  it('a worker leaving (close, the SIGTERM path) hands its inboxes over within 10 s, none left without a session', { timeout: 120_000 }, async () => {
    const w = await world('fleet-leave', 12);
    const a = await fx.startWorker(FAST);
    const b = await fx.startWorker(FAST);
    await settled(w, [a, b], 'each inbox held by its owner of the two');
    await oneEach(w, 'one session per inbox');
    const bShare = w.inboxIds.filter((id) => b.holds(id));

    const sampler = sample(w);
    const leftAt = Date.now();
    await b.close();
    const closedAfterMs = Date.now() - leftAt;
    await waitFor(() => w.inboxIds.every((id) => a.holds(id)), { what: 'the remaining worker holds every inbox', timeoutMs: 10_000 });
    await oneEach(w, 'one session per inbox after the leave');
    const { maxPerInbox, longestGapMs } = await sampler.stop();
    console.info(`[figure] leave: ${bShare.length} inboxes handed over; close() took ${closedAfterMs} ms; max sessions per inbox ${maxPerInbox}, longest gap ${longestGapMs} ms`);
    expect(closedAfterMs).toBeLessThan(10_000);
    expect(maxPerInbox).toBeLessThanOrEqual(2);
    expect(longestGapMs).toBeLessThan(10_000); // the goal; on an idle machine it is 0
  });

  it('a worker killed (SIGKILL) loses its inboxes to the others within 30 s', { timeout: 180_000 }, async () => {
    const w = await world('fleet-kill', 8);
    const dying = spawnWorkerProcess(fx.queueName, { LOG_LEVEL: 'warn' });
    // Up to 60 s for the process to start (through tsx) and hold them: CI's loaded 2 cores took over 30 s
    // once. The 30 s that is the goal is measured from the kill, below.
    await oneEach(w, 'the process holds every inbox', 60_000);
    const survivor = await fx.startWorker(FAST);
    // The survivor takes its own shards from the process; the process keeps the rest.
    await waitFor(() => w.inboxIds.some((id) => survivor.holds(id)) || w.inboxIds.length === 0, { what: 'the survivor to take its shards', timeoutMs: 30_000 });
    await oneEach(w, 'one session per inbox with both');
    const killedAt = Date.now();
    dying.child.kill('SIGKILL');
    await waitFor(() => w.inboxIds.every((id) => survivor.holds(id)), { what: "the survivor to hold the killed worker's inboxes", timeoutMs: 30_000, intervalMs: 100 });
    await oneEach(w, 'one session per inbox after the kill', 30_000 - (Date.now() - killedAt));
    const tookMs = Date.now() - killedAt;
    console.info(`[figure] SIGKILL → every inbox held again: ${tookMs} ms`);
    expect(tookMs).toBeLessThan(30_000);
  });

  it('rotates sessions (maximum age) without ever holding two for one inbox', { timeout: 60_000 }, async () => {
    const w = await world('fleet-rotate', 4);
    const sampler = sample(w, 50);
    const worker = await fx.startWorker({ SESSION_MAX_MS: '1000' });
    await oneEach(w, 'one session per inbox');
    const first = await sessions(w);
    // Several rotations: each inbox's session is replaced (new server process) more than once.
    await waitFor(
      async () => {
        const now = await sessions(w);
        return [...now].every(([id, pids]) => pids.length === 1 && pids[0] !== first.get(id)![0]) || undefined;
      },
      { what: 'every session rotated', timeoutMs: 20_000, intervalMs: 100 },
    );
    const second = await sessions(w);
    await waitFor(
      async () => {
        const now = await sessions(w);
        return [...now].every(([id, pids]) => pids.length === 1 && pids[0] !== second.get(id)![0]) || undefined;
      },
      { what: 'every session rotated again', timeoutMs: 20_000, intervalMs: 100 },
    );
    const { maxPerInbox } = await sampler.stop();
    expect(worker.activeSessions()).toBe(w.inboxIds.length);
    expect(maxPerInbox).toBe(1);
  });
});
