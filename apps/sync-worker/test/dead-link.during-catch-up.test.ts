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

describe('a dead link during a catch-up', () => {
  it('ends the frozen session within the watchdog interval plus the command timeout and logs the reply', async () => {
    const f = (fx = await createFixture('dead-link-fetch'));
    const { host, imapPort } = stack.profiles.standard;
    const p = (proxy = await startOutageProxy({ host, port: imapPort }));
    // Plaintext (loopback), so the proxy can see the commands.
    await f.db.db.execute(sql`UPDATE inboxes SET imap_host = '127.0.0.1', imap_port = ${p.port}, imap_tls = 'none' WHERE id = ${f.inboxId}`);
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
});
