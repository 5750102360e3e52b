// reply-sync chaos suite (issue 10): `tsx chaos/run.ts [--quick]`. A real scheduler and three real
// workers on a fleet of their own (with a Redis and a PostgreSQL of the suite's own) hold ~300 inboxes
// (quick: 40) while a steady reply flood runs; faults are played one after another with a recovery
// phase after each. Prints one table, writes
// chaos/results.json, and exits 1 if any reply was lost or logged twice (a correctness suite).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack, startPrivatePostgres } from '@reply-sync/testkit';
import { createBenchDb } from '../bench/lib/bench-db';
import { sleep } from '../bench/lib/concurrency';
import { describeMachine } from '../bench/lib/machine';
import { seedInboxes } from '../bench/lib/seed';
import { startChaosFleet } from './lib/chaos-fleet';
import { GOALS, renderChaosTable } from './lib/chaos-table';
import { FAULTS } from './lib/faults';
import { logComplaintsByPhase } from './lib/log-errors';
import { phaseFigures, unlogged, type Phase } from './lib/phase-figures';
import { startReplyFlood, type ReplyFlood } from './lib/reply-flood';
import { startSessionSampler } from './lib/session-sampler';

interface ChaosOptions {
  quick: boolean;
  inboxes: number;
  workers: number;
  /** Replies per second for the whole run. */
  ratePerSec: number;
  /** Steady time after the fleet recovered from a fault (and the baseline before the first). */
  recoveryS: number;
  /** How long the fleet may take to hold every inbox again after a fault. */
  heldAgainTimeoutS: number;
  /** After the flood stops: how long the last replies may take to be logged. */
  settleS: number;
}

function parseArgs(argv: string[]): ChaosOptions {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    console.error(`Unknown option(s): ${unknown.join(' ')}. Usage: npm run chaos [-- --quick]`);
    process.exit(2);
  }
  return argv.includes('--quick')
    ? { quick: true, inboxes: 40, workers: 3, ratePerSec: 4, recoveryS: 10, heldAgainTimeoutS: 120, settleS: 90 }
    : { quick: false, inboxes: 300, workers: 3, ratePerSec: 6, recoveryS: 45, heldAgainTimeoutS: 180, settleS: 120 };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const runId = Date.now().toString(36);
  const logDir = await mkdtemp(join(tmpdir(), `reply-sync-chaos-${runId}-`));
  const log = (message: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}`);
  log(`run ${runId}${options.quick ? ' (quick)' : ''}: ${options.inboxes} inboxes, ${options.workers} workers, ${options.ratePerSec} replies/s; child logs in ${logDir}`);

  const machine = await describeMachine(stack.databaseUrl);
  const pg = await startPrivatePostgres();
  const db = await createBenchDb(pg.url, `chaos_${runId}`);
  const fleet = await startChaosFleet({ name: `chaos-${runId}`, databaseUrl: db.url, postgres: pg, logDir, workers: options.workers }).catch(async (error: unknown) => {
    await db.drop();
    await pg.close();
    throw error;
  });
  log(`fleet ${fleet.name}: scheduler + ${options.workers} workers; Redis ${fleet.redis.port} and PostgreSQL ${pg.port} (own), IMAP via proxy ${fleet.imapProxy.port}`);
  const seeded = await seedInboxes({
    sql: db.sql,
    keys: parseEncryptionKeys(stack.encryptionKeys),
    prefix: `chaos-${runId}`,
    count: options.inboxes,
    imapPort: fleet.imapProxy.port,
    threadsPerInbox: 3,
  });
  const n = seeded.inboxes.length;
  const sampler = startSessionSampler(fleet, seeded.inboxes.map((i) => i.mail.user));
  const allHeld = (s: { held: number; workerSessions: number; frozen: number }) => s.held === n && s.workerSessions >= n && s.frozen === 0;
  const phases: Phase[] = [];
  let current = 'connect';
  let running: ReplyFlood | undefined;
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: ending after this phase and cleaning up (Ctrl-C again to quit at once)');
  });

  try {
    const connectedAt = Date.now();
    if (!(await sampler.waitFor(connectedAt, allHeld, 60_000 + n * 200))) throw new Error(`the fleet did not hold all ${n} inboxes within ${60 + n / 5} s; see ${logDir}`);
    log(`all ${n} inboxes held after ${((Date.now() - connectedAt) / 1000).toFixed(1)} s; reply flood starts`);
    current = 'steady';
    const flood = startReplyFlood(seeded.inboxes, seeded.threads, options.ratePerSec, () => current);
    running = flood;
    const baseline: Phase = { name: 'steady', what: 'no fault (baseline)', startMs: Date.now(), liftedMs: Date.now(), heldAgainMs: Date.now(), endMs: 0 };
    phases.push(baseline);
    await sleep(options.recoveryS * 1000);

    for (const fault of FAULTS) {
      if (interrupted) break;
      const phase: Phase = { name: fault.name, what: fault.what, startMs: Date.now(), liftedMs: 0, heldAgainMs: null, endMs: 0 };
      phases[phases.length - 1]!.endMs = phase.startMs;
      phases.push(phase);
      current = fault.name;
      log(`── ${fault.name}: ${fault.what}`);
      await fault.inject({ fleet, users: seeded.inboxes.map((i) => i.mail), log });
      phase.liftedMs = Date.now();
      const hit = await sampler.waitFor(phase.liftedMs, (s) => allHeld(s) && (fault.recovered?.(s) ?? true), options.heldAgainTimeoutS * 1000);
      phase.heldAgainMs = hit?.atMs ?? null;
      log(hit ? `${fault.name}: every inbox held again ${((hit.atMs - phase.startMs) / 1000).toFixed(1)} s after the fault` : `${fault.name}: NOT every inbox held again within ${options.heldAgainTimeoutS} s`);
      await sleep(options.recoveryS * 1000);
    }
    await flood.stop();
    phases[phases.length - 1]!.endMs = Date.now();
    const settleDeadline = Date.now() + options.settleS * 1000;
    let missing = await unlogged(db.sql, seeded.accountId, flood.deliveries);
    while (missing.length > 0 && Date.now() < settleDeadline) {
      await sleep(1_000);
      missing = await unlogged(db.sql, seeded.accountId, flood.deliveries);
    }
    log(`flood stopped: ${flood.deliveries.length} deliveries; ${missing.length} not logged after the settle wait`);
    await sampler.stop();

    const { phases: figures, total, duplicateDecisions, replies } = await phaseFigures(db.sql, seeded.accountId, phases, flood.deliveries, sampler.samples);
    console.log(`\n${renderChaosTable(figures, total, n)}\n`);
    for (const p of figures) console.log(`  ${p.name}: ${p.what}`);
    const frozen = phases.find((p) => p.name === 'frozen-link');
    const thawed = frozen && sampler.samples.find((s) => s.atMs > frozen.liftedMs && s.frozen === 0);
    if (frozen && thawed) console.log(`  frozen-link: the workers had dropped every frozen connection ${((thawed.atMs - frozen.startMs) / 1000).toFixed(1)} s after the freeze (goal: within 60 s)`);
    console.log(`\nGoals: ${GOALS}. "all held again after": fault start → first 1 s sample where Dovecot lists a session`);
    console.log('for every inbox, the workers count as many, and no frozen connection is left. Latency: LMTP delivery start → timeline row committed.');
    console.log(`PostgreSQL restart: a real restart of the run's own server (initdb'd for the run). Machine: ${String(machine.cpuModel)}, ${String(machine.cores)} cores, load ${JSON.stringify(machine.loadAverageAtStart)} at start.\n`);
    const logComplaints = await logComplaintsByPhase(logDir, phases);
    const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
    await writeFile(
      resultsPath,
      `${JSON.stringify({ runId, options, machine, phases: figures, total, duplicateDecisions, logDir, logComplaints, samples: sampler.samples, replies }, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2)}\n`,
    );
    log(`wrote ${resultsPath}`);
    const failed = total.lost > 0 || total.duplicated > 0;
    if (failed) log(`FAILED: ${total.lost} lost, ${total.duplicated} duplicated (Message-IDs in results.json)`);
    return failed ? 1 : 0;
  } finally {
    await running?.stop();
    await sampler.stop();
    await fleet.close().catch((error: unknown) => log(`fleet clean-up: ${String(error)}`));
    await seeded.removeMailUsers().catch((error: unknown) => log(`mail users clean-up: ${String(error)}`));
    await db.drop().catch((error: unknown) => log(`could not drop ${db.name}: ${String(error)}`));
    await pg.close().catch((error: unknown) => log(`PostgreSQL clean-up: ${String(error)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
