// Waits until the machine has settled after a scenario's set-up (2,000 sessions connecting, their
// first catch-up and IDLE, Dovecot's own start-up work), so a latency run measures the steady state
// and not the tail of the set-up. Reads the whole machine's CPU from /proc/stat, since the set-up's
// work is as much Dovecot's and PostgreSQL's as the worker's.
import { readFile } from 'node:fs/promises';
import { sleep } from './concurrency';

interface CpuTimes {
  busy: number;
  total: number;
}

async function cpuTimes(): Promise<CpuTimes> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const idleAll = idle! + iowait!;
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idleAll };
}

export interface QuiesceResult {
  /** How long it took for the machine to settle (or the timeout). */
  waitedMs: number;
  /** The busy share of all cores in the last window (0–1). */
  lastBusy: number;
  settled: boolean;
}

/**
 * Resolves once the machine's busy share stayed at or below `maxBusy` for `quietWindows` windows of
 * `windowMs` in a row, or after `timeoutMs` (a machine other work keeps busy never settles: the result
 * says so, and the caller reports it beside its figures).
 */
export async function waitForQuietMachine(options: { maxBusy?: number; windowMs?: number; quietWindows?: number; timeoutMs?: number } = {}): Promise<QuiesceResult> {
  const { maxBusy = 0.15, windowMs = 500, quietWindows = 3, timeoutMs = 30_000 } = options;
  const started = Date.now();
  let quiet = 0;
  let lastBusy = 1;
  let before = await cpuTimes();
  while (Date.now() - started < timeoutMs) {
    await sleep(windowMs);
    const now = await cpuTimes();
    const total = now.total - before.total;
    lastBusy = total > 0 ? (now.busy - before.busy) / total : 0;
    before = now;
    quiet = lastBusy <= maxBusy ? quiet + 1 : 0;
    if (quiet >= quietWindows) return { waitedMs: Date.now() - started, lastBusy, settled: true };
  }
  return { waitedMs: Date.now() - started, lastBusy, settled: false };
}
