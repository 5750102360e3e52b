// Two workers starting together (a fleet start, a deploy): the first one up owns every shard until it
// sees the second, and starts a session for every inbox. The second takes its half make-before-break,
// but the first one's sessions for that half that had not logged in yet (waiting for their login-budget
// turn) are stopped at once, not held until the second is ready: N inboxes cost N logins at the host.
import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerOf, shardOf } from '@reply-sync/queue';
import { stack, startCountingProxy, waitFor, type CountingProxy } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import type { RunningWorker } from '../src/worker';

let fx: Fixture | undefined;
let proxy: CountingProxy | undefined;
afterEach(async () => {
  await fx?.cleanup();
  await proxy?.close();
  fx = undefined;
  proxy = undefined;
});

const INBOXES = 20;
/** 20 inboxes take 4 s of login turns: the first worker is still logging in when it sees the second. */
const RATE = '5/s:1';

describe('two workers starting together', () => {
  it(`log ${INBOXES} inboxes in exactly ${INBOXES} times, each held once by its owner`, { timeout: 120_000 }, async () => {
    fx = await createFixture('fleet-start-together');
    // An IMAP host of this test's own (so its own login budget), counted on the wire.
    const host = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const dovecot = stack.profiles.standard;
    proxy = await startCountingProxy({ host: dovecot.host, port: dovecot.imapPort }, { commands: true, listenHost: host });
    const ids: string[] = [];
    for (let i = 0; i < INBOXES; i++) ids.push((await fx.addInbox({ imap: { host, port: proxy.port, tls: 'none' } })).inboxId);
    await fx.enqueue(ids);
    const p = proxy;
    const logins = () => p.connections.reduce((n, c) => n + c.logins.length, 0);

    const env = { LOGIN_RATE_PER_HOST: RATE, HANDOVER_TIMEOUT_MS: '20000', SESSION_MAX_MS: String(10 * 60_000) };
    // Started together: whichever heartbeats first owns every shard for a moment and starts a session
    // for every inbox (20 login turns: 4 s at 5/s).
    const [a, b] = await Promise.all([fx.startWorker(env), fx.startWorker(env)]);
    const workers: RunningWorker[] = [a, b];
    const members = [a.memberId, b.memberId];
    await waitFor(
      () => ids.every((id) => workers.filter((w) => w.holds(id)).map((w) => w.memberId).join() === ownerOf(shardOf(id), members)),
      { what: 'every inbox held by its owner alone', timeoutMs: 60_000, intervalMs: 100 },
    );
    await waitFor(() => a.activeSessions() + b.activeSessions() === INBOXES && logins() >= INBOXES, { what: 'every session logged in', timeoutMs: 30_000 });
    // Nothing left in flight: a late extra login would show within a few login turns.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const bShare = ids.filter((id) => ownerOf(shardOf(id), members) === b.memberId).length;
    console.info(`[figure] ${logins()} logins for ${INBOXES} inboxes; the second worker's share ${bShare}`);
    expect(bShare).toBeGreaterThan(0);
    expect(logins()).toBe(INBOXES);
  });
});
