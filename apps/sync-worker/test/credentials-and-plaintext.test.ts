// What a worker does with an inbox whose stored settings it must refuse: credentials copied from another
// inbox's row disconnect it with credentials_invalid (a sentence saying to reconnect), and TLS mode none
// to a host that is not loopback disconnects it with plaintext_not_allowed without connecting, unless
// the inbox allows plaintext. 0.0.0.0 stands in for "a server elsewhere": not a loopback address by the
// rule, yet on Linux a connection to it reaches the local stack's Dovecot.
import { afterEach, describe, expect, it } from 'vitest';
import { disconnectSentence } from '@reply-sync/mail';
import { stack, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

const disconnected = (id: string) =>
  waitFor(
    async () => {
      const inbox = await fx.q.inboxes.get(id);
      return inbox?.status === 'disconnected' ? inbox : null;
    },
    { what: 'the inbox disconnected', timeoutMs: 15_000 },
  );

describe('the worker refuses stored settings it must not use', () => {
  it("credentials copied from another inbox's row: credentials_invalid, the job ends, the source inbox still syncs", async () => {
    fx = await createFixture('creds-copied');
    const other = await fx.addInbox();
    await fx.db.sql`update inboxes set credentials = (select credentials from inboxes where id = ${other.inboxId}) where id = ${fx.inboxId}`;
    await fx.enqueue([fx.inboxId, other.inboxId]);
    await fx.startWorker();

    const inbox = await disconnected(fx.inboxId);
    expect(inbox.disconnectReason).toBe('credentials_invalid');
    expect(inbox.disconnectDetail).toContain(`were encrypted for another inbox (${other.inboxId})`);
    expect(disconnectSentence('credentials_invalid', { address: inbox.address })).toMatch(/reconnect the inbox/);
    await waitFor(() => !fx.holds(fx.inboxId), { what: 'no session held for the inbox' });
    await waitFor(async () => (await fx.q.inboxes.get(other.inboxId))?.uidvalidity, { what: 'the source inbox synced' });
    expect((await fx.q.inboxes.get(other.inboxId))?.status).toBe('connected');
  });

  it('tls none to a non-loopback host: plaintext_not_allowed without the allowance; with it the inbox syncs', async () => {
    fx = await createFixture('plaintext');
    const allowed = await fx.addInbox();
    await fx.db.sql`update inboxes set imap_host = '0.0.0.0', imap_tls = 'none' where id = ${fx.inboxId}`;
    await fx.db.sql`update inboxes set imap_host = '0.0.0.0', imap_tls = 'none', allow_plaintext = true where id = ${allowed.inboxId}`;
    await fx.enqueue([fx.inboxId, allowed.inboxId]);
    await fx.startWorker();

    const refused = await disconnected(fx.inboxId);
    expect(refused.disconnectReason).toBe('plaintext_not_allowed');
    expect(refused.disconnectDetail).toContain(`IMAP 0.0.0.0:${stack.profiles.standard.imapPort} with TLS mode none`);
    await waitFor(async () => (await fx.q.inboxes.get(allowed.inboxId))?.uidvalidity, { what: 'the allowed inbox synced' });
    expect((await fx.q.inboxes.get(allowed.inboxId))?.status).toBe('connected');
  });
});
