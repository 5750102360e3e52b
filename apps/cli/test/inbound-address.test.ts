// `inbound-address show|rotate`: the account's BCC address at INBOUND_DOMAIN, made once and shown the
// same every time; rotating gives a new one and names the retired one; without INBOUND_DOMAIN it says
// what to set.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

const env = cliEnv({ INBOUND_DOMAIN: 'Log.Example.test' });

describe('inbound-address', () => {
  it('shows a stable BCC address and rotates it', async () => {
    const a = ['--account', t.accountId];
    const first = await cli(['inbound-address', 'show', ...a, '--json'], { env });
    expect(first.stderr).toBe('');
    const shown = first.json() as { bcc: string; forward: string };
    expect(shown.bcc).toMatch(/^bcc-[a-z2-7]{26}@log\.example\.test$/);
    expect(shown.forward).toMatch(/^fwd-[a-z2-7]{26}@log\.example\.test$/);
    expect((await cli(['inbound-address', 'show', ...a, '--json'], { env })).json()).toMatchObject({ bcc: shown.bcc });

    const rotated = await cli(['inbound-address', 'rotate', ...a], { env });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Retired (now refused): ${shown.bcc}`);
    const now = (await cli(['inbound-address', 'show', ...a, '--json'], { env })).json() as { bcc: string; forward: string };
    expect(now.bcc).not.toBe(shown.bcc);
    expect(rotated.stdout).toContain(`New BCC address: ${now.bcc}`);
    expect(now.forward).toBe(shown.forward);
  });

  it('without INBOUND_DOMAIN says what to set', async () => {
    const r = await cli(['inbound-address', 'show', '--account', t.accountId]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('INBOUND_DOMAIN is not set; set it to the domain of the logging addresses');
  });
});
