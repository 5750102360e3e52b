// A BCC'd email whose attachment is over the 50 MB limit (a ~71 MB message, under the server's 75 MB
// default) is taken, and logged with its body but without the attachment, the reason kept on the email
// and in the decision.
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('a message over 50 MB of attachments', () => {
  it('is logged without its attachments, the reason kept', { timeout: 180_000 }, async () => {
    fx = await createInboundFixture('bcc-large');
    await fx.s.users.add({ email: `ana@${fx.domain}` });
    await fx.s.contacts.add({ email: 'bob@client.test' });
    const bcc = await fx.bccAddress();
    const inbound = await fx.start();
    const sent = await fx.send(
      inbound.port,
      {
        from: `ana@${fx.domain}`,
        to: 'bob@client.test',
        subject: 'the big file',
        text: 'See the attached video.',
        attachments: [{ filename: 'video.bin', content: Buffer.alloc(52 * 1024 * 1024, 7) }],
        envelope: { from: `ana@${fx.domain}`, to: [bcc] },
      },
      { dkim: null },
    );
    expect(sent.response).toMatch(/^250 /);
    await fx.waitDecided(1);
    const [row] = await fx.inboundRows();
    expect(row).toMatchObject({ reason_code: 'logged_without_attachments', raw_kept: false });
    expect(row!.detail).toMatch(/^attachments total 52\.0 MB, over the 50 MB limit; /);
    const email = await fx.s.emails.get(row!.email_id!);
    expect(email!.textBody).toContain('See the attached video.');
    expect(email!.attachmentsSkippedReason).toBe('attachments total 52.0 MB, over the 50 MB limit');
    expect(await fx.db.sql`SELECT 1 FROM attachments WHERE email_id = ${email!.id}`).toHaveLength(0);
  });
});
