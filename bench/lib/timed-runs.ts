// Start-up times of short commands: each run a fresh process, one after the other, timed from spawn to
// exit with the machine otherwise idle (the benchmark runs nothing beside it).
import { spawn } from 'node:child_process';

export interface RunTimes {
  runs: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
  samplesMs: number[];
}

/** One run, spawn → exit, in ms; a non-zero exit is an error with its stderr. */
export function runOnce(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${[command, ...args].join(' ')} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/** `runs` runs after one untimed warm-up (the page cache, as for any command an operator runs twice). */
export async function timeRuns(command: string, args: readonly string[], env: Record<string, string>, runs = 10): Promise<RunTimes> {
  await runOnce(command, args, env);
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await runOnce(command, args, env));
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    runs,
    minMs: round(sorted[0]!),
    medianMs: round((sorted[Math.floor((runs - 1) / 2)]! + sorted[Math.ceil((runs - 1) / 2)]!) / 2),
    maxMs: round(sorted[sorted.length - 1]!),
    samplesMs: samples.map(round),
  };
}
