// A reply whose attachments exceed 50 MB is logged without them (the blob is never downloaded: only
// the text parts are), and the decision says so.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, removeMailUser, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { bigReply } from './helpers/big-reply';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
  await removeMailUser(fx.mailUser).catch(() => undefined); // frees the ~70 MB maildir
});

describe('a reply with more than 50 MB of attachments', () => {
  it('is logged without them, with logged_without_attachments recorded', async () => {
    fx = await createFixture('big');
    await fx.enqueue();
    const worker = await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });

    const messageId = `big-${Date.now()}@client.test`;
    const raw = bigReply({ from: fx.contact.email, to: fx.mailUser.address, inReplyTo: fx.outbound.messageId, messageId, attachmentBytes: 51 * 1024 * 1024 });
    await deliver(fx.mailUser, raw);
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
