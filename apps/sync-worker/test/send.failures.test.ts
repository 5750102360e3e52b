// SMTP failures on the real Postfix: a refused recipient is a final error and nothing is logged; a
// wrong password disconnects the inbox (password_rejected, like IMAP); a send whose earlier attempt
// stopped mid-SMTP is never sent again; a refused connection is transient (retried).
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '@reply-sync/mail';
import { stack, waitFor } from '@reply-sync/testkit';
import { sendEmail } from '../src/send/send-email';
import { createSendFixture, sendError, messagesIn, type SendFixture } from './send-helpers/send-fixture';

let fx: SendFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('SMTP failures', () => {
  it('an unknown local recipient is a final recipient_rejected error, and nothing is logged or filed', async () => {
    fx = await createSendFixture('rejected');
    const sender = await fx.addSender();
    const unknown = `nobody-${Date.now()}@${stack.profiles.standard.domain}`;
    const deps = fx.deps();
    const job = await fx.job(sender, { to: [unknown] });
    // Postfix answers 450 "address verification in progress" until its probe is back, then 550: the
    // queue retries the transient answer, as here, until the final one.
    const error = await waitFor(
      async () => {
        const e = await sendError(sendEmail(job, deps));
        return e.code === 'smtp_transient' ? null : e;
      },
      { what: 'the final answer for the unknown recipient', timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(error).toMatchObject({ code: 'recipient_rejected', retryable: false });
    expect(error.message).toContain(unknown);
    expect(error.detail).toMatch(/5\.1\.1|550/);
    const outgoing = await fx.outgoing(job);
    expect(await fx.q.emails.getByMessageId(outgoing.messageId!)).toBeNull();
    expect(await fx.q.contacts.findByEmail(unknown)).toBeNull();
    expect(await messagesIn(sender.mailUser, 'Sent')).toHaveLength(0);
    // The server certainly did not take it: a retry may send (it is refused again, not "unknown").
    expect(outgoing.smtpStartedAt).toBeNull();
  });

  it('a wrong SMTP password disconnects the inbox with password_rejected and is not retried', async () => {
    fx = await createSendFixture('auth');
    const sender = await fx.addSender({ password: 'not-the-password' });
    const recipient = await fx.mailUser();
    const error = await sendError(sendEmail(await fx.job(sender, { to: [recipient.address] }), fx.deps()));
    expect(error).toMatchObject({ code: 'smtp_auth_failed', reason: 'password_rejected', retryable: false });
    expect(error.message).toContain('rejected the password');
    expect(error.message).not.toContain('not-the-password');
    const inbox = await fx.q.inboxes.get(sender.inboxId);
    expect(inbox).toMatchObject({ status: 'disconnected', disconnectReason: 'password_rejected' });
    // A disconnected inbox sends nothing until it is reconnected.
    const next = await sendError(sendEmail(await fx.job(sender, { to: [recipient.address] }), fx.deps()));
    expect(next.code).toBe('inbox_not_connected');
  });

  it('a retry after an attempt that stopped mid-SMTP is not sent again (send_outcome_unknown)', async () => {
    fx = await createSendFixture('unknown');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const deps = fx.deps();
    const job = await fx.job(sender, { to: [recipient.address] });
    // A first attempt that saved its bytes and its SMTP mark, then died (no logged email).
    let calls = 0;
    const crashing = fx.deps({
      createTransport: () => {
        calls += 1;
        throw new Error('worker killed');
      },
    });
    await expect(sendEmail(job, crashing)).rejects.toThrow('worker killed');
    expect(calls).toBe(1);
    expect((await fx.outgoing(job)).smtpStartedAt).toBeTruthy();
    const error = await sendError(sendEmail(job, deps));
    expect(error).toMatchObject({ code: 'send_outcome_unknown', retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesIn(recipient, 'INBOX')).toHaveLength(0);
  });

  it('a refused connection is transient: retried later, and the retry sends', async () => {
    fx = await createSendFixture('refused');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const deps = fx.deps();
    const job = await fx.job(sender, { to: [recipient.address] });
    // Point the inbox's SMTP at a closed port for the first attempt.
    const first = await sendError(
      sendEmail(job, { ...deps, createTransport: (settings, credentials, options) => createSmtpTransport({ ...settings, port: 1 }, credentials, options) }),
    );
    expect(first).toMatchObject({ code: 'smtp_transient', retryable: true });
    expect((await fx.outgoing(job)).smtpStartedAt).toBeNull();
    const retry = await sendEmail(job, deps);
    expect(retry.alreadySent).toBe(false);
    expect(retry.messageId).toBe((await fx.outgoing(job)).messageId);
  });
});

describe('credentials the send path must refuse', () => {
  it("credentials copied from another inbox's row: credentials_invalid, final, the inbox disconnected, nothing sent", async () => {
    fx = await createSendFixture('creds-copied');
    const sender = await fx.addSender();
    const other = await fx.addSender();
    await fx.db.sql`update inboxes set credentials = (select credentials from inboxes where id = ${other.inboxId}) where id = ${sender.inboxId}`;
    const recipient = await fx.mailUser();
    const job = await fx.job(sender, { to: [recipient.address] });
    const error = await sendError(sendEmail(job, fx.deps()));
    expect(error).toMatchObject({ code: 'credentials_invalid', retryable: false, reason: 'credentials_invalid' });
    expect(error.message).toMatch(/another inbox.*Nothing was sent\./s);
    expect(await fx.q.inboxes.get(sender.inboxId)).toMatchObject({ status: 'disconnected', disconnectReason: 'credentials_invalid' });
    expect((await fx.outgoing(job)).smtpStartedAt).toBeNull();
    expect(await messagesIn(recipient, 'INBOX')).toHaveLength(0);
  });
});
