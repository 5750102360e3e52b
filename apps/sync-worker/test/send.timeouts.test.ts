// No send stays active forever: an SMTP server that stops answering, a token provider that never
// answers, or any other stall ends the send with a clear, final or retried error within its deadline.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '@reply-sync/mail';
import { waitFor } from '@reply-sync/testkit';
import { sendEmail } from '../src/send/send-email';
import type { SendError } from '../src/send/send-error';
import { createSendFixture, messagesIn, sendError, type SendFixture } from './send-helpers/send-fixture';

let fx: SendFixture | undefined;
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await fx?.cleanup();
  fx = undefined;
});

/** Greets and answers EHLO, then says nothing more (a server stuck mid-dialogue). */
async function silentSmtpServer(): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write('220 stuck.test ESMTP\r\n');
    socket.once('data', () => socket.write('250-stuck.test\r\n250 8BITMIME\r\n'));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('deadlines', () => {
  it('an SMTP server that stops answering mid-dialogue ends the send as send_outcome_unknown (final), not a hang', async () => {
    fx = await createSendFixture('smtp-stall');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const port = await silentSmtpServer();
    const deps = fx.deps({
      timeouts: { smtpMs: 1_000 },
      createTransport: (settings, credentials, options) => createSmtpTransport({ ...settings, port, tls: 'none' }, credentials, options),
    });
    const job = await fx.job(sender, { to: [recipient.address] });
    const started = Date.now();
    const error = await sendError(sendEmail(job, deps));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'send_outcome_unknown', retryable: false });
    expect(error.detail).toContain('did not finish within 1 s');
    expect((await fx.outgoing(job)).smtpStartedAt).toBeTruthy();
  });

  it('a token provider that never answers is transient (retried) and nothing is sent', async () => {
    fx = await createSendFixture('token-stall');
    const sender = await fx.addSender();
    await fx.db.db.execute(`update inboxes set auth_kind = 'oauth2' where id = '${sender.inboxId}'`);
    const recipient = await fx.mailUser();
    const deps = fx.deps({ timeouts: { accessTokenMs: 500 }, getAccessToken: () => new Promise<string>(() => undefined) });
    const job = await fx.job(sender, { to: [recipient.address] });
    const error = await sendError(sendEmail(job, deps));
    expect(error).toMatchObject({ code: 'smtp_transient', retryable: true });
    expect((await fx.outgoing(job)).raw).toBeNull();
  });

  it('any other stall is ended by the overall deadline with send_timed_out, and the stalled attempt never sends afterwards', async () => {
    fx = await createSendFixture('total-stall');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const job = await fx.job(sender, { to: [recipient.address] });
    // Another session holds the outgoing email's row: saving the built message waits on the database.
    const holder = await fx.db.sql.reserve();
    await holder`begin`;
    await holder`select id from outgoing_emails where id = ${job.outgoingEmailId} for update`;
    let error: SendError;
    try {
      error = await sendError(sendEmail(job, fx.deps({ timeouts: { totalMs: 1_000 } })));
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect(error).toMatchObject({ code: 'send_timed_out', retryable: false });
    expect(error.message).toContain('preparing the message');
    expect(error.message).toContain('nothing was sent');
    // Once the database answers, the stalled attempt saves its bytes but stops before SMTP: it said nothing was sent.
    await waitFor(async () => (await fx!.outgoing(job)).raw, { what: 'the stalled attempt saving its bytes' });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // SMTP and a delivery would be done by now
    expect((await fx.outgoing(job)).smtpStartedAt).toBeNull();
    expect(await messagesIn(recipient, 'INBOX')).toEqual([]);
  });
});
