// The client createImapClient builds takes in one piece the biggest message the 50 MB rule needs,
// and refuses a literal over MAX_LITERAL_BYTES at its first line (imapflow's default was 1 GiB):
// the connection ends with LiteralTooLarge, without the answer being buffered.
import { createMailUser, removeMailUser, stack, writeMaildirMessages, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapClient } from '../src/create-imap-client';
import { MAX_ATTACHMENT_BYTES, MAX_LITERAL_BYTES, base64Bytes } from '../src/imap-limits';

/** A message of exactly `bytes`: a header and a body of 76-character lines. */
function messageOf(bytes: number): Buffer {
  const head = Buffer.from('From: a@client.test\r\nSubject: big\r\nMessage-ID: <big@client.test>\r\n\r\n');
  const body = Buffer.alloc(bytes - head.length, `${'x'.repeat(76)}\r\n`);
  return Buffer.concat([head, body]);
}

let ana: MailUser;
beforeAll(async () => {
  ana = await createMailUser();
  // UID 1: 50 MB of attachments as base64 plus 4 MiB; UID 2: one byte over the literal limit.
  await writeMaildirMessages(ana, [messageOf(base64Bytes(MAX_ATTACHMENT_BYTES) + 4 * 1024 * 1024), messageOf(MAX_LITERAL_BYTES + 1)]);
});
afterAll(async () => {
  await removeMailUser(ana);
});

describe('IMAP response limits', () => {
  it('a message with 50 MB of attachments fits in one literal; one over the limit ends the connection', { timeout: 60_000 }, async () => {
    const { standard } = stack.profiles;
    const client = createImapClient(
      { host: standard.host, port: standard.imapPort, tls: 'starttls' },
      { kind: 'password', username: ana.user, password: ana.password },
      { ca: stack.caCert },
    );
    const errors: { code?: string; message: string }[] = [];
    client.on('error', (error: { code?: string; message: string }) => errors.push(error));
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const fits = await client.fetchOne('1', { source: true }, { uid: true });
      expect(fits && fits.source?.length).toBe(base64Bytes(MAX_ATTACHMENT_BYTES) + 4 * 1024 * 1024);

      const before = process.memoryUsage().rss;
      // Only the error code is compared: a fetched row would carry 76 MiB for the diff to print.
      const over = await client.fetchOne('2', { source: true }, { uid: true }).then(
        (row) => `fetched ${row ? row.source?.length : 'nothing'}`,
        (error: { code?: string }) => error.code,
      );
      expect(over).toBe('NoConnection');
      expect(errors.map((e) => [e.code, e.message])).toEqual([
        ['LiteralTooLarge', `Literal size ${MAX_LITERAL_BYTES + 1} exceeds maximum allowed size of ${MAX_LITERAL_BYTES} bytes`],
      ]);
      expect(client.usable).toBe(false);
      // Refused at the literal's first line: nowhere near its 76 MiB was held.
      expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    } finally {
      client.close();
    }
  });
});
