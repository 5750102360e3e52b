// Connection failures map onto the inbox's status: an untrusted certificate disconnects at once with
// tls_certificate_invalid; a refused connection is recorded as the last error and retried with
// backoff until it persisted past TRANSIENT_DISCONNECT_AFTER_MS, then server_unreachable; and an inbox
// disconnected from outside (the CLI) ends the running session at the next watchdog tick.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { stack, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

async function statusOf(fx: Fixture) {
  const inbox = await fx.q.inboxes.get(fx.inboxId);
  return inbox?.status === 'disconnected' ? inbox : null;
}

describe('connection failures', () => {
  it('an untrusted certificate disconnects at once with tls_certificate_invalid', async () => {
    fx = await createFixture('tls');
    await fx.db.db.execute(sql`UPDATE inboxes SET imap_port = ${stack.profiles.standard.imapsPort}, imap_tls = 'tls' WHERE id = ${fx.inboxId}`);
    await fx.enqueue();
    await fx.startWorker({ REPLY_SYNC_TLS_CA_FILE: '' }); // the stack's self-signed CA is not trusted
    const inbox = await waitFor(() => statusOf(fx), { what: 'the inbox disconnected' });
    expect(inbox.disconnectReason).toBe('tls_certificate_invalid');
    expect(inbox.lastError).toBeNull(); // not a transient error: no retry was recorded
    await waitFor(() => !fx.holds(fx.inboxId), { what: 'no session held for the inbox' });
  });

  it('a refused connection is retried, then becomes server_unreachable after the window', async () => {
    fx = await createFixture('refused');
    await fx.db.db.execute(sql`UPDATE inboxes SET imap_port = 1, imap_tls = 'none' WHERE id = ${fx.inboxId}`);
    await fx.enqueue();
    await fx.startWorker({ TRANSIENT_DISCONNECT_AFTER_MS: '1500' });
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.lastError, { what: 'the transient error recorded' });
    expect((await fx.q.inboxes.get(fx.inboxId))?.status).toBe('connected');
    const inbox = await waitFor(() => statusOf(fx), { what: 'the inbox disconnected', timeoutMs: 15_000 });
    expect(inbox.disconnectReason).toBe('server_unreachable');
    expect(inbox.disconnectDetail).toMatch(/ECONNREFUSED/);
  });

  it('an inbox disconnected from outside ends its session and its job', async () => {
    fx = await createFixture('external');
    await fx.enqueue();
    const worker = await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });
    await waitFor(() => worker.activeSessions() === 1, { what: 'the session running' });
    await fx.q.inboxes.markDisconnected(fx.inboxId, 'password_rejected', 'disconnected by the operator');
    await waitFor(() => worker.activeSessions() === 0, { what: 'the session ended', timeoutMs: 5_000 });
    await waitFor(() => !fx.holds(fx.inboxId), { what: 'no session held for the inbox' });
  });
});
