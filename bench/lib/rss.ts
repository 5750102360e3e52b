// Resident memory of a process, read from /proc (Linux only): what the memory scenario compares.
import { readFile } from 'node:fs/promises';

/** VmRSS of `pid` in bytes. */
export async function readRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Median of a few RSS reads `intervalMs` apart, so one allocation burst does not decide the figure. */
export async function settledRssBytes(pid: number, reads = 5, intervalMs = 300): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < reads; i += 1) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    values.push(await readRssBytes(pid));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}
