// LOGIN_RATE_PER_HOST and EXTRA_CONNECTIONS_PER_ACCOUNT as operators write them, and the sentence a
// wrong value gets.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_BUDGET, loginBudgetConfigFromEnv, parseLoginRates, rateFor } from '../src/index';

describe('LOGIN_RATE_PER_HOST', () => {
  it('unset: 20/s (burst 40) for any host, 10/s (burst 20) for Gmail and Microsoft 365', () => {
    const config = loginBudgetConfigFromEnv({});
    expect(rateFor(config, 'mail.example.com')).toEqual({ perSecond: 20, burst: 40 });
    expect(rateFor(config, 'IMAP.gmail.com.')).toEqual({ perSecond: 10, burst: 20 });
    expect(rateFor(config, 'outlook.office365.com')).toEqual({ perSecond: 10, burst: 20 });
    expect(config.extraConnectionsPerAccount).toBe(3);
  });

  it('a bare rate sets the default, host=rate one host; /m is per minute; burst defaults to two seconds\' worth', () => {
    const config = parseLoginRates(' 50 , mail.example.com=600/m:5, imap.gmail.com = 4/s ');
    expect(rateFor(config, 'other.example.com')).toEqual({ perSecond: 50, burst: 100 });
    expect(rateFor(config, 'mail.example.com')).toEqual({ perSecond: 10, burst: 5 });
    expect(rateFor(config, 'imap.gmail.com')).toEqual({ perSecond: 4, burst: 8 });
    expect(rateFor(config, 'outlook.office365.com')).toEqual(DEFAULT_LOGIN_BUDGET.hostRates.get('outlook.office365.com'));
    expect(rateFor(parseLoginRates('0.5/s'), 'x.test')).toEqual({ perSecond: 0.5, burst: 1 });
  });

  it.each([
    ['fast', 'is not [host=]rate[/s|/m][:burst]'],
    ['imap.gmail.com=10/h', 'is not [host=]rate[/s|/m][:burst]'],
    ['imap.gmail.com=0', 'allows no logins'],
    ['10:0', 'has a burst of 0'],
  ])('"%s" stops the app with a sentence', (value, problem) => {
    expect(() => loginBudgetConfigFromEnv({ LOGIN_RATE_PER_HOST: value })).toThrow(problem);
    expect(() => loginBudgetConfigFromEnv({ LOGIN_RATE_PER_HOST: value })).toThrow(/e\.g\. LOGIN_RATE_PER_HOST=/);
  });

  it('EXTRA_CONNECTIONS_PER_ACCOUNT is a whole number from 1 to 14', () => {
    expect(loginBudgetConfigFromEnv({ EXTRA_CONNECTIONS_PER_ACCOUNT: '5' }).extraConnectionsPerAccount).toBe(5);
    for (const bad of ['0', '15', 'many', '2.5']) {
      expect(() => loginBudgetConfigFromEnv({ EXTRA_CONNECTIONS_PER_ACCOUNT: bad })).toThrow(/whole number from 1 to 14/);
    }
  });
});
