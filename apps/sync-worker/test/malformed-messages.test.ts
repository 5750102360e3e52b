// Broken messages never stop an inbox: unreadable headers are recorded as `malformed`; a reply with
// broken MIME or an unknown charset is still decided (and logged, best effort); a reply without a
// Message-ID is logged under a stable synthetic id; and a normal reply after all of them is logged.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { SYNTHETIC_MESSAGE_ID_DOMAIN } from '../src/synthetic-message-id';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('malformed messages', () => {
  it('are recorded as decisions and do not stop the inbox', async () => {
    fx = await createFixture('malformed');
    await fx.enqueue();
    await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });
    const to = fx.mailUser.address;
    const ref = `<${fx.outbound.messageId}>`;

    // 1. Headers that are not headers at all.
    await deliver(fx.mailUser, crlf(['this is not a header line', 'neither is this one', '', 'body', '']));
    // 2. A reply whose multipart has no closing boundary and a part in an unknown charset.
    await deliver(
      fx.mailUser,
      crlf([
        `From: ${fx.contact.email}`,
        `To: ${to}`,
        `Subject: =?x-no-such-charset?B?SGVsbG8=?=`,
        `Message-ID: <broken-mime-1@client.test>`,
        `In-Reply-To: ${ref}`,
        `Date: Mon, 1 Jan 2024 10:00:00 +0000`,
        `MIME-Version: 1.0`,
        `Content-Type: multipart/mixed; boundary="zzz"`,
        '',
        '--zzz',
        'Content-Type: text/plain; charset=x-no-such-charset',
        '',
        'Broken but readable.',
        '--zzz',
        'Content-Type: application/octet-stream; name="a.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        '!!!not base64!!!',
        '',
      ]),
    );
    // 3. A reply without a Message-ID.
    await deliver(
      fx.mailUser,
      crlf([`From: ${fx.contact.email}`, `To: ${to}`, `Subject: Re: no id`, `In-Reply-To: ${ref}`, '', 'No id here.', '']),
    );
    // 4. A normal reply after all of them.
    const normal = await fx.deliverReply();

    await waitFor(async () => fx.q.emails.getByMessageId(normal), { what: 'the normal reply logged', timeoutMs: 15_000 });
    // The replies' decisions commit with them; the skip decisions of their batch in the transaction after.
    const decisions = await waitFor(async () => {
      const rows = await fx.decisions();
      return rows.length >= 4 ? rows : undefined;
    }, { what: 'all four decisions recorded' });
    expect(decisions.map((d) => d.reasonCode)).toEqual(['malformed', 'logged', 'logged', 'logged']);
    expect(decisions[1]?.messageIdNorm).toBe('broken-mime-1@client.test');
    // The message without a Message-ID is logged (and its decision recorded) under a synthetic id
    // made of the inbox, UIDVALIDITY and UID: the same on every re-read, so dedupe still holds.
    const uidvalidity = (await fx.q.inboxes.get(fx.inboxId))!.uidvalidity;
    const synthetic = `${fx.inboxId}.${uidvalidity}.${decisions[2]!.uid}@${SYNTHETIC_MESSAGE_ID_DOMAIN}`;
    expect(decisions[2]?.messageIdNorm).toBe(synthetic);
    const timeline = await fx.q.timeline.forContact(fx.contact.email);
    expect(timeline.map((e) => e.messageIdNorm)).toContain(synthetic);
    expect(timeline.find((e) => e.messageIdNorm === 'broken-mime-1@client.test')?.textBody).toContain('Broken but readable.');
  });
});
