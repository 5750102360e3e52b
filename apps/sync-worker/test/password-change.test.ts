// A changed password disconnects the inbox with password_rejected (and the job stops: no login retried
// in a loop); replies that arrive while disconnected are recorded as inbox_disconnected, never logged;
// reconnecting with the new password resumes logging.
import { afterEach, describe, expect, it } from 'vitest';
import { kick, setPassword, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { parseWorkerEnv } from '../src/env';
import { workerEnvSource } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

describe('a changed password', () => {
  it('disconnects with password_rejected; replies meanwhile are not logged; reconnecting resumes', async () => {
    fx = await createFixture('password');
    await fx.enqueue();
    await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });

    const before = await fx.deliverReply();
    await waitFor(async () => fx.q.emails.getByMessageId(before), { what: 'the first reply logged' });

    const newPassword = 'n3w-secret-password';
    await setPassword(fx.mailUser, newPassword);
    await kick(fx.mailUser);

    const disconnected = await waitFor(
      async () => {
        const inbox = await fx.q.inboxes.get(fx.inboxId);
        return inbox?.status === 'disconnected' ? inbox : null;
      },
      { what: 'the inbox disconnected', timeoutMs: 15_000 },
    );
    expect(disconnected.disconnectReason).toBe('password_rejected');
    // The job ended with the session: nobody retries the refused password.
    await waitFor(() => !fx.holds(fx.inboxId), { what: 'no session held for the inbox' });

    const whileDisconnected = await fx.deliverReply();
    // INTERNALDATE has 1 s resolution: make sure the reconnect is in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const keys = parseWorkerEnv(workerEnvSource()).encryptionKeys;
    await fx.q.inboxes.reconnect(fx.inboxId, { password: newPassword }, keys);
    await fx.enqueue(); // what the scheduler does on reconnect
    const after = await fx.deliverReply();

    await waitFor(async () => fx.q.emails.getByMessageId(after), { what: 'the reply after reconnecting logged', timeoutMs: 15_000 });
    const reasons = Object.fromEntries((await fx.decisions()).map((d) => [d.messageIdNorm, d.reasonCode]));
    expect(reasons).toEqual({ [before]: 'logged', [whileDisconnected]: 'inbox_disconnected', [after]: 'logged' });
    expect(await fx.q.emails.getByMessageId(whileDisconnected)).toBeNull();
    expect((await fx.q.inboxes.get(fx.inboxId))?.status).toBe('connected');
  });
});
