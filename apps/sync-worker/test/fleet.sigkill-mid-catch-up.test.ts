// A worker process killed with SIGKILL in the middle of a catch-up (some batches committed, the rest
// not) loses nothing and duplicates nothing: the next worker picks the stalled job up, re-reads from the
// checkpoint, and every message ends with exactly one decision and every reply with exactly one email.
import { afterEach, describe, expect, it } from 'vitest';
import { openImap, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

const TOTAL = 480;
const REPLY_EVERY = 4; // 120 replies to the logged thread, 360 unrelated messages

function unrelated(to: string, n: number): Buffer {
  return Buffer.from(
    [
      `From: "Digest" <news-${n % 7}@newsletter.test>`,
      `To: ${to}`,
      `Subject: Digest #${n}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <digest-${n}-${process.pid}-${Date.now()}@newsletter.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Nothing to log here.',
      '',
    ].join('\r\n'),
  );
}

async function decisionCount(fx: Fixture): Promise<number> {
  const rows = await fx.db.sql`SELECT count(*)::int AS n FROM decisions WHERE inbox_id = ${fx.inboxId}`;
  return rows[0]!.n as number;
}

describe('SIGKILL mid-catch-up', () => {
  it('the next worker finishes the catch-up: no reply lost, none duplicated', { timeout: 120_000 }, async () => {
    fx = await createFixture('sigkill');

    // The checkpoint first (as if the inbox had been connected before), then the mail after it.
    const imap = await openImap(fx.mailUser);
    const status = await imap.status('INBOX', { uidNext: true, uidValidity: true });
    if (!status || status.uidNext === undefined) throw new Error('STATUS INBOX failed');
    await fx.q.inboxes.saveCheckpoint(fx.db.db, fx.inboxId, {
      uidvalidity: Number(status.uidValidity),
      lastUid: status.uidNext - 1,
    });
    const firstUid = status.uidNext;
    const replyIds: string[] = [];
    try {
      for (let i = 0; i < TOTAL; i++) {
        if (i % REPLY_EVERY === REPLY_EVERY - 1) {
          const r = await fx.reply({ text: `Reply number ${i}.` });
          replyIds.push(r.messageId);
          await imap.append('INBOX', r.raw);
        } else {
          await imap.append('INBOX', unrelated(fx.mailUser.address, i));
        }
      }
    } finally {
      await imap.logout().catch(() => imap.close());
    }
    const lastUid = firstUid + TOTAL - 1;

    await fx.enqueue();
    const worker = spawnWorkerProcess(fx.queueName, { CATCH_UP_BATCH_SIZE: '2' });

    // Kill as soon as the catch-up is under way: some decisions committed, most not.
    await waitFor(async () => (await decisionCount(fx)) >= 20, { what: 'the catch-up under way', timeoutMs: 30_000, intervalMs: 10 });
    worker.child.kill('SIGKILL');
    await worker.exited;
    const atKill = await decisionCount(fx);
    expect(atKill, worker.output()).toBeGreaterThan(0);
    expect(atKill, 'the worker finished the catch-up before it was killed; the test needs more mail').toBeLessThan(TOTAL);
    const checkpointAtKill = (await fx.q.inboxes.get(fx.inboxId))!.lastUid!;
    expect(checkpointAtKill).toBeLessThan(lastUid);

    // Another worker picks the stalled job up (lockDuration 15 s + stalledInterval 5 s) and finishes.
    await fx.startWorker({ CATCH_UP_BATCH_SIZE: '50' });
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.lastUid === lastUid, {
      what: 'the second worker to finish the catch-up',
      timeoutMs: 60_000,
    });

    // Exactly one decision per UID, for every UID after the old checkpoint.
    const decisions = await fx.db.sql<{ uid: number; reason: string; norm: string | null }[]>`
      SELECT uid::int AS uid, reason_code AS reason, message_id_norm AS norm FROM decisions
      WHERE inbox_id = ${fx.inboxId} ORDER BY uid`;
    expect(decisions.map((d) => d.uid)).toEqual(Array.from({ length: TOTAL }, (_, i) => firstUid + i));
    // Every reply logged (not skipped as a duplicate of a half-done attempt), the rest not a reply.
    const logged = decisions.filter((d) => d.reason === 'logged');
    expect(logged.map((d) => d.norm).sort()).toEqual([...replyIds].sort());
    expect(decisions.filter((d) => d.reason === 'not_a_reply')).toHaveLength(TOTAL - replyIds.length);

    // Exactly one logged email per reply Message-ID, each on the contact's timeline once.
    const emails = await fx.db.sql<{ norm: string; n: number }[]>`
      SELECT message_id_norm AS norm, count(*)::int AS n FROM logged_emails
      WHERE account_id = ${fx.accountId} AND message_id_norm = ANY(${replyIds}) GROUP BY message_id_norm`;
    expect(emails).toHaveLength(replyIds.length);
    expect(emails.every((e) => e.n === 1)).toBe(true);
    const timeline = await fx.q.timeline.forContact(fx.contact.email);
    expect(timeline.filter((e) => replyIds.includes(e.messageIdNorm))).toHaveLength(replyIds.length);
  });
});
