// Measuring that a function's time grows linearly with its input, robustly on a loaded 2-core machine.
//
// The check compares 32 KB with 128 KB: linear code takes ~4× as long, quadratic ~16×. The bound is
// 10× (≈3.2× per doubling: the "≤ ~3× from 64 to 128 KB" of issue 9, with room for the garbage
// collector, whose cost grows a little faster than the live data, and for a busy machine). Each figure
// is the best of several batches, each batch long enough (≥ 2 ms) for the timer; a ratio over the
// bound is measured again up to three times, since noise (a GC, another process) does not recur the
// way a quadratic loop does.
export const SMALL = 32 * 1024;
export const LARGE = 128 * 1024;
export const MAX_GROWTH = 10;

const MIN_BATCH_MS = 2;
const SAMPLES = 3;

/** Best time of one call of fn(input), in ms. */
export function bestTime(fn: (input: string) => unknown, input: string): number {
  fn(input); // warm-up: JIT and caches
  let best = Infinity;
  for (let s = 0; s < SAMPLES; s++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      fn(input);
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < MIN_BATCH_MS);
    best = Math.min(best, elapsed / calls);
    if (elapsed > 500) break; // already slow: more samples only cost time
  }
  return best;
}

/** time(LARGE) / time(SMALL) for inputs made by `make`, the lowest of up to three measurements. */
export function growth(fn: (input: string) => unknown, make: (length: number) => string): number {
  const small = make(SMALL);
  const large = make(LARGE);
  let lowest = Infinity;
  for (let attempt = 0; attempt < 3 && lowest > MAX_GROWTH; attempt++) {
    lowest = Math.min(lowest, bestTime(fn, large) / bestTime(fn, small));
  }
  return lowest;
}
