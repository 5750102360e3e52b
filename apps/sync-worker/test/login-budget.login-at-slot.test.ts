// The per-host login rate as the IMAP host sees it: the LOGIN commands on the wire, not the connects
// before them. The host here answers connections in batches (a busy server, a distant provider: the
// greeting of every connect made within 700 ms comes at once); a worker that logged in as soon as it
// was greeted would send a batch of logins every 700 ms, ~1.4× the rate in some second. The worker
// connects ahead of its slot and sends LOGIN at the slot, so every 1-s window at the host stays within
// the rate.
import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { maxInWindow, stack, startCountingProxy, waitFor, type CountingProxy } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture | undefined;
let proxy: CountingProxy | undefined;
afterEach(async () => {
  await fx?.cleanup();
  await proxy?.close();
  fx = undefined;
  proxy = undefined;
});

const RATE = 15;
const INBOXES = 30;

describe('the per-host login budget, at the host', () => {
  it(`${INBOXES} inboxes starting at once log in at ≤ ${RATE}/s in every 1-s window, though the host greets in batches`, { timeout: 120_000 }, async () => {
    fx = await createFixture('login-at-slot');
    // An address of this test's own: its own IMAP host, so its own budget in the shared Redis.
    const host = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const dovecot = stack.profiles.standard;
    proxy = await startCountingProxy({ host: dovecot.host, port: dovecot.imapPort }, { commands: true, listenHost: host, greetingTickMs: 700 });
    const ids: string[] = [];
    // Plaintext through the proxy (loopback), so it can see the commands.
    for (let i = 0; i < INBOXES; i++) ids.push((await fx.addInbox({ imap: { host, port: proxy.port, tls: 'none' } })).inboxId);
    await fx.enqueue(ids);

    const worker = await fx.startWorker({ LOGIN_RATE_PER_HOST: `${RATE}/s:1` });
    await waitFor(() => worker.activeSessions() === INBOXES && ids.every((id) => worker.holds(id)), { what: 'every inbox held', timeoutMs: 60_000, intervalMs: 100 });
    const p = proxy;
    await waitFor(() => p.connections.reduce((n, c) => n + c.logins.length, 0) >= INBOXES, { what: 'every login seen at the proxy', timeoutMs: 10_000 });

    const logins = p.connections.flatMap((c) => c.logins);
    const peak = maxInWindow(logins, 1_000);
    console.info(`[figure] ${logins.length} logins for ${INBOXES} inboxes at ${RATE}/s over ${((Math.max(...logins) - Math.min(...logins)) / 1000).toFixed(1)} s; busiest 1 s at the host: ${peak}, busiest 2 s: ${maxInWindow(logins, 2_000)}`);
    expect(logins.length).toBe(INBOXES);
    // A slot timer that fires a few ms late can put one login of the second before into a window that
    // also holds the slot exactly a second later: one over is the rate's own edge, the batches were
    // ~1.4×. Over two seconds the same edge is one login too.
    expect(peak).toBeLessThanOrEqual(RATE + 1);
    expect(maxInWindow(logins, 2_000)).toBeLessThanOrEqual(2 * RATE + 1);
  });

  it('a connection greeted and waiting for its login turn is closed at once when the worker stops, and never logs in', { timeout: 120_000 }, async () => {
    fx = await createFixture('login-turn-stop');
    const host = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const dovecot = stack.profiles.standard;
    // Greetings every 3 s: the connections opened meanwhile (2/s) are all greeted together, then wait
    // for their logins' turns (2/s) with the connection open.
    proxy = await startCountingProxy({ host: dovecot.host, port: dovecot.imapPort }, { commands: true, listenHost: host, greetingTickMs: 3_000 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await fx.addInbox({ imap: { host, port: proxy.port, tls: 'none' } })).inboxId);
    await fx.enqueue(ids);
    const worker = await fx.startWorker({ LOGIN_RATE_PER_HOST: '2/s:1' });
    const p = proxy;
    const waitingNow = () => p.connections.filter((c) => c.fromServer > 0 && c.logins.length === 0 && c.closedAt === null).length;
    const waiting = await waitFor(() => (waitingNow() >= 2 ? waitingNow() : undefined), { what: 'greeted connections waiting for their login turn', timeoutMs: 30_000, intervalMs: 20 });

    // The worker runs in this process: a LOGIN it wrote in this turn of the event loop is read by the
    // proxy one or two turns later. Let those reads land before the stop's time is taken, so a login
    // sent before the stop is not counted as after it.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    const stoppedAt = Date.now();
    await worker.close();
    const closeMs = Date.now() - stoppedAt;
    await waitFor(() => p.connections.every((c) => c.closedAt !== null), { what: 'every connection closed', timeoutMs: 5_000 });
    console.info(`[figure] ${waiting} greeted connections waiting for their login turn; close() took ${closeMs} ms`);
    // None of the waiting connections logged in after the stop, and none kept the stop waiting for its turn.
    expect(p.connections.flatMap((c) => c.logins).filter((t) => t > stoppedAt)).toEqual([]);
    expect(closeMs).toBeLessThan(5_000);
  });
});
