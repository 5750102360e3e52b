// The batcher hands each batch the end of the one before it: a runner that waits on it before its
// commit keeps first-come order across batches even when the later batch is ready first.
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher';

describe('the batcher', () => {
  it('lets a later batch that is ready first commit after the earlier one', async () => {
    const commits: number[][] = [];
    let releaseFirst!: () => void;
    const firstSlow = new Promise<void>((resolve) => (releaseFirst = resolve));
    let batches = 0;
    const decide = createBatcher<number, number>(
      async (items, previous) => {
        const k = batches++;
        if (k === 0) await firstSlow; // the first batch's reading takes long
        await previous;
        commits.push(items);
        return items.map((value) => ({ status: 'fulfilled' as const, value }));
      },
      { maxBatch: 10, maxInFlight: 2 },
    );
    const first = decide(1);
    await new Promise((resolve) => setImmediate(resolve)); // 1 goes alone
    const rest = [decide(2), decide(3)];
    // The second batch has run up to its wait; only then does the first one finish.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toBe(2);
    expect(commits).toEqual([]);
    releaseFirst();
    expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3]);
    expect(commits).toEqual([[1], [2, 3]]);
  });

  it('a batch that failed does not hold the next one', async () => {
    let batches = 0;
    const decide = createBatcher<number, number>(
      async (items, previous) => {
        if (batches++ === 0) throw new Error('the database went away');
        await previous;
        return items.map((value) => ({ status: 'fulfilled' as const, value }));
      },
      { maxBatch: 10, maxInFlight: 2 },
    );
    const first = decide(1).then(
      () => 'decided',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(await first).toBe('the database went away');
    expect(await decide(2)).toBe(2);
  });
});
