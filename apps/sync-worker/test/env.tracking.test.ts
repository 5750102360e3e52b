// The worker's tracked-send settings: TRACKING_KEYS and TRACKER_URL together, or neither (tracked
// sends then go out untracked, saying why); half of them, or a bad key, stops the worker with a sentence.
import { describe, expect, it } from 'vitest';
import { parseWorkerEnv, WorkerEnvError } from '../src/env';

const BASE = {
  DATABASE_URL: 'postgres://rs:pw@db.internal:5432/reply_sync',
  REDIS_URL: 'redis://:pw@redis.internal:6379',
  REPLY_SYNC_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};
const TRACKING_KEYS = `t2:${'ab'.repeat(32)},t1:${'cd'.repeat(32)}`;

describe('parseWorkerEnv: tracking', () => {
  it('reads the keyring (newest first) and the tracker URL without a trailing slash', () => {
    const env = parseWorkerEnv({ ...BASE, TRACKING_KEYS, TRACKER_URL: 'https://t.example.com/' });
    expect(env.tracking?.trackerUrl).toBe('https://t.example.com');
    expect(env.tracking?.keyring.map((k) => k.kid)).toEqual(['t2', 't1']);
  });

  it('is off when neither is set (or both are empty)', () => {
    expect(parseWorkerEnv(BASE).tracking).toBeNull();
    expect(parseWorkerEnv({ ...BASE, TRACKING_KEYS: '', TRACKER_URL: '' }).tracking).toBeNull();
  });

  it('stops with a sentence naming what to set when only one is set, the URL is not one, or a key is bad', () => {
    expect(() => parseWorkerEnv({ ...BASE, TRACKING_KEYS })).toThrow(/TRACKING_KEYS is set but TRACKER_URL is not/);
    expect(() => parseWorkerEnv({ ...BASE, TRACKER_URL: 'https://t.example.com' })).toThrow(/TRACKER_URL is set but TRACKING_KEYS is not/);
    expect(() => parseWorkerEnv({ ...BASE, TRACKING_KEYS, TRACKER_URL: 'not a url' })).toThrow(/TRACKER_URL/);
    expect(() => parseWorkerEnv({ ...BASE, TRACKING_KEYS: 't1:short', TRACKER_URL: 'https://t.example.com' })).toThrow(WorkerEnvError);
    expect(() => parseWorkerEnv({ ...BASE, TRACKING_KEYS: 't1:short', TRACKER_URL: 'https://t.example.com' })).toThrow(/shorter than 32 bytes/);
  });
});
