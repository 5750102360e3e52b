// The worker as deployed (src/main.ts, a process of its own) on a test's queue, with what it prints
// collected, so tests can SIGTERM or SIGKILL it and read its output. Killed for good by stopAll().
import { spawn, type ChildProcess } from 'node:child_process';
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
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/** SIGKILLs every worker process a test left running (afterEach). */
export function stopAllWorkerProcesses(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}
