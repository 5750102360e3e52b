// 7. Failover: two worker processes share N inboxes; one is SIGKILLed while replies keep arriving.
// Measures the time until the survivor holds every inbox, and replies lost / duplicated (0 / 0).
import { sleep } from '../lib/concurrency';
import type { BenchContext, Scenario } from '../lib/context';
import type { WorkerProcess } from '../lib/processes';
import { seedInboxes } from '../lib/seed';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker, waitConnected } from '../lib/worker-run';
import { measureReplyLatency } from './latency';

export const failoverScenario: Scenario = {
  name: 'failover',
  title: 'two workers, one SIGKILLed: time until every inbox is held again, replies lost/duplicated',
  async run(ctx: BenchContext) {
    const n = ctx.options.quick ? 40 : 1_000;
    const load = ctx.options.quick ? { ratePerSec: 4, durationS: 40 } : { ratePerSec: 20, durationS: 45 };
    const killAfterMs = 5_000;
    const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-fail`, count: n });
    const queueName = benchQueueName(ctx, 'fail');
    const queue = openQueue(queueName);
    const workers: WorkerProcess[] = [];
    try {
      // Half the inboxes each: A (concurrency N/2, so it cannot take more) fills up first, then B
      // (concurrency N, so it can hold every inbox once A is gone) takes the rest.
      const half = Math.floor(n / 2);
      const a = await startWorker(ctx, 'worker-fail-a', queueName, half);
      workers.push(a);
      await addJobs(queue, seeded.accountId, seeded.inboxes.slice(0, half));
      await waitConnected(a, half, 60_000 + n * 100);
      const b = await startWorker(ctx, 'worker-fail-b', queueName, n);
      workers.push(b);
      await addJobs(queue, seeded.accountId, seeded.inboxes.slice(half));
      await waitConnected(b, n - half, 60_000 + n * 100);
      await sleep(2_000);
      ctx.log(`failover: A holds ${await a.connected()}, B holds ${await b.connected()}; delivering ${load.ratePerSec}/s for ${load.durationS} s, SIGKILL A after ${killAfterMs / 1000} s`);

      let killedAt: number | null = null;
      let heldAgainAt: number | null = null;
      let polling = false;
      const result = await measureReplyLatency(ctx, seeded.accountId, seeded.inboxes, load, 'fail', (elapsed) => {
        if (killedAt === null && elapsed >= killAfterMs) {
          a.kill();
          killedAt = Date.now();
        }
        if (killedAt !== null && heldAgainAt === null && !polling) {
          polling = true;
          void b
            .connected()
            .then((held) => {
              if (held >= n && heldAgainAt === null) heldAgainAt = Date.now();
            })
            .catch(() => undefined)
            .finally(() => (polling = false));
        }
      });
      if (killedAt !== null && heldAgainAt === null) {
        const deadline = Date.now() + 60_000;
        while (heldAgainAt === null && Date.now() < deadline) {
          if ((await b.connected().catch(() => 0)) >= n) heldAgainAt = Date.now();
          else await sleep(200);
        }
      }
      const failoverS = killedAt !== null && heldAgainAt !== null ? (heldAgainAt - killedAt) / 1000 : Number.NaN;
      const [dups] = await ctx.db.sql<{ extra: number; duplicateDecisions: number }[]>`
        SELECT
          (SELECT coalesce(sum(c - 1), 0)::int FROM (
             SELECT count(*) AS c FROM logged_emails WHERE account_id = ${seeded.accountId} AND source = 'reply_sync'
             GROUP BY message_id_norm HAVING count(*) > 1) d) AS extra,
          (SELECT count(*)::int FROM decisions WHERE account_id = ${seeded.accountId} AND reason_code = 'duplicate') AS "duplicateDecisions"`;
      ctx.row({ scenario: 'failover', figure: `N=${n}: SIGKILL → every inbox held again`, value: failoverS, unit: 's', goal: '≤ 30 s', met: failoverS <= 30 });
      ctx.row({ scenario: 'failover', figure: 'replies lost', value: result.missing, unit: `of ${result.delivered}`, goal: '0', met: result.missing === 0 });
      ctx.row({ scenario: 'failover', figure: 'replies duplicated on the timeline', value: dups!.extra, unit: '', goal: '0', met: dups!.extra === 0 });
      const { starts: _starts, ...latency } = result;
      return {
        n,
        load,
        killAfterMs,
        failoverS,
        heldByA: half,
        lost: result.missing,
        duplicatedRows: dups!.extra,
        duplicateDecisions: dups!.duplicateDecisions,
        latency,
        note: '"held again" = the survivor\'s reply_sync_inboxes_connected gauge reaches N; duplicateDecisions counts re-reads the unique Message-ID index turned into no-ops (not timeline duplicates)',
      };
    } finally {
      for (const w of workers) await w.stop();
      await destroyQueue(queue);
      await seeded.removeMailUsers();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
    }
  },
};
