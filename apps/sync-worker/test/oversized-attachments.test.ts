// A reply whose attachments exceed 50 MB is logged without them (the blob is never downloaded: only
// the text parts are), and the decision says so.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, removeMailUser, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
  await removeMailUser(fx.mailUser).catch(() => undefined); // frees the ~70 MB maildir
});

/** A reply with a 51 MB attachment, built as raw MIME without allocating the decoded bytes. */
function bigReply(from: string, to: string, inReplyTo: string, messageId: string): Buffer {
  const line = 'A'.repeat(76) + '\r\n'; // base64 of zero bytes, 57 decoded bytes per line
  const lines = Math.ceil((51 * 1024 * 1024) / 57);
  const head = Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: Re: the big file`,
      `Message-ID: <${messageId}>`,
      `In-Reply-To: <${inReplyTo}>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The file is attached.',
      '--b1',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const body = Buffer.alloc(line.length * lines, line);
  return Buffer.concat([head, body, Buffer.from('--b1--\r\n')]);
}

describe('a reply with more than 50 MB of attachments', () => {
  it('is logged without them, with logged_without_attachments recorded', async () => {
    fx = await createFixture('big');
    await fx.enqueue();
    const worker = await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });

    const messageId = `big-${Date.now()}@client.test`;
    await deliver(fx.mailUser, bigReply(fx.contact.email, fx.mailUser.address, fx.outbound.messageId, messageId));
    const email = await waitFor(async () => fx.q.emails.getByMessageId(messageId), { what: 'the big reply logged', timeoutMs: 30_000 });

    expect(email.textBody).toContain('The file is attached.');
    expect(email.attachmentsSkippedReason).toMatch(/over the 50 MB limit/);
    const entry = (await fx.q.timeline.forContact(fx.contact.email)).find((e) => e.messageIdNorm === messageId);
    expect(entry?.attachments).toEqual([]);
    expect(await fx.decisions()).toEqual([expect.objectContaining({ reasonCode: 'logged_without_attachments' })]);
    // Only the text part crossed the wire for the body, not the 70 MB message.
    const full = await worker.metrics.bytesFetched.get();
    const fullBytes = full.values.find((v) => v.labels.kind === 'full')?.value ?? 0;
    expect(fullBytes).toBeLessThan(10_000);
  }, 90_000);
});
