// Recipients written `Name <address>` (as `email send --to "Bob <bob@x>"` passes them) are delivered,
// keep their name in the header, and are recorded, made contacts and checked by the bare address; a
// value that is not an address fails the job at once, naming it, and is not retried.
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueSend, waitForSend } from '@reply-sync/queue';
import { waitFor } from '@reply-sync/testkit';
import { sendEmail } from '../src/send/send-email';
import { SendError } from '../src/send/send-error';
import { createSendFixture, jobFailure, messagesIn, type SendFixture } from './send-helpers/send-fixture';

let fx: SendFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('display-name recipients', () => {
  it('To and Cc written "Name <address>" are delivered, recorded by the bare address, and become contacts by it', async () => {
    fx = await createSendFixture('display-name');
    const sender = await fx.addSender();
    const bob = await fx.mailUser();
    const carol = await fx.mailUser();
    const result = await sendEmail(await fx.job(sender, { to: [`Bob Example <${bob.address}>`], cc: [`"Carol, Jr." <${carol.address.toUpperCase()}>`] }), fx.deps());
    expect(result).toMatchObject({ rejected: [], sentCopyStatus: 'appended' });

    for (const user of [bob, carol]) {
      const got = await waitFor(async () => (await messagesIn(user, 'INBOX')).find((m) => m.messageId === result.messageId), {
        what: `the email in ${user.address}'s INBOX`,
        timeoutMs: 15_000,
      });
      const head = got.source.toString('utf8').split('\r\n\r\n')[0]!;
      expect(head).toContain(`To: Bob Example <${bob.address}>`);
      // nodemailer lower-cases the domain; the local part is as written.
      expect(head).toMatch(/^Cc: "Carol, Jr\." <[^>]+>$/m);
      expect(head.toLowerCase()).toContain(`cc: "carol, jr." <${carol.address}>`);
    }

    const email = await fx.q.emails.get(result.emailId);
    expect(email?.to).toEqual([{ address: bob.address, name: 'Bob Example' }]);
    expect(email?.cc).toEqual([{ address: carol.address, name: 'Carol, Jr.' }]);
    const emails = (await fx.q.contacts.list()).map((c) => c.email).sort();
    expect(emails).toEqual([bob.address, carol.address].sort());
    expect((await fx.q.timeline.forContact(bob.address)).map((e) => e.id)).toContain(result.emailId);
    expect((await fx.q.timeline.forContact(carol.address)).map((e) => e.id)).toContain(result.emailId);
  });

  it('a display-name recipient on the never-log list is not made a contact', async () => {
    fx = await createSendFixture('display-name-never-log');
    const sender = await fx.addSender();
    const bob = await fx.mailUser();
    await fx.q.neverLog.add('address', bob.address);
    await sendEmail(await fx.job(sender, { to: [`Bob <${bob.address}>`] }), fx.deps());
    expect(await fx.q.contacts.list()).toEqual([]);
  });
});

describe('a recipient that is not an address', () => {
  it('fails sendEmail at once with invalid_request naming the value, before anything is built or sent', async () => {
    fx = await createSendFixture('bad-recipient');
    const sender = await fx.addSender();
    const bob = await fx.mailUser();
    const job = await fx.job(sender, { to: [bob.address], cc: ['not an address'] });
    const error = await sendEmail(job, fx.deps()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
    expect((error as SendError).message).toContain('"not an address"');
    expect((error as SendError).message).toContain('Cc');
    expect((await fx.outgoing(job)).raw).toBeNull();
    expect(await fx.q.contacts.list()).toEqual([]);
  });

  it('fails the queued job at once (not retried, not left active) with a reason naming the value', async () => {
    fx = await createSendFixture('bad-recipient-job');
    const sender = await fx.addSender();
    const { queue, events } = await fx.sendQueue();

    const request = await fx.job(sender, { to: ['not an address'] });
    const job = await enqueueSend(queue, request);
    const started = Date.now();
    const reason = await jobFailure(waitForSend(job, events, 10_000));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reason).toMatch(/^invalid_request: The To recipient "not an address" is not an email address/);
    const after = await queue.getJob(job.id!);
    expect(await after!.getState()).toBe('failed');
    expect(after!.attemptsMade).toBe(1);
    // The outgoing email records the final failure, so the same key is not tried again.
    expect(await fx.outgoing(request)).toMatchObject({ status: 'failed', failure: reason });
  });
});
