// Where a session starts reading: baseline at UIDNEXT-1 on first connect and on a UIDVALIDITY change
// (no replay), otherwise the stored checkpoint.
import { describe, expect, it } from 'vitest';
import { startCheckpoint } from '../src/checkpoint';

describe('startCheckpoint', () => {
  it('baselines at UIDNEXT-1 on first connect (history is not imported)', () => {
    expect(startCheckpoint({ uidvalidity: null, lastUid: null }, { uidValidity: 7, uidNext: 42 })).toEqual({
      kind: 'baseline', uidvalidity: 7, lastUid: 41, why: 'first_connect',
    });
  });
  it('re-baselines without replaying when UIDVALIDITY changed', () => {
    expect(startCheckpoint({ uidvalidity: 7, lastUid: 40 }, { uidValidity: 8, uidNext: 3 })).toEqual({
      kind: 'baseline', uidvalidity: 8, lastUid: 2, why: 'uidvalidity_changed',
    });
  });
  it('resumes from the stored checkpoint otherwise', () => {
    expect(startCheckpoint({ uidvalidity: 7, lastUid: 40 }, { uidValidity: 7, uidNext: 50 })).toEqual({
      kind: 'resume', uidvalidity: 7, lastUid: 40,
    });
  });
  it('handles an empty mailbox', () => {
    expect(startCheckpoint({ uidvalidity: null, lastUid: null }, { uidValidity: 1, uidNext: 1 }).lastUid).toBe(0);
  });
});
