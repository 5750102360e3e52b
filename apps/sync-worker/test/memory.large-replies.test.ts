// Ten large replies in one inbox do not blow up a worker's memory: they are fetched, parsed and stored
// one at a time, each gets its decision, and a small reply after them is logged as usual. The worker
// runs as its own process, so its peak RSS (VmHWM) is its own.
//
// Five replies are 60 MB messages with a 44 MB attachment (as much as 60 MB of base64 carries; under
// the 50 MB rule, so logged with it), five are 82 MB messages with a 60 MB attachment (logged without
// it; bigger than the IMAP literal limit too, which never matters because they are not fetched whole).
// Measured on 2 shared cores: this code peaks at 0.60–0.68 GB (an idle worker is ~0.24 GB; the rest is
// one 44 MB attachment parsed and sent to PostgreSQL); the code before it at 1.5 GB for this mix (1.9 GB
// with ten of the 60 MB ones), as it fetched a batch's replies and wrote them side by side.
import { afterEach, describe, expect, it } from 'vitest';
import { mailboxStatus, removeMailUser, waitFor, writeMaildirMessages } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { bigReply, bigReplyAttachmentLine } from './helpers/big-reply';
import { spawnWorkerProcess, type WorkerProcess } from './helpers/worker-process';

let fx: Fixture;
let worker: WorkerProcess | null = null;
afterEach(async () => {
  await worker?.stop();
  await fx?.cleanup();
  if (fx) {
    await fx.db.sql`DELETE FROM attachments WHERE account_id = ${fx.accountId}`; // ~220 MB
    await removeMailUser(fx.mailUser).catch(() => undefined); // ~710 MB of Maildir
  }
});

const MB = 1024 * 1024;
/** Established by measurement (see the top of the file), with room for a loaded machine. */
const PEAK_RSS_BOUND = 1000 * MB;

describe('ten large replies in one inbox', () => {
  it('are each logged, one at a time, and the worker stays within its memory bound', { timeout: 120_000 }, async () => {
    fx = await createFixture('large');
    const start = await mailboxStatus(fx.mailUser);
    await fx.q.inboxes.saveCheckpoint(fx.db.db, fx.inboxId, { uidvalidity: start.uidvalidity, lastUid: start.uidnext - 1 });
    const expected: { messageIdNorm: string; reasonCode: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const withAttachment = i % 2 === 0;
      const messageId = `large-${i}-${Date.now()}@client.test`;
      expected.push({ messageIdNorm: messageId, reasonCode: withAttachment ? 'logged' : 'logged_without_attachments' });
      const raw = bigReply({
        from: fx.contact.email,
        to: fx.mailUser.address,
        inReplyTo: fx.outbound.messageId,
        messageId,
        attachmentBytes: (withAttachment ? 44 : 60) * MB,
        text: `Large reply number ${i}.`,
      });
      await writeMaildirMessages(fx.mailUser, [raw]);
    }

    await fx.enqueue();
    worker = spawnWorkerProcess(fx.queueName);
    const decided = await waitFor(
      async () => {
        const rows = await fx.decisions();
        return rows.length >= 10 ? rows : null;
      },
      { what: 'a decision for each large reply', timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(decided.map((d) => ({ messageIdNorm: d.messageIdNorm, reasonCode: d.reasonCode }))).toEqual(expected);
    // Stored whole and decoded: the bytes, not their base64, with the size the MIME part had.
    const stored = await fx.db.sql<{ bytes: number; head: Buffer }[]>`
      SELECT octet_length(content)::int AS bytes, substring(content FROM 1 FOR 57) AS head FROM attachments WHERE account_id = ${fx.accountId}`;
    const decodedLine = Buffer.from(bigReplyAttachmentLine.trim(), 'base64');
    expect(stored.map((a) => a.bytes)).toEqual(Array(5).fill(Math.ceil((44 * MB) / 57) * 57));
    expect(stored.every((a) => a.head.equals(decodedLine))).toBe(true);

    // The inbox keeps syncing as usual afterwards.
    const small = await fx.deliverReply({ text: 'And a short one.' });
    const email = await waitFor(async () => fx.q.emails.getByMessageId(small), { what: 'the small reply logged' });
    expect(email.textBody).toContain('And a short one.');

    const { peak } = await worker.memory();
    console.log(`worker peak RSS (VmHWM) with ten large replies: ${Math.round(peak / MB)} MB`);
    expect(peak, worker.output()).toBeLessThan(PEAK_RSS_BOUND);
  });
});
