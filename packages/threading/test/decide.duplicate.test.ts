import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { context, replyFacts } from './builders';

describe('rule 1, duplicate: a Message-ID already on the timeline is not logged again', () => {
  it('skips a message whose Message-ID is already logged for the account', () => {
    expect(decide(replyFacts(), context({ alreadyLogged: true }))).toEqual({ action: 'skip', reason: 'duplicate' });
  });

  it('logs the same message when it is not yet logged', () => {
    expect(decide(replyFacts(), context()).action).toBe('log');
  });
});
