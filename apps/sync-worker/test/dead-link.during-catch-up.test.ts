// A link that dies silently while the session is fetching (found by `npm run chaos`: a freeze that hit a
// catch-up lost the inbox's replies for 5 minutes, imapflow's default socket timeout) is noticed like a
// dead link during IDLE: within the watchdog interval plus the command timeout, then the session
// reconnects and the reply is logged.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { stack, startOutageProxy, waitFor, type OutageProxy } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture | undefined;
let proxy: OutageProxy | undefined;
afterEach(async () => {
  await fx?.cleanup();
  await proxy?.close();
  fx = proxy = undefined;
});

/** The fixture's inbox reaches Dovecot through an outage proxy, in plaintext (loopback) so the proxy can see the commands. */
async function behindProxy(f: Fixture): Promise<OutageProxy> {
  const { host, imapPort } = stack.profiles.standard;
  const p = (proxy = await startOutageProxy({ host, port: imapPort }));
  await f.db.db.execute(sql`UPDATE inboxes SET imap_host = '127.0.0.1', imap_port = ${p.port}, imap_tls = 'none' WHERE id = ${f.inboxId}`);
  return p;
}

describe('a dead link during a catch-up', () => {
  it('ends the frozen session within the watchdog interval plus the command timeout and logs the reply', async () => {
    const f = (fx = await createFixture('dead-link-fetch'));
    const p = await behindProxy(f);
    await f.enqueue();
    await f.startWorker(); // WATCHDOG_INTERVAL_MS 1 s; the NOOP may take 10 s
    // Synced once (the watchdog's NOOP answered with nothing to read): the session is past its start.
    await waitFor(async () => (await f.q.inboxes.get(f.inboxId))?.lastSyncedAt ?? null, { what: 'the session synced' });

    // The link dies the moment the session asks for the new message's headers.
    p.freezeWhenClientSends(/UID FETCH/i);
    const started = Date.now();
    const messageId = await f.deliverReply();
    await waitFor(() => p.frozenConnections() === 1 || null, { what: 'the catch-up FETCH frozen', timeoutMs: 10_000 });
    await waitFor(async () => (await f.decisions()).some((d) => d.messageIdNorm === messageId && d.reasonCode === 'logged'), {
      what: 'the reply logged over a new connection',
      timeoutMs: 30_000,
    });
    expect(p.frozenConnections()).toBe(0);
    // 1 s watchdog + 10 s command timeout, plus the reconnect: far below imapflow's 5-minute default.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 45_000);

  it('a link dead under the watchdog\'s NOOP is dropped when the NOOP times out, without a LOGOUT that cannot be answered', async () => {
    const f = (fx = await createFixture('dead-link-noop'));
    const p = await behindProxy(f);
    await f.enqueue();
    // A 5 s watchdog: the socket's own inactivity timeout (watchdog + the NOOP's 10 s) then falls after
    // a LOGOUT's 5 s, as in production (45 s + 10 s), so only the session can cut the wait short.
    await f.startWorker({ WATCHDOG_INTERVAL_MS: '5000' });
    await waitFor(async () => (await f.q.inboxes.get(f.inboxId))?.lastSyncedAt ?? null, { what: 'the session synced' });

    p.freezeWhenClientSends(/NOOP/i);
    await waitFor(() => p.frozenConnections() === 1 || null, { what: 'the watchdog NOOP frozen', timeoutMs: 15_000 });
    const frozenAt = Date.now();
    await waitFor(() => p.frozenConnections() === 0 || null, { what: 'the dead connection dropped', timeoutMs: 30_000 });
    const droppedAfterMs = Date.now() - frozenAt;
    console.log(`dead link dropped ${droppedAfterMs} ms after its NOOP`);
    // The NOOP's timeout is 10 s; a LOGOUT tried on the dead link held it 5 s more (about 15 s).
    expect(droppedAfterMs).toBeLessThan(12_500);
    const messageId = await f.deliverReply();
    await waitFor(async () => (await f.decisions()).some((d) => d.messageIdNorm === messageId && d.reasonCode === 'logged'), {
      what: 'a reply logged over the new connection',
      timeoutMs: 20_000,
    });
  }, 60_000);
});
