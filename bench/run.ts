// reply-sync benchmark (issue 6): `tsx bench/run.ts [--quick] [--only a,b] [--sizes 100,1000,2000]
// [--fleet-size N] [--window-min M]`.
// Runs the scenarios against the local stack, prints one table and writes bench/results.json.
// It reports; it never fails on a missed goal (exit 0 unless the benchmark itself could not run).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { createBenchDb } from './lib/bench-db';
import type { BenchContext, BenchOptions, ResultRow, Scenario } from './lib/context';
import { describeMachine } from './lib/machine';
import { renderTable } from './lib/table';
import { floorScenario } from './scenarios/floor';
import { latencyScenario } from './scenarios/latency';
import { memoryScenario } from './scenarios/memory';
import { catchUpScenario } from './scenarios/catch-up';
import { throughputScenario } from './scenarios/throughput';
import { schedulerScenario } from './scenarios/scheduler';
import { failoverScenario } from './scenarios/failover';
import { clusterFailoverScenario } from './scenarios/cluster-failover';
import { cliScenario } from './scenarios/cli';
import { webhooksScenario } from './scenarios/webhooks';
import { fleetSteadyScenario } from './scenarios/fleet-steady';
import { rebalancingScenario } from './scenarios/rebalancing';
import { loginStormScenario } from './scenarios/login-storm';
import { deadLinkScenario } from './scenarios/dead-link';
import { apiTimelineScenario } from './scenarios/api-timeline';
import { trackerScenario } from './scenarios/tracker';
import { consolePagesScenario } from './scenarios/console-pages';
import { inboundScenario } from './scenarios/inbound';

const SCENARIOS: Scenario[] = [
  floorScenario,
  latencyScenario,
  memoryScenario,
  catchUpScenario,
  throughputScenario,
  schedulerScenario,
  failoverScenario,
  clusterFailoverScenario,
  cliScenario,
  webhooksScenario,
  fleetSteadyScenario,
  rebalancingScenario,
  loginStormScenario,
  deadLinkScenario,
  apiTimelineScenario,
  trackerScenario,
  consolePagesScenario,
  inboundScenario,
];

function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const only = value('--only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  const sizesArg = value('--sizes');
  const sizes = sizesArg ? sizesArg.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : quick ? [20] : [100, 1000, 2000];
  const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}.`);
    process.exit(2);
  }
  const positive = (flag: string): number | null => {
    const text = value(flag);
    if (text === undefined) return null;
    const n = Number(text);
    if (!(n > 0) || !Number.isFinite(n)) {
      console.error(`${flag} takes a positive number, got ${JSON.stringify(text)}.`);
      process.exit(2);
    }
    return n;
  };
  const fleetSizeArg = positive('--fleet-size');
  return { quick, only, sizes, fleetSize: fleetSizeArg === null ? null : Math.round(fleetSizeArg), windowMin: positive('--window-min') };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const runId = Date.now().toString(36);
  const logDir = await mkdtemp(join(tmpdir(), `reply-sync-bench-${runId}-`));
  const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
  log(`run ${runId}${options.quick ? ' (quick)' : ''}; sizes ${options.sizes.join(', ')}; child logs in ${logDir}`);

  const machine = await describeMachine(stack.databaseUrl);
  const db = await createBenchDb(stack.databaseUrl, runId);
  log(`bench database ${db.name} migrated`);
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = {};
  const ctx: BenchContext = {
    options,
    runId,
    db,
    keys: parseEncryptionKeys(stack.encryptionKeys),
    logDir,
    row: (row) => rows.push(row),
    log,
    floors: new Map(),
    floorWarmUps: new Map(),
  };

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: finishing the current scenario clean-up (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSignal);

  try {
    for (const scenario of SCENARIOS) {
      if (interrupted) break;
      if (options.only && !options.only.includes(scenario.name)) continue;
      log(`── ${scenario.name}: ${scenario.title}`);
      const started = Date.now();
      try {
        details[scenario.name] = { ...(await scenario.run(ctx)), durationS: Math.round((Date.now() - started) / 1000) };
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`${scenario.name} failed: ${message}`);
        details[scenario.name] = { error: message, durationS: Math.round((Date.now() - started) / 1000) };
        rows.push({ scenario: scenario.name, figure: 'FAILED (see results.json)', value: Number.NaN, unit: '' });
      }
    }
  } finally {
    await db.drop().catch((error: unknown) => log(`could not drop ${db.name}: ${String(error)}`));
  }

  console.log(`\n${renderTable(rows)}\n`);
  const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(
    resultsPath,
    `${JSON.stringify({ runId, options, machine, rows, details, logDir }, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2)}\n`,
  );
  log(`wrote ${resultsPath}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
