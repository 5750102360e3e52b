// Child processes of the benchmark (and the chaos suite): the real sync worker
// (apps/sync-worker/src/main.ts), the scheduler (apps/scheduler/src/main.ts) and the bare imapflow client
// (bench/lib/bare-idle-child.ts). Each runs as ONE node process (`node --import tsx`,
// not the tsx CLI, which would fork a second process): its RSS is the process's own, and SIGKILL
// kills exactly it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stack } from '@reply-sync/testkit';
import { parsePrometheus, type MetricSamples } from './prometheus';
import { sleep } from './concurrency';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const WORKER_MAIN = join(repoRoot, 'apps/sync-worker/src/main.ts');
export const SCHEDULER_MAIN = join(repoRoot, 'apps/scheduler/src/main.ts');
const GC_PRELOAD = fileURLToPath(new URL('./gc-on-signal.mjs', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Children still running when the benchmark exits (a crash, a second Ctrl-C) are killed with it, so no
// worker keeps hundreds of IMAP sessions open after the run.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `env` is laid over the benchmark's own; a key set to undefined is removed from the child's. */
function spawnTs(script: string, env: Record<string, string | undefined>, logFile: string, ipc = false): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  // BENCH_CPU_PROF_DIR: every child writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--expose-gc', '--import', GC_PRELOAD, '--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  metricsPort: number;
  logFile: string;
  metrics(): Promise<MetricSamples>;
  /** reply_sync_inboxes_connected */
  connected(): Promise<number>;
  /** GET /healthz: the worker's fleet member id and what it holds. */
  health(): Promise<WorkerHealth>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(): void;
  exited: Promise<number | null>;
}

export interface WorkerHealth {
  ok: boolean;
  memberId: string;
  sessions: number;
  shards: number;
  members: number;
}

export interface WorkerProcessOptions {
  databaseUrl: string;
  queueName: string;
  concurrency: number;
  logDir: string;
  name: string;
  /** Extra environment (SESSION_MAX_MS, CATCH_UP_BATCH_SIZE, REDIS_URL, ...). */
  env?: Record<string, string>;
  /**
   * Run with the worker's own SESSION_MAX_MS and WATCHDOG_INTERVAL_MS defaults (production: 12 h
   * sessions, a NOOP every 45 s) instead of the benchmark's 20-minute sessions: for figures that
   * depend on them (logins per day, IDLE re-issue, dead-link detection).
   */
  productionTimers?: boolean;
}

/** Starts apps/sync-worker/src/main.ts and waits for its /healthz. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const logFile = join(options.logDir, `${options.name}.log`);
  const child = spawnTs(
    WORKER_MAIN,
    {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: stack.redisUrl,
      REPLY_SYNC_QUEUE: options.queueName,
      REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
      REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
      // The stack's own Dovecot: logins paced far above a provider's (the login-storm scenario sets its own).
      LOGIN_RATE_PER_HOST: '1000/s:1000',
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
      // Sessions longer than a scenario, so no session rotation lands inside a measurement window.
      SESSION_MAX_MS: options.productionTimers ? undefined : String(20 * 60_000),
      ...(options.productionTimers ? { WATCHDOG_INTERVAL_MS: undefined } : {}),
      ...options.env,
    },
    logFile,
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${metricsPort}`;
  const metrics = async () => parsePrometheus(await (await fetch(`${base}/metrics`)).text());
  const handle: WorkerProcess = {
    child,
    pid: child.pid!,
    metricsPort,
    logFile,
    metrics,
    connected: async () => (await metrics()).value('reply_sync_inboxes_connected'),
    health: async () => (await (await fetch(`${base}/healthz`)).json()) as WorkerHealth,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stop: (graceMs = 15_000) => stopChild(child, exited, graceMs),
    exited,
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode} at start; see ${logFile}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      handle.kill();
      throw new Error(`the worker did not answer /healthz within 60 s; see ${logFile}`);
    }
    await sleep(200);
  }
}

export interface SchedulerProcess {
  child: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts apps/scheduler/src/main.ts (it has no HTTP endpoint: callers wait for the registry it fills). */
export function startSchedulerProcess(options: {
  databaseUrl: string;
  redisUrl: string;
  queueName: string;
  logDir: string;
  name: string;
  env?: Record<string, string>;
}): SchedulerProcess {
  const logFile = join(options.logDir, `${options.name}.log`);
  const child = spawnTs(
    SCHEDULER_MAIN,
    {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REPLY_SYNC_QUEUE: options.queueName,
      LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
      ...options.env,
    },
    logFile,
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logFile,
    exited,
    stop: (graceMs = 15_000) => stopChild(child, exited, graceMs),
  };
}

/** Polls until `fn` holds, or throws after `timeoutMs` with what it last saw. */
export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}${why}`);
    }
    await sleep(intervalMs);
  }
}

export { spawnTs };
