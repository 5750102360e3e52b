import { describe, expect, it } from 'vitest';
import { findThread, threadCandidates, type ThreadRef } from '../src/index';

const ref = (emailId: string) => ({ emailId }) as ThreadRef;

describe('threadCandidates: the ids to look up, in the order they are tried', () => {
  it('tries In-Reply-To first, then References from newest to oldest', () => {
    expect(threadCandidates(['c@x'], ['a@x', 'b@x', 'c@x'])).toEqual(['c@x', 'b@x', 'a@x']);
    expect(threadCandidates(['d@x', 'e@x'], ['a@x', 'b@x'])).toEqual(['d@x', 'e@x', 'b@x', 'a@x']);
  });

  it('uses References alone when In-Reply-To is missing, and nothing when both are', () => {
    expect(threadCandidates([], ['a@x', 'b@x'])).toEqual(['b@x', 'a@x']);
    expect(threadCandidates([], [])).toEqual([]);
  });

  it('caps to max keeping the newest, with the last slot for the thread root', () => {
    const refs = Array.from({ length: 300 }, (_, i) => `r${i}@x`);
    const c = threadCandidates(['r299@x'], refs);
    expect(c).toHaveLength(50);
    expect(c.slice(0, 3)).toEqual(['r299@x', 'r298@x', 'r297@x']);
    expect(c[48]).toBe('r251@x');
    expect(c[49]).toBe('r0@x');
    expect(threadCandidates([], refs, 3)).toEqual(['r299@x', 'r298@x', 'r0@x']);
  });

  it('does not duplicate the root when the list fits', () => {
    expect(threadCandidates([], ['a@x', 'b@x'], 2)).toEqual(['b@x', 'a@x']);
  });
});

describe('findThread: the first candidate that is logged wins', () => {
  it('prefers the In-Reply-To match over an older reference', () => {
    const found = new Map([
      ['root@x', ref('root')],
      ['parent@x', ref('parent')],
    ]);
    expect(findThread(threadCandidates(['parent@x'], ['root@x', 'parent@x']), found)?.emailId).toBe('parent');
  });

  it('a reply to a reply: falls back to References when In-Reply-To is not logged', () => {
    const found = new Map([['root@x', ref('root')]]);
    expect(findThread(threadCandidates(['unlogged@x'], ['root@x', 'unlogged@x']), found)?.emailId).toBe('root');
  });

  it('returns null when nothing is logged', () => {
    expect(findThread(['a@x'], new Map())).toBeNull();
  });
});
