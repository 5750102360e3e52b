// The steady delivery load shared by the floor, latency and failover scenarios.
import type { BenchOptions } from './context';

export function replyLoad(options: BenchOptions): { ratePerSec: number; durationS: number } {
  return options.quick ? { ratePerSec: 10, durationS: 5 } : { ratePerSec: 50, durationS: 20 };
}

/**
 * The warm-up the floor and latency scenarios deliver (at the same rate) before the measured load, and
 * report apart: the first deliveries after the sessions connect pay one-time costs on both sides
 * (Dovecot starting its LMTP processes, the worker's first replies through code and statements not run
 * before in the process), and the goal is about the steady state. Two seconds of it at the full size.
 */
export function warmUpLoad(options: BenchOptions): { ratePerSec: number; durationS: number } {
  const { ratePerSec } = replyLoad(options);
  return { ratePerSec, durationS: options.quick ? 1 : 2 };
}
