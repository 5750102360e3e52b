// Hostile mail in a real INBOX: headers crafted to loop a parser, to take quadratic time, or to carry
// NUL bytes PostgreSQL refuses. The worker (its own process, with a small heap so a runaway shows as a
// crash rather than eating the machine) stays up, every message gets exactly one decision, the inbox
// stays connected, and a genuine reply delivered after them is logged in the usual time.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, waitFor } from '@reply-sync/testkit';
import { createFixture, workerEnvSource, type Fixture } from './helpers/fixture';

let fx: Fixture;
let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
  await fx?.cleanup();
});

const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

/** The hostile messages, each a reply-shaped message to the fixture's logged thread. */
function hostileMessages(fx: Fixture): { what: string; raw: Buffer }[] {
  const to = fx.mailUser.address;
  const ref = `<${fx.outbound.messageId}>`;
  const contact = fx.contact.email;
  let n = 0;
  const reply = (what: string, headers: string[], body: string[] = ['Hello.']) => ({
    what,
    raw: crlf([
      ...headers,
      ...(headers.some((h) => /^message-id:/i.test(h)) ? [] : [`Message-ID: <hostile-${++n}-${Date.now()}@client.test>`]),
      ...(headers.some((h) => /^in-reply-to:/i.test(h)) ? [] : [`In-Reply-To: ${ref}`]),
      ...(headers.some((h) => /^date:/i.test(h)) ? [] : [`Date: ${new Date().toUTCString()}`]),
      'MIME-Version: 1.0',
      ...(headers.some((h) => /^content-type:/i.test(h)) ? [] : ['Content-Type: text/plain; charset=utf-8']),
      '',
      ...body,
      '',
    ]),
  });
  const parens = '('.repeat(64 * 1024);
  // 990 varied CJK characters: ~2,970 UTF-8 bytes, past what a btree index entry holds.
  const longId = Array.from({ length: 990 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
  return [
    // parseAddressList looped forever on a colon after an address.
    reply('colon after the From address', [`From: Ana <${contact}>: hi`, `To: ${to}`, 'Subject: Re: colon']),
    reply('colon after a bare address in To', [`From: ${contact}`, `To: ${to} c:`, 'Cc: a@b c:', 'Subject: Re: colon in To']),
    // NUL from an encoded word in the subject and the display name of a reply that is logged.
    reply('NUL in encoded words', [`From: =?utf-8?q?Ana=00Mar=C3=ADa?= <${contact}>`, `To: ${to}`, 'Subject: =?utf-8?q?Re:_a=00b?=']),
    // NUL in a quoted-printable body of a reply that is logged.
    reply(
      'NUL in a quoted-printable body',
      [`From: ${contact}`, `To: ${to}`, 'Subject: Re: qp', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
      ['before=00after'],
    ),
    // 64 KB of "(" in the fields whose comments used to be stripped by a quadratic regex.
    reply('64 KB of ( in Date, Content-Type and Auto-Submitted', [
      `From: ${contact}`,
      `To: ${to}`,
      'Subject: Re: parens',
      `Date: Mon, 1 Jan 2024 10:00:00 +0000 ${parens}`,
      `Content-Type: text/plain; ${parens}`,
      `Auto-Submitted: ${parens}`,
    ]),
    // A Message-ID too long for the index on it: once as a reply, once as unrelated mail.
    reply('a 990-character CJK Message-ID on a reply', [`From: ${contact}`, `To: ${to}`, 'Subject: Re: long id', `Message-ID: <${longId}@client.test>`]),
    reply('a 990-character CJK Message-ID, not a reply', [
      'From: news@newsletter.test',
      `To: ${to}`,
      'Subject: Digest',
      `Message-ID: <${longId}.2@client.test>`,
      'In-Reply-To: <nothing-we-sent@elsewhere.test>',
    ]),
    // 64 KB of "<" in the threading fields.
    reply('64 KB of < in References and In-Reply-To', [
      `From: ${contact}`,
      `To: ${to}`,
      'Subject: Re: brackets',
      `In-Reply-To: ${'<'.repeat(64 * 1024)}`,
      `References: ${'<a@b '.repeat(12 * 1024)}`,
    ]),
  ];
}

describe('hostile messages in the INBOX', () => {
  it('leave the worker up and the inbox syncing; each is decided and the next genuine reply is logged', { timeout: 120_000 }, async () => {
    fx = await createFixture('hostile');
    await fx.enqueue();
    let output = '';
    child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', mainPath], {
      env: { ...process.env, ...workerEnvSource(), REPLY_SYNC_QUEUE: fx.queueName, METRICS_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const alive = () => child !== null && child.exitCode === null && child.signalCode === null;
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the first session', timeoutMs: 30_000 });

    const hostile = hostileMessages(fx);
    for (const message of hostile) await deliver(fx.mailUser, message.raw);
    await waitFor(async () => alive() && (await fx.decisions()).length >= hostile.length, {
      what: `a decision for each of the ${hostile.length} hostile messages (worker ${alive() ? 'running' : 'exited'}; output: ${output.slice(-2000)})`,
      timeoutMs: 30_000,
    });

    const started = Date.now();
    const genuine = await fx.deliverReply({ text: 'A genuine reply after the hostile ones.' });
    await waitFor(async () => alive() && (await fx.q.emails.getByMessageId(genuine)), {
      what: `the genuine reply logged (worker ${alive() ? 'running' : 'exited'}; output: ${output.slice(-2000)})`,
      timeoutMs: 15_000,
    });
    const latencyMs = Date.now() - started;
    console.log(`hostile messages: genuine reply logged ${latencyMs} ms after delivery`);

    expect(alive(), output).toBe(true);
    const decisions = await fx.decisions();
    // Exactly one decision per message (UID), the genuine reply's among them.
    expect(new Set(decisions.map((d) => d.uid)).size).toBe(decisions.length);
    expect(decisions).toHaveLength(hostile.length + 1);
    expect(decisions.at(-1)).toMatchObject({ reasonCode: 'logged', messageIdNorm: genuine });
    // The logged ones are stored without the NUL the database refuses.
    const timeline = await fx.q.timeline.forContact(fx.contact.email);
    for (const entry of timeline) {
      expect(JSON.stringify(entry)).not.toContain('\\u0000');
    }
    const inbox = await fx.q.inboxes.get(fx.inboxId);
    expect(inbox).toMatchObject({ status: 'connected', lastError: null });
    // "Usual time": Dovecot holds IDLE notifications ~0.5 s; the worker adds tens of milliseconds.
    expect(latencyMs).toBeLessThan(5_000);
  });
});
