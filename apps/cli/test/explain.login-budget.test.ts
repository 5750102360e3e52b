// `explain` searching an inbox is a short extra IMAP connection, so it takes one of the account's slots
// in the fleet's login budget (as the workers' Sent copies do): it waits while the slots are taken, and
// without a Redis to ask it still searches and says the budget was not applied.
import { createLoginBudget, createRedisConnection, DEFAULT_LOGIN_BUDGET } from '@reply-sync/queue';
import { closedPort, createMailUser, removeMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliEnv, connectTestInbox, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let ana: MailUser;
beforeEach(async () => {
  [t, ana] = await Promise.all([freshAccount(), createMailUser({ profile: 'standard' })]);
  await connectTestInbox(t, ana);
});
afterEach(async () => {
  await t?.close();
  await removeMailUser(ana).catch(() => undefined);
});

describe("explain and the account's connection slots", () => {
  it('waits while the only slot is held elsewhere, then searches', async () => {
    const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
    try {
      const holder = createLoginBudget(redis, { ...DEFAULT_LOGIN_BUDGET, extraConnectionsPerAccount: 1 });
      const held = await holder.acquireConnection({ host: stack.profiles.standard.host, username: ana.user });
      setTimeout(() => void held.release(), 1_000);
      const started = Date.now();
      const run = await cli(['explain', '--account', t.accountId, '--json', '<nowhere@acme.test>'], {
        env: cliEnv({ REDIS_URL: stack.redisUrl, EXTRA_CONNECTIONS_PER_ACCOUNT: '1' }),
      });
      expect(run.stderr).toBe('');
      expect(run.json().looked).toMatchObject({ inboxesSearched: [expect.objectContaining({ address: ana.address })], problems: [], loginBudget: { applied: true } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await redis.quit();
    }
  });

  it('without a Redis that answers it still searches, and says the budget was not applied', async () => {
    const run = await cli(['explain', '--account', t.accountId, '<nowhere@acme.test>'], { env: cliEnv({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Looked for it in the folders of: ${ana.address}.`);
    expect(run.stdout).toContain('It is in none of their folders');
    expect(run.stdout).toMatch(/Redis could not be asked for the login budget .* went without the fleet's login budget/);
    const unset = await cli(['explain', '--account', t.accountId, '--json', '<nowhere@acme.test>']);
    expect(unset.json().looked.loginBudget).toEqual({ applied: false, note: expect.stringContaining('REDIS_URL is not set') });
  });

  it('a malformed LOGIN_RATE_PER_HOST stops it with the sentence', async () => {
    const run = await cli(['explain', '--account', t.accountId, '<nowhere@acme.test>'], { env: cliEnv({ LOGIN_RATE_PER_HOST: 'lots' }) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('LOGIN_RATE_PER_HOST entry "lots" is not [host=]rate[/s|/m][:burst]');
  });
});
