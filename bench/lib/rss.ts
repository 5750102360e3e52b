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

/**
 * Asks a child started by processes.ts to collect garbage (SIGUSR2), then reads VmRSS every 500 ms
 * until four reads in a row lie within 1 MiB (or 15 s pass); returns their median.
 */
export async function rssAfterGc(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  const reads: number[] = [];
  const deadline = Date.now() + 15_000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    reads.push(await readRssBytes(pid));
    const last = reads.slice(-4);
    if ((last.length === 4 && Math.max(...last) - Math.min(...last) < 1024 * 1024) || Date.now() > deadline) {
      last.sort((a, b) => a - b);
      return last[Math.floor(last.length / 2)]!;
    }
  }
}
