// The process-wide budget behind "never two large messages at once": first come, first served; a
// request bigger than the whole budget runs alone instead of never.
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../src/byte-budget';

describe('ByteBudget', () => {
  it('grants what fits, queues the rest in order, and lets an oversized request run alone', async () => {
    const budget = new ByteBudget(100);
    expect(budget.tryTake(60)).toBe(true);
    expect(budget.tryTake(50)).toBe(false);
    const order: string[] = [];
    const big = budget.take(500).then(() => order.push('big'));
    const small = budget.take(10).then(() => order.push('small')); // fits now, but waits its turn
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(budget.tryTake(1)).toBe(false); // nobody jumps the queue

    budget.give(60);
    await big;
    expect(order).toEqual(['big']);
    expect(budget.inUse).toBe(500);
    budget.give(500);
    await small;
    expect(order).toEqual(['big', 'small']);
    expect(budget.inUse).toBe(10);
  });
});
