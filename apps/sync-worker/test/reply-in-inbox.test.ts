// A reply in the INBOX lands on the contact's timeline with its attachment, associated with the
// original's company and deal, and stays unseen on the server.
import { afterEach, describe, expect, it } from 'vitest';
import { openImap, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

describe('a reply in the INBOX', () => {
  it('is logged once on the timeline with its attachment, company and deal, and stays unseen', async () => {
    fx = await createFixture('reply');
    await fx.enqueue();
    await fx.startWorker();
    // The first session baselines at UIDNEXT-1; wait for it before delivering.
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline checkpoint' });

    const messageId = await fx.deliverReply({
      attachments: [{ filename: 'quote.pdf', content: Buffer.from('%PDF-1.4 tiny'), contentType: 'application/pdf' }],
    });

    const timeline = await waitFor(
      async () => {
        const entries = await fx.q.timeline.forContact(fx.contact.email);
        return entries.find((e) => e.messageIdNorm === messageId);
      },
      { what: 'the reply on the contact timeline', timeoutMs: 15_000 },
    );
    expect(timeline.textBody).toContain('Thanks, looks good.');
    expect(timeline.attachments.map((a) => a.filename)).toEqual(['quote.pdf']);
    expect((await fx.q.timeline.forCompany(fx.companyId)).map((e) => e.messageIdNorm)).toContain(messageId);
    expect((await fx.q.timeline.forDeal(fx.dealId)).map((e) => e.messageIdNorm)).toContain(messageId);
    expect(await fx.decisions()).toEqual([expect.objectContaining({ reasonCode: 'logged', messageIdNorm: messageId })]);

    const imap = await openImap(fx.mailUser);
    try {
      await imap.mailboxOpen('INBOX', { readOnly: true });
      const [msg] = await imap.fetchAll('1:*', { flags: true, uid: true });
      expect(msg?.flags?.has('\\Seen')).toBe(false);
    } finally {
      await imap.logout();
    }
  });
});
