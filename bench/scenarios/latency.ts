// 2. Reply latency at scale: N inboxes on ONE worker process; replies to logged threads delivered by
// LMTP to random inboxes at a steady rate; latency delivery start → timeline row committed.
import { sleep } from '../lib/concurrency';
import { waitForQuietMachine } from '../lib/quiesce';
import { committedReplies } from '../lib/bench-db';
import { ms, overhead, ratio, type BenchContext, type Scenario } from '../lib/context';
import { deliverAtRate, randomPicks, type PreparedMessage } from '../lib/delivery';
import { replyLoad, warmUpLoad } from '../lib/load';
import { composeReply, seedInboxes } from '../lib/seed';
import { summarize, type LatencySummary } from '../lib/stats';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker, waitConnected } from '../lib/worker-run';
import { measureFloor } from './floor';

/** One reply's timings (ms), kept in results.json so a tail can be traced to its moment and inbox. */
export interface LatencySample {
  /** Delivery start, from the first delivery of the run. */
  atMs: number;
  /** LMTP delivery time (start → LMTP answered). */
  deliverMs: number;
  /** Index of the receiving inbox in the scenario's list. */
  inbox: number;
  toCommitMs: number;
  toTxStartMs: number;
}

export interface ReplyLatencyResult {
  /** delivery start → commit (clock_timestamp() at COMMIT). */
  toCommit: LatencySummary;
  /** delivery start → logged_emails.created_at (transaction start; for comparison). */
  toTxStart: LatencySummary;
  delivered: number;
  missing: number;
  deliveryErrors: number;
  /** Every reply committed, in delivery order. */
  samples: LatencySample[];
}

/** Delivers replies at the scenario's rate and waits for their rows; returns the latency figures. */
export async function measureReplyLatency(
  ctx: BenchContext,
  accountId: string,
  inboxes: Parameters<typeof composeReply>[0][],
  load: { ratePerSec: number; durationS: number; /** Picks the receiving inboxes (default: from N). */ seed?: number },
  tag: string,
  during?: (elapsedMs: number) => void,
): Promise<ReplyLatencyResult & { starts: Map<string, number> }> {
  const picks = randomPicks(inboxes.length, load.ratePerSec * load.durationS, load.seed ?? inboxes.length + 7);
  const messages: PreparedMessage[] = [];
  const inboxOf = new Map<string, number>();
  for (const pick of picks) {
    const inbox = inboxes[pick]!;
    const reply = await composeReply(inbox, tag);
    messages.push({ to: inbox.mail, raw: reply.raw, key: reply.messageIdNorm });
    inboxOf.set(reply.messageIdNorm, pick);
  }
  const t0 = Date.now();
  const ticker = during ? setInterval(() => during(Date.now() - t0), 100) : undefined;
  const delivered = await deliverAtRate(messages, load.ratePerSec).finally(() => ticker && clearInterval(ticker));
  const ok = delivered.filter((d) => !d.error);
  const starts = new Map(ok.map((d) => [d.key, d.startMs]));
  const deliveries = new Map(ok.map((d) => [d.key, d]));
  const deadline = Date.now() + 60_000;
  let rows = await committedReplies(ctx.db.sql, accountId);
  while (Date.now() < deadline) {
    const seen = new Set(rows.map((r) => r.messageIdNorm));
    if ([...starts.keys()].every((k) => seen.has(k))) break;
    await sleep(250);
    rows = await committedReplies(ctx.db.sql, accountId);
  }
  const toCommit: number[] = [];
  const toTxStart: number[] = [];
  const samples: LatencySample[] = [];
  for (const r of rows) {
    const d = deliveries.get(r.messageIdNorm);
    if (d === undefined) continue;
    toCommit.push(r.committedAtMs - d.startMs);
    toTxStart.push(r.createdAtMs - d.startMs);
    const round = (v: number) => Math.round(v * 10) / 10;
    samples.push({
      atMs: d.startMs - t0,
      deliverMs: d.doneMs - d.startMs,
      inbox: inboxOf.get(r.messageIdNorm)!,
      toCommitMs: round(r.committedAtMs - d.startMs),
      toTxStartMs: round(r.createdAtMs - d.startMs),
    });
  }
  samples.sort((a, b) => a.atMs - b.atMs);
  return {
    toCommit: summarize(toCommit),
    toTxStart: summarize(toTxStart),
    delivered: ok.length,
    missing: ok.length - toCommit.length,
    deliveryErrors: delivered.length - ok.length,
    samples,
    starts,
  };
}

async function latencyAt(ctx: BenchContext, n: number): Promise<Record<string, unknown>> {
  const load = replyLoad(ctx.options);
  if (!ctx.floors.has(n)) {
    const measured = await measureFloor(ctx, n);
    ctx.floors.set(n, measured.latency);
    ctx.floorWarmUps.set(n, measured.warmUp);
  }
  const floor = ctx.floors.get(n)!;

  const prefix = `${ctx.runId}-lat${n}`;
  ctx.log(`latency N=${n}: seeding ${n} inboxes`);
  const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix, count: n });
  const queueName = benchQueueName(ctx, `lat${n}`);
  const queue = openQueue(queueName);
  const worker = await startWorker(ctx, `worker-lat-${n}`, queueName, n);
  try {
    const connectStart = Date.now();
    await addJobs(queue, seeded.accountId, seeded.inboxes);
    await waitConnected(worker, n, 60_000 + n * 100);
    const connectMs = Date.now() - connectStart;
    ctx.log(`latency N=${n}: ${n} inboxes connected in ${connectMs} ms; delivering ${load.ratePerSec}/s for ${load.durationS} s`);
    // The sessions' first catch-up, IDLE and status writes (and Dovecot's share of them) go on for
    // seconds after the last one counts as connected: measure the steady state, not their tail.
    const settle = await waitForQuietMachine();
    ctx.log(`latency N=${n}: machine ${settle.settled ? 'settled' : 'did not settle'} after ${settle.waitedMs} ms (busy ${Math.round(settle.lastBusy * 100)} %)`);
    // The first replies after the start, apart (the floor warms up the same way): what they cost is in
    // this row and in results.json, the goal's figures are the steady state after them.
    const warm = warmUpLoad(ctx.options);
    const warmUp = await measureReplyLatency(ctx, seeded.accountId, seeded.inboxes, { ...warm, seed: n + 11 }, `lat${n}-warm`);
    await waitForQuietMachine();
    const result = await measureReplyLatency(ctx, seeded.accountId, seeded.inboxes, load, `lat${n}`);
    const metrics = await worker.metrics();
    const existsCount = metrics.value('reply_sync_exists_to_commit_seconds_count');
    const existsMeanMs = existsCount > 0 ? (metrics.value('reply_sync_exists_to_commit_seconds_sum') / existsCount) * 1000 : Number.NaN;

    const t = result.toCommit;
    ctx.row({ scenario: 'latency', figure: `N=${n} delivery→commit p50`, value: t.p50, unit: 'ms', floor: floor.p50, compare: `${overhead(t.p50, floor.p50)} / ${ratio(t.p50, floor.p50)}`, ...(n >= 2000 ? { goal: '≤ floor +50 ms', met: t.p50 - floor.p50 <= 50 } : { goal: '(goal at 2,000) ≤ floor +50 ms', met: t.p50 - floor.p50 <= 50 }) });
    ctx.row({ scenario: 'latency', figure: `N=${n} delivery→commit p95`, value: t.p95, unit: 'ms', floor: floor.p95, compare: `${overhead(t.p95, floor.p95)} / ${ratio(t.p95, floor.p95)}` });
    ctx.row({ scenario: 'latency', figure: `N=${n} delivery→commit p99`, value: t.p99, unit: 'ms', floor: floor.p99, compare: `${overhead(t.p99, floor.p99)} / ${ratio(t.p99, floor.p99)}`, goal: n >= 2000 ? '≤ floor +150 ms' : '(goal at 2,000) ≤ floor +150 ms', met: t.p99 - floor.p99 <= 150 });
    ctx.row({ scenario: 'latency', figure: `N=${n} delivery→commit max`, value: t.max, unit: 'ms', floor: floor.max, compare: `${overhead(t.max, floor.max)} / ${ratio(t.max, floor.max)}` });
    ctx.row({ scenario: 'latency', figure: `N=${n} replies missing`, value: result.missing, unit: `of ${result.delivered}`, goal: '0', met: result.missing === 0 });
    const warmFloor = ctx.floorWarmUps.get(n);
    ctx.row({ scenario: 'latency', figure: `N=${n} warm-up (the first ${warmUp.toCommit.count} replies, not above) p99`, value: warmUp.toCommit.p99, unit: 'ms', ...(warmFloor ? { floor: warmFloor.p99, compare: overhead(warmUp.toCommit.p99, warmFloor.p99) } : {}) });
    ctx.row({ scenario: 'latency', figure: `N=${n} warm-up replies missing`, value: warmUp.missing, unit: `of ${warmUp.delivered}`, goal: '0', met: warmUp.missing === 0 });
    const { starts: _starts, ...details } = result;
    const { starts: _warmStarts, ...warmUpDetails } = warmUp;
    return { n, connectMs, settle, floor, warmUp: warmUpDetails, ...details, workerExistsToCommitMeanMs: ms(existsMeanMs), workerLog: worker.logFile };
  } finally {
    await worker.stop();
    await destroyQueue(queue);
    await seeded.removeMailUsers();
    await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
  }
}

export const latencyScenario: Scenario = {
  name: 'latency',
  title: 'reply latency at scale on ONE worker process, against the floor',
  async run(ctx) {
    const results = [];
    for (const n of ctx.options.sizes) results.push(await latencyAt(ctx, n));
    return { results, note: 'latency = clock_timestamp() at COMMIT (deferred trigger in the bench database) − LMTP delivery start; toTxStart uses logged_emails.created_at (transaction start) instead' };
  },
};
