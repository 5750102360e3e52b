// 5. Logging throughput: replies with a small attachment, already in the mailboxes (checkpoint before
// them), committed per second by one worker process.
import { randomBytes } from 'node:crypto';
import { committedReplies } from '../lib/bench-db';
import { mapLimit, sleep } from '../lib/concurrency';
import type { Scenario } from '../lib/context';
import { writeMaildirMessages } from '@reply-sync/testkit';
import { composeReply, seedInboxes } from '../lib/seed';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker } from '../lib/worker-run';

export const throughputScenario: Scenario = {
  name: 'throughput',
  title: 'replies with a small attachment logged per second by one worker',
  async run(ctx) {
    const inboxCount = ctx.options.quick ? 4 : 10;
    const perInbox = ctx.options.quick ? 50 : 1_000;
    const total = inboxCount * perInbox;
    const attachment = randomBytes(2_048);
    const seeded = await seedInboxes({
      sql: ctx.db.sql,
      keys: ctx.keys,
      prefix: `${ctx.runId}-tput`,
      count: inboxCount,
      connectedSince: new Date(Date.now() - 3_600_000),
    });
    const queueName = benchQueueName(ctx, 'tput');
    const queue = openQueue(queueName);
    try {
      ctx.log(`throughput: writing ${perInbox} replies with a 2 KiB attachment into each of ${inboxCount} inboxes`);
      await mapLimit(seeded.inboxes, 2, async (inbox) => {
        const raws: Buffer[] = [];
        for (let i = 0; i < perInbox; i += 1) raws.push((await composeReply(inbox, `tp${inbox.index}-${i}`, { attachment })).raw);
        const status = await writeMaildirMessages(inbox.mail, raws);
        await ctx.db.sql`UPDATE inboxes SET uidvalidity = ${status.uidvalidity}, last_uid = 0 WHERE id = ${inbox.inboxId}`;
      });
      const worker = await startWorker(ctx, 'worker-tput', queueName, inboxCount);
      try {
        const jobAt = Date.now();
        await addJobs(queue, seeded.accountId, seeded.inboxes);
        const deadline = Date.now() + (ctx.options.quick ? 120_000 : 600_000);
        let rows = await committedReplies(ctx.db.sql, seeded.accountId);
        while (rows.length < total && Date.now() < deadline) {
          await sleep(250);
          rows = await committedReplies(ctx.db.sql, seeded.accountId);
        }
        const times = rows.map((r) => r.committedAtMs).sort((a, b) => a - b);
        const first = times[0] ?? Number.NaN;
        const last = times[times.length - 1] ?? Number.NaN;
        const overall = rows.length / ((last - jobAt) / 1000);
        const steady = rows.length > 1 ? (rows.length - 1) / ((last - first) / 1000) : Number.NaN;
        const attachmentsRows = await ctx.db.sql<{ n: number }[]>`
          SELECT count(*)::int AS n FROM attachments WHERE account_id = ${seeded.accountId}`;
        ctx.row({ scenario: 'throughput', figure: `${total} replies: logged per second (job added → last commit)`, value: overall, unit: 'replies/s', goal: '≥ 500/s', met: overall >= 500 });
        ctx.row({ scenario: 'throughput', figure: 'logged per second (first → last commit)', value: steady, unit: 'replies/s' });
        ctx.row({ scenario: 'throughput', figure: 'replies logged', value: rows.length, unit: `of ${total}`, goal: `${total}`, met: rows.length === total });
        return {
          inboxes: inboxCount,
          perInbox,
          total,
          logged: rows.length,
          attachmentsStored: attachmentsRows[0]?.n ?? 0,
          firstCommitAfterJobMs: first - jobAt,
          lastCommitAfterJobMs: last - jobAt,
          perSecondOverall: overall,
          perSecondSteady: steady,
          workerLog: worker.logFile,
        };
      } finally {
        await worker.stop();
      }
    } finally {
      await destroyQueue(queue);
      await seeded.removeMailUsers();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
    }
  },
};
