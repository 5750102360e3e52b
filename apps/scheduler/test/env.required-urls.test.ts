// The scheduler has no default for its servers: a missing DATABASE_URL or REDIS_URL stops it at start
// with what to set and how the local stack fills it, rather than it talking to the stack's ports.
import { describe, expect, it } from 'vitest';
import { parseSchedulerEnv, SchedulerEnvError } from '../src/env';

const SERVERS = { DATABASE_URL: 'postgres://rs:pw@db.internal:5432/reply_sync', REDIS_URL: 'redis://:pw@redis.internal:6379' };

describe('parseSchedulerEnv', () => {
  it('takes the servers it is given', () => {
    expect(parseSchedulerEnv(SERVERS)).toMatchObject(SERVERS);
  });

  it.each([
    ['DATABASE_URL', 'the PostgreSQL URL'],
    ['REDIS_URL', 'the Redis URL'],
  ])('%s unset or empty: a sentence naming it, what to set and the --stack way', (missing, what) => {
    for (const value of [undefined, '']) {
      const source = { ...SERVERS, [missing]: value };
      expect(() => parseSchedulerEnv(source)).toThrow(SchedulerEnvError);
      expect(() => parseSchedulerEnv(source)).toThrow(new RegExp(`${missing}: not set; set it to ${what}.*reply-sync --stack scheduler.*npm run -s stack -- env`));
    }
  });

  it('refuses a remote Redis without a password, naming how to fix it', () => {
    const source = { ...SERVERS, REDIS_URL: 'redis://redis.internal:6379' };
    expect(() => parseSchedulerEnv(source)).toThrow(/REDIS_URL points at redis\.internal, which is not this machine, without a password: put it in the URL/);
    expect(parseSchedulerEnv({ ...source, REPLY_SYNC_ALLOW_UNAUTHENTICATED: 'true' })).toMatchObject(source);
  });
});
