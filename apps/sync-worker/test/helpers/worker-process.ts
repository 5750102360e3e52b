// The worker as deployed (src/main.ts, a process of its own) on a test's queue, with what it prints
// collected, so tests can SIGTERM or SIGKILL it, read its output and its resident memory (its own: one
// `node --import tsx` process, not the tsx CLI, which would fork a second one). Killed for good by
// stopAllWorkerProcesses().
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { workerEnvSource } from './fixture';

const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams, in arrival order. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** VmRSS and VmHWM (the peak since the process started) from /proc, in bytes. */
  memory(): Promise<{ rss: number; peak: number }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

export function spawnWorkerProcess(queueName: string, env: Record<string, string> = {}): WorkerProcess {
  // --trace-warnings: a Node warning on stderr says where it was raised.
  const child = spawn(process.execPath, ['--trace-warnings', '--import', 'tsx', mainPath], {
    env: { ...process.env, ...workerEnvSource(), REPLY_SYNC_QUEUE: queueName, METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (running.delete(child), resolve(code))));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    async memory() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** SIGKILLs every worker process a test left running (afterEach). */
export function stopAllWorkerProcesses(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}
