// Redis Cluster failover (issue 10): two worker processes on the stack's Redis Cluster share N inboxes
// (the registry's shards on all three primaries); under a steady reply load, the primary holding one
// of the membership's copies (and a third of the shards) is SIGKILLed; its replica takes over and the
// stack starts it again as a replica. Measures the time until every inbox is held again (one session
// each on the server), the sessions lost and reconnected, replies lost / duplicated, and the reply
// latency while the cluster was failing over against the rest of the run.
import { readFile } from 'node:fs/promises';
import { fleetKeys } from '@reply-sync/queue';
import { imapSessionsByUser, redisCluster, stack, type CrashResult } from '@reply-sync/testkit';
import { committedReplies } from '../lib/bench-db';
import { sleep } from '../lib/concurrency';
import type { BenchContext, Scenario } from '../lib/context';
import { until, type WorkerProcess } from '../lib/processes';
import { seedInboxes, type SeededInbox } from '../lib/seed';
import { summarize } from '../lib/stats';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker } from '../lib/worker-run';
import { measureReplyLatency } from './latency';

/** Each inbox's server-side sessions (imap process ids), one `doveadm who`. */
async function sessionsOf(inboxes: readonly SeededInbox[]): Promise<number[][]> {
  const byUser = await imapSessionsByUser('standard');
  return inboxes.map((i) => byUser.get(i.mail.user) ?? []);
}

/**
 * Samples the sessions until stop(): most per inbox, inboxes seen without one, the longest gap, and
 * when the last break (a sample where some inbox had none or two) was mended: every inbox held again.
 */
function sampleSessions(inboxes: readonly SeededInbox[], intervalMs: number) {
  let stopped = false;
  let max = 0;
  let longestGapMs = 0;
  const lastSeen = inboxes.map(() => Date.now());
  const everWithout = new Set<number>();
  let brokenSince: number | null = null;
  let lastBreak: { at: number; mendedAt: number | null } | null = null;
  const loop = (async () => {
    while (!stopped) {
      const now = Date.now();
      const all = await sessionsOf(inboxes).catch(() => null);
      if (all) {
        all.forEach((pids, i) => {
          max = Math.max(max, pids.length);
          if (pids.length > 0) lastSeen[i] = now;
          else everWithout.add(i);
          longestGapMs = Math.max(longestGapMs, now - lastSeen[i]!);
        });
        const whole = all.every((p) => p.length === 1);
        if (!whole && brokenSince === null) lastBreak = { at: (brokenSince = now), mendedAt: null };
        if (whole && brokenSince !== null && lastBreak) (lastBreak.mendedAt = now), (brokenSince = null);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { max, longestGapMs, inboxesWithoutSession: everWithout.size, lastBreak: lastBreak as { at: number; mendedAt: number | null } | null };
    },
  };
}

export const clusterFailoverScenario: Scenario = {
  name: 'cluster-failover',
  title: 'two workers on the Redis Cluster, one primary crashed mid-load: every inbox held again, sessions lost, replies lost/duplicated, p99 during the failover',
  async run(ctx: BenchContext) {
    const n = ctx.options.quick ? 40 : 1_000;
    const load = ctx.options.quick ? { ratePerSec: 5, durationS: 30 } : { ratePerSec: 20, durationS: 45 };
    const killAfterMs = 8_000;
    const cluster = redisCluster();
    const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-cfail`, count: n });
    const queueName = benchQueueName(ctx, 'cfail');
    const queue = openQueue(queueName, stack.redisClusterUrl);
    const workers: WorkerProcess[] = [];
    try {
      const env = { REDIS_URL: stack.redisClusterUrl };
      workers.push(await startWorker(ctx, 'worker-cfail-a', queueName, n, env), await startWorker(ctx, 'worker-cfail-b', queueName, n, env));
      await addJobs(queue, seeded.accountId, seeded.inboxes);
      const connected = async () => (await Promise.all(workers.map((w) => w.connected()))).reduce((a, b) => a + b, 0);
      await until(`${n} inboxes connected on the two workers`, connected, (v) => v >= n, 60_000 + n * 100, 250);
      await sleep(3_000);
      const before = await sessionsOf(seeded.inboxes);
      const victim = await cluster.primaryOf(fleetKeys(queueName).membership[0]!.members);
      ctx.log(`cluster-failover: ${n} inboxes on two workers; delivering ${load.ratePerSec}/s for ${load.durationS} s, SIGKILL of primary ${victim.address} after ${killAfterMs / 1000} s`);

      const sampler = sampleSessions(seeded.inboxes, n > 200 ? 500 : 150);
      let killedAt: number | null = null;
      let crash: Promise<CrashResult> | null = null;
      const result = await measureReplyLatency(ctx, seeded.accountId, seeded.inboxes, load, 'cfail', (elapsed) => {
        if (killedAt === null && elapsed >= killAfterMs) {
          killedAt = Date.now();
          crash = cluster.killPrimary(fleetKeys(queueName).membership[0]!.members);
        }
      });
      const crashed = crash ? await (crash as Promise<CrashResult>) : null;
      // Until every inbox has exactly one session again (at once when none was ever lost).
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await sessionsOf(seeded.inboxes)).every((p) => p.length === 1)) await sleep(200);
      await sleep(1_000);
      const sessions = await sampler.stop();
      const after = await sessionsOf(seeded.inboxes);
      const reconnected = after.filter((pids, i) => pids[0] !== before[i]![0]).length;
      // Every inbox held again: 0 when no sample after the kill missed a session, else when the last break was mended.
      const broke = killedAt !== null && sessions.lastBreak !== null && sessions.lastBreak.at >= killedAt ? sessions.lastBreak : null;
      const heldAgainS = killedAt === null ? Number.NaN : broke === null ? 0 : broke.mendedAt === null ? Number.NaN : (broke.mendedAt - killedAt) / 1000;

      // Latency of the replies delivered while the cluster was failing over (kill → promoted) against the rest.
      const rows = await committedReplies(ctx.db.sql, seeded.accountId);
      const promotedAt = killedAt !== null && crashed ? killedAt + crashed.promotedMs : Number.NaN;
      const during: number[] = [];
      const outside: number[] = [];
      for (const r of rows) {
        const start = result.starts.get(r.messageIdNorm);
        if (start === undefined) continue;
        (killedAt !== null && start >= killedAt && start <= promotedAt ? during : outside).push(r.committedAtMs - start);
      }
      const duringFailover = summarize(during);
      const rest = summarize(outside);

      const [dups] = await ctx.db.sql<{ extra: number }[]>`
        SELECT coalesce(sum(c - 1), 0)::int AS extra FROM (
          SELECT count(*) AS c FROM logged_emails WHERE account_id = ${seeded.accountId} AND source = 'reply_sync'
          GROUP BY message_id_norm HAVING count(*) > 1) d`;
      const fenced = await Promise.all(workers.map(async (w) => ((await readFile(w.logFile, 'utf8')).match(/"event":"fenced"/g) ?? []).length));

      ctx.row({ scenario: 'cluster-failover', figure: `N=${n}: primary crash → every inbox held again`, value: heldAgainS, unit: 's', goal: '≤ 10 s (no inbox 10 s without a session)', met: heldAgainS <= 10 });
      ctx.row({ scenario: 'cluster-failover', figure: 'inboxes whose session was lost (reconnected)', value: reconnected, unit: `of ${n}`, goal: '0', met: reconnected === 0 });
      ctx.row({ scenario: 'cluster-failover', figure: 'most sessions per inbox (sampled)', value: sessions.max, unit: '', goal: '≤ 2', met: sessions.max <= 2 });
      ctx.row({ scenario: 'cluster-failover', figure: 'replies lost', value: result.missing, unit: `of ${result.delivered}`, goal: '0', met: result.missing === 0 });
      ctx.row({ scenario: 'cluster-failover', figure: 'replies duplicated on the timeline', value: dups!.extra, unit: '', goal: '0', met: dups!.extra === 0 });
      ctx.row({ scenario: 'cluster-failover', figure: `p99 delivery→commit during the failover (${duringFailover.count} replies)`, value: duringFailover.p99, unit: 'ms', floor: rest.p99, compare: 'the rest of the run in the floor column' });
      const { starts: _starts, ...latency } = result;
      return {
        n,
        load,
        killAfterMs,
        crash: crashed,
        heldAgainS,
        reconnected,
        sessions,
        fenced,
        lost: result.missing,
        duplicatedRows: dups!.extra,
        latency,
        duringFailover,
        outsideFailover: rest,
        note: '"held again" = kill → the first doveadm who sample with one session per inbox after the last sample without (0 when no sample after the kill missed one); "during the failover" = replies whose delivery started between the kill and the replica serving the slot; fenced = "fenced" log events per worker',
      };
    } finally {
      for (const w of workers) await w.stop();
      await destroyQueue(queue);
      await cluster.close();
      await seeded.removeMailUsers();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
    }
  },
};
