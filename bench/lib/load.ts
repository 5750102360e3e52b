// The steady delivery load shared by the floor, latency and failover scenarios.
import type { BenchOptions } from './context';

export function replyLoad(options: BenchOptions): { ratePerSec: number; durationS: number } {
  return options.quick ? { ratePerSec: 10, durationS: 5 } : { ratePerSec: 50, durationS: 20 };
}
