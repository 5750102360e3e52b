// The catch-up's header FETCH reads Dovecot's responses with a parser of its own: it must give, for
// every message, exactly what imapflow's fetch() gives (UID, INTERNALDATE, size, the header bytes),
// mark nothing read, work from IDLE, and leave the connection usable for the next command.
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER_FIELDS_FOR_SCAN, HEADER_FIELDS_TO_MATCH } from '@reply-sync/threading';
import { composeEmail, createMailUser, deliver, openImap, removeMailUser, type MailUser } from '@reply-sync/testkit';
import type { ImapFlow } from 'imapflow';
import { fetchHeaderFields, type FetchedHeaders } from '../src/header-fetch';
import { parseHeaderFetchResponse } from '../src/parse-fetch-response';

const users: MailUser[] = [];
const clients: ImapFlow[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.logout().catch(() => c.close());
  for (const u of users.splice(0)) await removeMailUser(u.user).catch(() => undefined);
});

/** Messages whose header fields take every shape a server sends: folded, 8-bit, missing, empty, many recipients. */
async function messages(to: string): Promise<Buffer[]> {
  const plain = await composeEmail({ from: 'ana@client.test', to, subject: 'Quote for next week', messageId: 'plain@client.test' });
  const folded = Buffer.from(
    [
      'From: "Díaz, Ana" <ana@client.test>',
      `To: ${to},\r\n  "Bob (sales)" <bob@example.test>,\r\n\tcarol@example.test`,
      'Subject: =?UTF-8?Q?R=C3=A9ponse?= about the\r\n  "quote" (part 2)',
      'Message-ID: <folded@client.test>',
      'In-Reply-To: <out-1@crm.test> (a comment)',
      'References: <out-0@crm.test>\r\n <out-1@crm.test>',
      'Date: Tue, 1 Dec 2026 09:30:00 +0100',
      '',
      'body',
    ].join('\r\n'),
  );
  const eightBit = Buffer.concat([Buffer.from(`From: Zoë <zoe@client.test>\r\nTo: ${to}\r\nSubject: `), Buffer.from('Grüße, 日本', 'utf8'), Buffer.from('\r\nMessage-ID: <8bit@client.test>\r\n\r\nbody\r\n')]);
  const bare = Buffer.from('Subject: nothing else\r\n\r\nbody\r\n');
  const empty = Buffer.from('X-Other: only a field the scan does not ask for\r\n\r\nbody\r\n');
  const many = Buffer.from(`From: list@example.test\r\nTo: ${Array.from({ length: 400 }, (_, i) => `member-${i}@example.test`).join(',\r\n ')}\r\nMessage-ID: <many@example.test>\r\n\r\nbody\r\n`);
  return [plain, folded, eightBit, bare, empty, many];
}

async function viaImapflow(client: ImapFlow, range: string, fields: string[]): Promise<FetchedHeaders[]> {
  const rows: FetchedHeaders[] = [];
  for await (const r of client.fetch(range, { uid: true, internalDate: true, size: true, headers: fields }, { uid: true })) {
    rows.push({ uid: r.uid, internalDate: r.internalDate as Date, size: r.size ?? 0, headers: r.headers });
  }
  return rows;
}

async function viaLean(client: ImapFlow, range: string, fields: readonly string[]): Promise<FetchedHeaders[]> {
  const rows: FetchedHeaders[] = [];
  await fetchHeaderFields(client, range, fields, (row) => rows.push(row));
  return rows;
}

const comparable = (rows: FetchedHeaders[]) =>
  rows.map((r) => ({ uid: r.uid, internalDate: r.internalDate?.getTime(), size: r.size, headers: r.headers?.toString('latin1') }));

async function mailbox(): Promise<{ user: MailUser; client: ImapFlow }> {
  const user = await createMailUser();
  users.push(user);
  for (const raw of await messages(user.address)) await deliver(user, raw);
  const client = await openImap(user);
  clients.push(client);
  await client.mailboxOpen('INBOX', { readOnly: true });
  return { user, client };
}

describe('the catch-up header FETCH', () => {
  it('gives every message exactly what imapflow fetch() gives, for both field lists', async () => {
    const { client } = await mailbox();
    // The FETCH lines that reach imapflow's own handling, as its stream hands them over (read, not changed)
    const lines: { payload: Buffer; literals: Buffer[] }[] = [];
    const internals = client as unknown as { handleResponse: (data: { payload: Buffer; literals: Buffer[] }) => Promise<boolean> };
    const handle = internals.handleResponse;
    internals.handleResponse = function (data) {
      if (/^\* \d+ FETCH /.test(data.payload.toString('latin1', 0, 40))) lines.push({ payload: Buffer.from(data.payload), literals: [...data.literals] });
      return handle.call(this, data);
    };
    for (const fields of [HEADER_FIELDS_TO_MATCH, HEADER_FIELDS_FOR_SCAN]) {
      const expected = comparable(await viaImapflow(client, '1:*', fields));
      expect(expected).toHaveLength(6);
      expect(comparable(await viaLean(client, '1:*', fields))).toEqual(expected);
      // A UID list, as the second FETCH of the messages whose references hit a thread
      expect(comparable(await viaLean(client, '2,4,6', fields))).toEqual(expected.filter((r) => [2, 4, 6].includes(r.uid)));
    }
    // Only fetch()'s 2 × 6 lines reached imapflow: the lean FETCHes' 2 × 9 were all read by the lean reader
    expect(lines).toHaveLength(12);
    // and it reads fetch()'s lines too (their items: UID, INTERNALDATE, RFC822.SIZE, MODSEQ, BODY[…])
    for (const line of lines) expect(parseHeaderFetchResponse(line.payload, line.literals), line.payload.toString('latin1')).not.toBeNull();
  });

  it('marks nothing read, and the connection goes on with the next command', async () => {
    const { user, client } = await mailbox();
    const rows = await viaLean(client, '1:*', HEADER_FIELDS_FOR_SCAN);
    expect(rows.map((r) => r.uid)).toEqual([1, 2, 3, 4, 5, 6]);
    const check = await openImap(user);
    clients.push(check);
    await check.mailboxOpen('INBOX', { readOnly: true });
    const flags = await check.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
    expect(flags.every((m) => !m.flags?.has('\\Seen'))).toBe(true);
    // imapflow's own commands and parsing still work on the same connection afterwards
    const status = await client.status('INBOX', { messages: true });
    expect(status && status.messages).toBe(6);
  });

  it('ends an IDLE first, and runs beside queued FETCHes of other shapes', async () => {
    const { client } = await mailbox();
    void client.idle();
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const check = () => (client.idling ? resolve() : Date.now() - started > 5_000 ? reject(new Error('IDLE did not start')) : setTimeout(check, 20));
      check();
    });
    // Sent together: a full-source FETCH queued between two header FETCHes keeps imapflow's reading
    const [a, source, b] = await Promise.all([
      viaLean(client, '1:3', HEADER_FIELDS_TO_MATCH),
      client.fetchAll('2', { uid: true, source: true }, { uid: true }),
      viaLean(client, '4:*', HEADER_FIELDS_TO_MATCH),
    ]);
    expect(a.map((r) => r.uid)).toEqual([1, 2, 3]);
    expect(b.map((r) => r.uid)).toEqual([4, 5, 6]);
    expect(source[0]!.source!.toString()).toContain('Message-ID: <folded@client.test>');
  });

  it('reads a message that arrives during the FETCH range as imapflow would (n:* past the end)', async () => {
    const { client } = await mailbox();
    // RFC 3501: `7:*` with 6 messages returns the last one
    expect((await viaLean(client, '7:*', HEADER_FIELDS_TO_MATCH)).map((r) => r.uid)).toEqual([6]);
    expect(client.mailbox && client.mailbox.uidNext).toBe(7);
  });
});
