// Whether a rate was kept: the most events inside any window of a given length (the login budget's
// tests, the benchmark's login-storm scenario).

/** The most of `times` (ms, any order) inside any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
