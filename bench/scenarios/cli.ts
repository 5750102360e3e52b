// 8. Start-up (issue 11): the operator CLI as deployed (the root bin running dist/, built here first with
// `npm run build`'s function) and from the TypeScript sources (npm run cli), beside a bare `node -e 0` in
// the same run: `--help`, and `inbox list --json` of an account with five inboxes; min / median of 10 runs
// each. Then a worker process started on one queued inbox: spawn → its first IMAP session (the checkpoint
// baselined, read from its own log line), compiled and from the sources.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { stack } from '@reply-sync/testkit';
import { build } from '../../scripts/build';
import { ms, overhead, type BenchContext, type Scenario } from '../lib/context';
import { repoRoot, WORKER_MAIN } from '../lib/processes';
import { seedInboxes } from '../lib/seed';
import { runOnce, timeRuns, type RunTimes } from '../lib/timed-runs';
import { addJobs, benchQueueName, destroyQueue, openQueue } from '../lib/worker-run';

const COMPILED_BIN = join(repoRoot, 'apps/cli/bin/reply-sync.mjs');
const SOURCES_BIN = join(repoRoot, 'apps/cli/bin/reply-sync-ts.mjs');
const COMPILED_WORKER = join(repoRoot, 'dist/app/worker.js');
const MAX_RSS_PRELOAD = join(repoRoot, 'bench/lib/report-max-rss.mjs');
const GOALS = { help: 150, inboxList: 350, workerFirstSession: 1_000 };

const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' });

/** Peak RSS (MiB) of one run of `node script args`. */
async function peakRssMb(script: string, args: string[], env: Record<string, string>): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'reply-sync-rss-'));
  try {
    const file = join(dir, 'rss');
    await runOnce(process.execPath, ['--import', MAX_RSS_PRELOAD, script, ...args], { ...env, REPORT_MAX_RSS_FILE: file });
    return Math.round(Number(await readFile(file, 'utf8')) / 1024);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface WorkerStart {
  /** spawn → 'sync worker started' (queue worker, LISTEN, HTTP server up). */
  startedMs: number;
  /** spawn → the inbox's checkpoint baselined: logged in, INBOX examined, the first session running. */
  firstSessionMs: number;
}

/** One worker process (`node ...args`) on a queue holding the inbox's job, timed from spawn; stopped after. */
function timeWorkerStart(args: string[], env: Record<string, string>, inboxId: string): Promise<WorkerStart> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let startedAt: number | undefined;
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`no first session within 30 s; stderr: ${stderr.slice(0, 500)}`)), 30_000);
    const finish = (outcome: WorkerStart | Error) => {
      clearTimeout(timer);
      child.once('close', () => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      child.kill('SIGTERM');
    };
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        // pino's `time` is the epoch ms at which the line was written, in the worker.
        const entry = JSON.parse(line) as { msg?: string; time: number; inboxId?: string };
        if (entry.msg === 'sync worker started') startedAt = entry.time;
        if (entry.msg === 'checkpoint baselined at UIDNEXT-1' && entry.inboxId === inboxId) {
          finish({ startedMs: (startedAt ?? Number.NaN) - spawnedAt, firstSessionMs: entry.time - spawnedAt });
        }
      }
    });
  });
}

function cliRow(ctx: BenchContext, figure: string, t: RunTimes, bare: RunTimes, goalMs?: number): void {
  ctx.row({
    scenario: 'cli',
    figure: `${figure}: median of ${t.runs} (min ${Math.round(t.minMs)} ms)`,
    value: t.medianMs,
    unit: 'ms',
    floor: bare.medianMs,
    compare: overhead(t.medianMs, bare.medianMs),
    ...(goalMs === undefined ? {} : { goal: `≤ ${goalMs} ms`, met: t.medianMs <= goalMs }),
  });
}

export const cliScenario: Scenario = {
  name: 'cli',
  title: 'CLI start-up (--help, inbox list) compiled and from the sources, beside bare node; worker start → first IMAP session',
  async run(ctx) {
    const built = await build();
    ctx.log(`cli: built dist/ in ${Math.round(built.durationMs)} ms`);
    ctx.row({ scenario: 'cli', figure: 'npm run build (esbuild, every entry point)', value: built.durationMs / 1000, unit: 's' });

    const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-cli`, count: 5 });
    const runs = ctx.options.quick ? 5 : 10;
    const env = { ...baseEnv(), DATABASE_URL: ctx.db.url };
    const list = ['inbox', 'list', '--json', '--account', seeded.accountId];
    try {
      const bare = await timeRuns(process.execPath, ['-e', '0'], baseEnv(), runs);
      const compiledHelp = await timeRuns(process.execPath, [COMPILED_BIN, '--help'], env, runs);
      const compiledList = await timeRuns(process.execPath, [COMPILED_BIN, ...list], env, runs);
      const sourcesHelp = await timeRuns(process.execPath, [SOURCES_BIN, '--help'], env, runs);
      const sourcesList = await timeRuns(process.execPath, [SOURCES_BIN, ...list], env, runs);
      ctx.row({ scenario: 'cli', figure: `bare node -e 0: median of ${runs} (min ${Math.round(bare.minMs)} ms)`, value: bare.medianMs, unit: 'ms' });
      cliRow(ctx, 'reply-sync --help, compiled', compiledHelp, bare, GOALS.help);
      cliRow(ctx, 'reply-sync inbox list --json (5 inboxes), compiled', compiledList, bare, GOALS.inboxList);
      cliRow(ctx, 'reply-sync --help, from the sources (tsx)', sourcesHelp, bare);
      cliRow(ctx, 'reply-sync inbox list --json, from the sources (tsx)', sourcesList, bare);
      const rss = {
        bare: await peakRssMb('-e', ['0'], baseEnv()),
        compiledHelp: await peakRssMb(COMPILED_BIN, ['--help'], env),
        compiledList: await peakRssMb(COMPILED_BIN, list, env),
        sourcesHelp: await peakRssMb(SOURCES_BIN, ['--help'], env),
      };
      ctx.row({ scenario: 'cli', figure: 'peak RSS: --help compiled / inbox list compiled / --help from the sources', value: rss.compiledHelp, unit: 'MiB', floor: rss.bare, compare: `${rss.compiledList} / ${rss.sourcesHelp} MiB` });

      const workerRuns = ctx.options.quick ? 3 : 5;
      const inbox = seeded.inboxes[0]!;
      const workerEnv = (queueName: string) => ({
        ...baseEnv(),
        DATABASE_URL: ctx.db.url,
        REDIS_URL: stack.redisUrl,
        REPLY_SYNC_QUEUE: queueName,
        REPLY_SYNC_SEND_QUEUE: `${queueName}-sends`,
        REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
        REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
      });
      const starts: Record<'compiled' | 'sources', WorkerStart[]> = { compiled: [], sources: [] };
      for (let i = 0; i < workerRuns; i += 1) {
        for (const kind of ['compiled', 'sources'] as const) {
          // A never-synced inbox each time: the session baselines its checkpoint (the line we wait for).
          await ctx.db.sql`UPDATE inboxes SET uidvalidity = NULL, last_uid = NULL WHERE id = ${inbox.inboxId}`;
          const queueName = benchQueueName(ctx, `cli-${kind}`);
          const queue = openQueue(queueName);
          try {
            await addJobs(queue, seeded.accountId, [inbox]);
            const args = kind === 'compiled' ? ['--enable-source-maps', COMPILED_WORKER] : ['--import', 'tsx', WORKER_MAIN];
            starts[kind].push(await timeWorkerStart(args, workerEnv(queueName), inbox.inboxId));
          } finally {
            await destroyQueue(queue);
            await destroyQueue(openQueue(`${queueName}-sends`));
          }
        }
      }
      const median = (values: number[]) => {
        const s = [...values].sort((a, b) => a - b);
        return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
      };
      const summary = (kind: 'compiled' | 'sources') => ({
        firstSessionMedianMs: ms(median(starts[kind].map((s) => s.firstSessionMs))),
        firstSessionMinMs: ms(Math.min(...starts[kind].map((s) => s.firstSessionMs))),
        startedMedianMs: ms(median(starts[kind].map((s) => s.startedMs))),
      });
      const worker = { compiled: summary('compiled'), sources: summary('sources') };
      ctx.row({
        scenario: 'cli',
        figure: `worker spawn → first IMAP session, compiled: median of ${workerRuns} (min ${Math.round(worker.compiled.firstSessionMinMs)} ms; started at ${Math.round(worker.compiled.startedMedianMs)} ms)`,
        value: worker.compiled.firstSessionMedianMs,
        unit: 'ms',
        goal: `≤ ${GOALS.workerFirstSession} ms`,
        met: worker.compiled.firstSessionMedianMs <= GOALS.workerFirstSession,
      });
      ctx.row({
        scenario: 'cli',
        figure: `worker spawn → first IMAP session, from the sources: median of ${workerRuns} (started at ${Math.round(worker.sources.startedMedianMs)} ms)`,
        value: worker.sources.firstSessionMedianMs,
        unit: 'ms',
      });
      return { buildMs: Math.round(built.durationMs), bare, compiledHelp, compiledList, sourcesHelp, sourcesList, peakRssMiB: rss, workerStarts: starts, worker };
    } finally {
      await seeded.removeMailUsers();
    }
  },
};
