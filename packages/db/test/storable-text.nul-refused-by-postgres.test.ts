// PostgreSQL refuses U+0000 in text and jsonb. Mail carries it (`=00` in a quoted-printable body, an
// encoded word decoding to NUL, a server's error text): every stranger-written value is stored with the
// NUL removed (other controls replaced), so one such byte never fails a write.
import { describe, expect, it } from 'vitest';
import { newAccount, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

const NUL = '\u0000';

describe('text with NUL and other controls', () => {
  const ctx = useDb();

  it('a logged reply with NUL in its body, subject, names and attachment is stored without it', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const input = await replyInput(s, scene, {
      from: { address: 'bob@acme.test', name: `Bob${NUL}by` },
      to: [{ address: 'ana@mail.test', name: `Ana${NUL}` }],
      subject: `Re: Re${NUL}newal\u0007`,
      textBody: `before${NUL}after`,
      htmlBody: `<p>x${NUL}y</p>`,
      attachments: [{ filename: `a${NUL}b.txt`, contentType: `text/plain${NUL}`, content: Buffer.from('hi'), contentId: null, size: 2 }],
    });
    const logged = await s.emails.logReply(input);
    expect(logged).toMatchObject({ inserted: true, reason: 'logged' });
    const [entry] = (await s.timeline.forContact('bob@acme.test')).filter((e) => e.messageIdNorm === input.messageId.slice(1, -1).toLowerCase());
    expect(entry).toMatchObject({ subject: 'Re: Renewal\ufffd', textBody: 'beforeafter', htmlBody: '<p>xy</p>', fromName: 'Bobby' });
    expect(JSON.stringify(entry)).not.toContain('\\u0000');
  });

  it('decisions and an inbox disconnected with a NUL in the server\'s words are stored too', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    await s.decisions.record([
      { inboxId: scene.inbox.id, uidvalidity: 1, uid: 77, messageId: `<x${NUL}@y>`, messageIdNorm: `x${NUL}@y`, reasonCode: 'not_a_reply', detail: `d${NUL}`, fromAddress: `f${NUL}@x`, subject: `s${NUL}` },
    ]);
    const [row] = (await s.decisions.forInbox(scene.inbox.id)).filter((d) => d.uid === 77);
    expect(row).toMatchObject({ messageIdNorm: 'x@y', detail: 'd', fromAddress: 'f@x', subject: 's' });

    await s.inboxes.markDisconnected(scene.inbox.id, 'password_rejected', `[AUTHENTICATIONFAILED] no${NUL}pe`);
    expect((await s.inboxes.get(scene.inbox.id))?.disconnectDetail).toBe('[AUTHENTICATIONFAILED] nope');
  });
});
