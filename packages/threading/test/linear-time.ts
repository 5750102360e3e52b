// Measuring that a function's time grows linearly with its input, robustly on a loaded 2-core machine.
//
// The check compares 32 KB with 128 KB: linear code takes ~4× as long, quadratic ~16×. The bound is
// 10× (≈3.2× per doubling: the "≤ ~3× from 64 to 128 KB" of issue 9, with room for the garbage
// collector, whose cost grows a little faster than the live data). Time is the process's CPU time
// (process.cpuUsage), not the wall clock, so other processes on the machine do not count; each
// figure is the best of several batches, small and large interleaved, each batch long enough
// (≥ 2 ms) for the clock. A ratio over the bound is measured again up to three times, since noise
// does not recur the way a quadratic loop does.
export const SMALL = 32 * 1024;
export const LARGE = 128 * 1024;
export const MAX_GROWTH = 10;

const MIN_BATCH_MS = 2;
const SAMPLES = 3;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time of one call of fn(input), in ms, from one batch of calls. */
function batch(fn: (input: string) => unknown, input: string): number {
  let calls = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    fn(input);
    calls++;
    elapsed = cpuMs() - start;
  } while (elapsed < MIN_BATCH_MS);
  return elapsed / calls;
}

/** Best CPU time of one call of fn(input), in ms, over `samples` batches. */
export function bestTime(fn: (input: string) => unknown, input: string, samples = SAMPLES): number {
  fn(input); // warm-up: JIT and caches
  let best = Infinity;
  for (let s = 0; s < samples; s++) best = Math.min(best, batch(fn, input));
  return best;
}

/** time(LARGE) / time(SMALL) for inputs made by `make`, the lowest of up to three measurements. */
export function growth(fn: (input: string) => unknown, make: (length: number) => string): number {
  const small = make(SMALL);
  const large = make(LARGE);
  fn(small);
  fn(large);
  let lowest = Infinity;
  for (let attempt = 0; attempt < 3 && lowest > MAX_GROWTH; attempt++) {
    let bestSmall = Infinity;
    let bestLarge = Infinity;
    for (let s = 0; s < SAMPLES; s++) {
      bestSmall = Math.min(bestSmall, batch(fn, small));
      const large1 = batch(fn, large);
      bestLarge = Math.min(bestLarge, large1);
      if (large1 > 250) break; // already slow: more samples only cost time
    }
    lowest = Math.min(lowest, bestLarge / bestSmall);
  }
  return lowest;
}
