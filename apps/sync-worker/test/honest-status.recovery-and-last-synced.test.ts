// Honest status with a real worker and Dovecot: a mail server that stops answering and comes back
// leaves no current error on the inbox, only a `recovered` row in its history, and the inbox shows
// when it synced; an idle inbox's session refreshes an old last-synced time with no mail arriving.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { mailboxStatus, stack, startOutageProxy, waitFor, type OutageProxy } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture | undefined;
let proxy: OutageProxy | undefined;
afterEach(async () => {
  await fx?.cleanup();
  await proxy?.close();
  fx = proxy = undefined;
});

describe('honest status', () => {
  it('a transient error, then the server answers again: no current error, a recovered row, a last-synced time', async () => {
    const f = (fx = await createFixture('recovered'));
    const { host, imapPort } = stack.profiles.standard;
    const p = (proxy = await startOutageProxy({ host, port: imapPort }));
    p.cut(); // the server "restarting": every connection is reset
    await f.db.db.execute(sql`UPDATE inboxes SET imap_host = '127.0.0.1', imap_port = ${p.port} WHERE id = ${f.inboxId}`);
    await f.enqueue();
    await f.startWorker();
    const failing = await waitFor(async () => {
      const i = await f.q.inboxes.get(f.inboxId);
      return i?.lastError ? i : null;
    }, { what: 'the transient error recorded' });
    expect(failing).toMatchObject({ status: 'connected', lastSyncedAt: null });

    p.restore();
    const [recovered] = await waitFor(async () => {
      const rows = (await f.q.inboxes.history(f.inboxId)).filter((h) => h.reasonCode === 'recovered');
      return rows.length > 0 ? rows : null;
    }, { what: 'the recovery recorded', timeoutMs: 15_000 });
    const inbox = (await f.q.inboxes.get(f.inboxId))!;
    expect(inbox).toMatchObject({ status: 'connected', disconnectReason: null, lastError: null, lastErrorAt: null, firstErrorAt: null });
    expect(recovered).toMatchObject({ status: 'connected', firstErrorAt: failing.firstErrorAt });
    expect(recovered!.detail).toBeTruthy();
    expect(recovered!.lastErrorAt!.getTime()).toBeGreaterThanOrEqual(failing.lastErrorAt!.getTime());
    expect(inbox.lastSyncedAt!.getTime()).toBeGreaterThanOrEqual(recovered!.at.getTime());

    // And it does sync: a reply is logged, and its batch moves last-synced on.
    const messageId = await f.deliverReply();
    await waitFor(async () => (await f.decisions()).some((d) => d.messageIdNorm === messageId && d.reasonCode === 'logged'), { what: 'the reply logged' });
    const after = (await f.q.inboxes.get(f.inboxId))!;
    expect(after.lastSyncedAt!.getTime()).toBeGreaterThan(inbox.lastSyncedAt!.getTime());
    expect(after.lastError).toBeNull();
  });

  it("an idle inbox last synced an hour ago is refreshed by its session's watchdog, with no mail arriving", async () => {
    const f = (fx = await createFixture('idle-synced'));
    // Connected earlier: a checkpoint at the end of INBOX, so the session resumes and reads nothing.
    const start = await mailboxStatus(f.mailUser);
    await f.q.inboxes.saveCheckpoint(f.db.db, f.inboxId, { uidvalidity: start.uidvalidity, lastUid: start.uidnext - 1 });
    await f.db.db.execute(sql`UPDATE inboxes SET last_synced_at = now() - interval '1 hour' WHERE id = ${f.inboxId}`);
    const hourAgo = (await f.q.inboxes.get(f.inboxId))!.lastSyncedAt!;
    const startedAt = Date.now();
    await f.enqueue();
    await f.startWorker(); // WATCHDOG_INTERVAL_MS 1 s in the tests
    const refreshed = await waitFor(async () => {
      const at = (await f.q.inboxes.get(f.inboxId))?.lastSyncedAt;
      return at && at.getTime() > hourAgo.getTime() ? at : null;
    }, { what: 'last_synced_at refreshed', timeoutMs: 10_000 });
    expect(refreshed.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(await f.decisions()).toEqual([]); // nothing was read: the refresh is the watchdog's
  });
});
