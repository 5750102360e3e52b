// Where a session starts reading: baseline at UIDNEXT-1 on first connect and on a UIDVALIDITY change
// (no replay), otherwise the stored checkpoint.
import { describe, expect, it } from 'vitest';
import { firstConnectBaseline, startCheckpoint } from '../src/checkpoint';

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

describe('firstConnectBaseline', () => {
  const at = (iso: string) => new Date(iso);
  it('starts after the last message that arrived before the inbox was connected', () => {
    const arrivals = [
      { uid: 10, arrivedAt: at('2026-11-23T10:00:00Z') },
      { uid: 11, arrivedAt: at('2026-11-23T10:04:59Z') },
      { uid: 12, arrivedAt: at('2026-11-23T10:05:03Z') },
    ];
    expect(firstConnectBaseline(arrivals, at('2026-11-23T10:05:00.400Z'), 13)).toBe(11);
  });
  it('counts a message of the same second as the connection as after it (INTERNALDATE has no milliseconds)', () => {
    const arrivals = [{ uid: 5, arrivedAt: at('2026-11-23T10:05:00Z') }];
    expect(firstConnectBaseline(arrivals, at('2026-11-23T10:05:00.900Z'), 6)).toBe(4);
  });
  it('is UIDNEXT-1 when everything is older than the connection', () => {
    const arrivals = [{ uid: 7, arrivedAt: at('2026-11-22T09:00:00Z') }];
    expect(firstConnectBaseline(arrivals, at('2026-11-23T10:05:00Z'), 8)).toBe(7);
  });
  it('handles an empty window', () => {
    expect(firstConnectBaseline([], at('2026-11-23T10:05:00Z'), 1)).toBe(0);
  });
});
