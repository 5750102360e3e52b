// An IMAP server that sends more than the worker accepts for one message (a literal over the 76.4 MiB
// limit, or more bytes than the size it reported) costs that message its attachments, or at worst a
// `malformed` decision saying why, never the worker: the answer is refused at its first line, the
// inbox keeps syncing and the reply after it is logged. Dovecot does not misbehave by itself, so a
// proxy in front of it lies about RFC822.SIZE (every message "2000 bytes", so both are fetched whole
// in one FETCH) and, when told to, answers partial FETCHes with the whole part, as some servers do.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LITERAL_BYTES } from '@reply-sync/mail';
import { mailboxStatus, removeMailUser, stack, waitFor, writeMaildirMessages } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { bigReply } from './helpers/big-reply';
import { startMisbehavingImapProxy, type Misbehaviour, type MisbehavingProxy } from './helpers/misbehaving-imap-proxy';
import { spawnWorkerProcess, type WorkerProcess } from './helpers/worker-process';

let fx: Fixture;
let proxy: MisbehavingProxy | null = null;
let worker: WorkerProcess | null = null;
afterEach(async () => {
  await worker?.stop();
  await proxy?.close();
  await fx?.cleanup();
  if (fx) await removeMailUser(fx.mailUser).catch(() => undefined);
});

const MB = 1024 * 1024;

/** A big reply (as given) then a small one, behind a proxy that misbehaves as told. */
async function twoRepliesBehind(how: Misbehaviour, big: { attachmentBytes: number; textBytes?: number }): Promise<{ big: string; small: string }> {
  fx = await createFixture('limits');
  const start = await mailboxStatus(fx.mailUser);
  await fx.q.inboxes.saveCheckpoint(fx.db.db, fx.inboxId, { uidvalidity: start.uidvalidity, lastUid: start.uidnext - 1 });
  const bigId = `huge-${Date.now()}@client.test`;
  const raw = bigReply({ from: fx.contact.email, to: fx.mailUser.address, inReplyTo: fx.outbound.messageId, messageId: bigId, ...big });
  const small = await fx.reply({ text: 'The small one after it.' });
  await writeMaildirMessages(fx.mailUser, [raw, small.raw]);
  proxy = await startMisbehavingImapProxy({ host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort }, how);
  await fx.db.db.execute(sql`UPDATE inboxes SET imap_port = ${proxy.port}, imap_tls = 'none' WHERE id = ${fx.inboxId}`);
  await fx.enqueue();
  worker = spawnWorkerProcess(fx.queueName);
  return { big: bigId, small: small.messageId };
}

async function outcome(ids: { big: string; small: string }) {
  const decisions = await waitFor(async () => ((await fx.decisions()).length === 2 ? fx.decisions() : null), {
    what: 'a decision for both replies',
    timeoutMs: 30_000,
  });
  const email = await fx.q.emails.getByMessageId(ids.small);
  expect(email?.textBody).toContain('The small one after it.');
  const inbox = await fx.q.inboxes.get(fx.inboxId);
  const { peak } = await worker!.memory();
  return { decisions, inbox, peak };
}

const overLimit = new RegExp(`the server sent more for this message than the worker accepts \\(Literal size \\d+ exceeds maximum allowed size of ${MAX_LITERAL_BYTES} bytes\\)`);

describe('a server that sends more than the worker accepts for one message', () => {
  it('a whole message over the literal limit: logged without attachments, saying why', { timeout: 90_000 }, async () => {
    const ids = await twoRepliesBehind({ reportedSize: 2000, ignorePartial: true }, { attachmentBytes: 60 * MB });
    const { decisions, inbox, peak } = await outcome(ids);
    expect(decisions).toEqual([
      expect.objectContaining({ messageIdNorm: ids.big, reasonCode: 'logged_without_attachments', detail: expect.stringMatching(overLimit) }),
      expect.objectContaining({ messageIdNorm: ids.small, reasonCode: 'logged' }),
    ]);
    expect((await fx.q.emails.getByMessageId(ids.big))?.textBody).toContain('The file is attached.');
    expect(inbox?.status).toBe('connected');
    // The 86 MB answers were refused at their first line, never buffered.
    expect(peak, worker!.output()).toBeLessThan(400 * MB);
  });

  it('a text part over the literal limit: malformed, saying why', { timeout: 90_000 }, async () => {
    const ids = await twoRepliesBehind({ reportedSize: 2000, ignorePartial: true }, { attachmentBytes: 1024, textBytes: 80 * MB });
    const { decisions, inbox } = await outcome(ids);
    expect(decisions).toEqual([
      expect.objectContaining({ messageIdNorm: ids.big, reasonCode: 'malformed', detail: expect.stringMatching(overLimit) }),
      expect.objectContaining({ messageIdNorm: ids.small, reasonCode: 'logged' }),
    ]);
    expect(inbox?.status).toBe('connected');
  });

  it('more than twice the size it reported: logged without attachments, saying why', { timeout: 90_000 }, async () => {
    const ids = await twoRepliesBehind({ reportedSize: 2000, ignorePartial: false }, { attachmentBytes: 60 * MB });
    const { decisions, inbox } = await outcome(ids);
    expect(decisions).toEqual([
      expect.objectContaining({ messageIdNorm: ids.big, reasonCode: 'logged_without_attachments', detail: expect.stringMatching(/more than twice the size it reported/) }),
      expect.objectContaining({ messageIdNorm: ids.small, reasonCode: 'logged' }),
    ]);
    expect(inbox?.status).toBe('connected');
  });
});
