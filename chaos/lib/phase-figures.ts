// What a chaos run reports per phase: replies delivered in it, logged, lost, duplicated; how long until
// every inbox was held again; sessions per inbox; reply latency. Read from the run's database (commit
// times from bench-db's trigger) and the session samples.
import type postgres from 'postgres';
import { committedReplies } from '../../bench/lib/bench-db';
import { summarize, type LatencySummary } from '../../bench/lib/stats';
import type { FloodDelivery } from './reply-flood';
import { sessionFigures, type SessionFigures, type SessionSample } from './session-sampler';

export interface Phase {
  name: string;
  what: string;
  startMs: number;
  /** When the fault was over (the server back); the start for the baseline. */
  liftedMs: number;
  /** First sample after liftedMs with every inbox held again; null: not within the wait. */
  heldAgainMs: number | null;
  endMs: number;
}

export interface PhaseFigures extends SessionFigures {
  name: string;
  what: string;
  delivered: number;
  deliveryErrors: number;
  logged: number;
  lost: number;
  duplicated: number;
  /** fault start → every inbox held again, seconds (NaN: never within the wait). */
  heldAgainS: number;
  latency: LatencySummary;
  /** LMTP delivery start → done: how much of the latency the delivery itself took. */
  delivery: LatencySummary;
  lostMessageIds: string[];
}

/** One reply of the flood as results.json keeps it, so a latency tail can be explained afterwards. */
export interface ReplySample extends FloodDelivery {
  /** Delivery start → commit; null when it was never logged. */
  latencyMs: number | null;
}

export interface Duplicates {
  /** Message-ID (normalised) → extra logged_emails rows or extra `logged` decisions. */
  extra: Map<string, number>;
  /** Re-reads the unique Message-ID index turned into no-ops (decisions `duplicate`): not timeline duplicates. */
  duplicateDecisions: number;
}

export async function findDuplicates(sql: postgres.Sql, accountId: string): Promise<Duplicates> {
  const rows = await sql<{ norm: string; extra: number }[]>`
    SELECT norm, sum(extra)::int AS extra FROM (
      SELECT message_id_norm AS norm, count(*) - 1 AS extra FROM logged_emails
        WHERE account_id = ${accountId} AND source = 'reply_sync' GROUP BY 1 HAVING count(*) > 1
      UNION ALL
      SELECT message_id_norm, count(*) - 1 FROM decisions
        WHERE account_id = ${accountId} AND decision = 'logged' GROUP BY 1 HAVING count(*) > 1
    ) d GROUP BY norm`;
  const [counted] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM decisions WHERE account_id = ${accountId} AND reason_code = 'duplicate'`;
  return { extra: new Map(rows.map((r) => [r.norm, r.extra])), duplicateDecisions: counted?.n ?? 0 };
}

/** Message-IDs of the run's successful deliveries that have no committed timeline row yet. */
export async function unlogged(sql: postgres.Sql, accountId: string, deliveries: readonly FloodDelivery[]): Promise<string[]> {
  const logged = new Set((await committedReplies(sql, accountId)).map((r) => r.messageIdNorm));
  return deliveries.filter((d) => !d.error && !logged.has(d.key)).map((d) => d.key);
}

export async function phaseFigures(
  sql: postgres.Sql,
  accountId: string,
  phases: readonly Phase[],
  deliveries: readonly FloodDelivery[],
  samples: readonly SessionSample[],
): Promise<{ phases: PhaseFigures[]; total: PhaseFigures; duplicateDecisions: number; replies: ReplySample[] }> {
  const committed = new Map((await committedReplies(sql, accountId)).map((r) => [r.messageIdNorm, r.committedAtMs]));
  const duplicates = await findDuplicates(sql, accountId);
  const figuresOf = (phase: Phase, mine: readonly FloodDelivery[]): PhaseFigures => {
    const ok = mine.filter((d) => !d.error);
    const latencies: number[] = [];
    const lost: string[] = [];
    let duplicated = 0;
    for (const d of ok) {
      const at = committed.get(d.key);
      if (at === undefined) lost.push(d.key);
      else latencies.push(at - d.startMs);
      duplicated += duplicates.extra.get(d.key) ?? 0;
    }
    return {
      name: phase.name,
      what: phase.what,
      delivered: ok.length,
      deliveryErrors: mine.length - ok.length,
      logged: latencies.length,
      lost: lost.length,
      duplicated,
      heldAgainS: phase.heldAgainMs === null ? Number.NaN : (phase.heldAgainMs - phase.startMs) / 1000,
      latency: summarize(latencies),
      delivery: summarize(ok.map((d) => d.doneMs - d.startMs)),
      lostMessageIds: lost,
      ...sessionFigures(samples, phase.startMs, phase.endMs),
    };
  };
  const whole: Phase = {
    name: 'total',
    what: 'the whole run',
    startMs: phases[0]?.startMs ?? 0,
    liftedMs: phases[0]?.startMs ?? 0,
    heldAgainMs: null,
    endMs: phases[phases.length - 1]?.endMs ?? 0,
  };
  const total = figuresOf(whole, deliveries);
  // A duplicate of a Message-ID the flood never sent (should not exist) still counts.
  const flooded = new Set(deliveries.map((d) => d.key));
  for (const [norm, extra] of duplicates.extra) if (!flooded.has(norm)) total.duplicated += extra;
  return {
    phases: phases.map((phase) => figuresOf(phase, deliveries.filter((d) => d.phase === phase.name))),
    total,
    duplicateDecisions: duplicates.duplicateDecisions,
    replies: deliveries.map((d) => {
      const at = committed.get(d.key);
      return { ...d, latencyMs: at === undefined ? null : at - d.startMs };
    }),
  };
}
