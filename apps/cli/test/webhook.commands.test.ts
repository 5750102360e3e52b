// `reply-sync webhook add|list|attempts|enable|remove`: a private URL is refused with its code and
// sentence unless WEBHOOKS_ALLOW_PRIVATE=true; add prints the secret once (list never does); every
// command answers --json; unknown ids get not_found.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

describe('webhook commands', () => {
  it('add refuses a private URL, then with the setting prints the secret once; list, attempts, remove', async () => {
    const refused = await cli(['webhook', 'add', '--account', t.accountId, '--url', 'http://127.0.0.1:9/hooks', '--events', 'all', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error).toMatchObject({ code: 'private_address' });
    expect(JSON.parse(refused.stderr).error.message).toContain('WEBHOOKS_ALLOW_PRIVATE=true');

    const env = cliEnv({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
    const unknown = await cli(['webhook', 'add', '--account', t.accountId, '--url', 'http://127.0.0.1:9/hooks', '--events', 'email.bounced'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"email.bounced" is not one of email.logged, email.sent');

    const added = await cli(['webhook', 'add', '--account', t.accountId, '--url', 'http://127.0.0.1:9/hooks', '--events', 'email.logged,inbox.disconnected'], { env });
    expect(added.code, added.stderr).toBe(0);
    const secret = /secret: (whsec_\S+)/.exec(added.stdout)![1]!;
    expect(added.stdout).toContain('events: email.logged, inbox.disconnected');

    const list = await cli(['webhook', 'list', '--account', t.accountId, '--json']);
    const [row] = list.json<{ id: string; url: string; enabled: boolean }[]>();
    expect(row).toMatchObject({ url: 'http://127.0.0.1:9/hooks', enabled: true });
    expect(list.stdout).not.toContain(secret);
    expect((await cli(['webhook', 'list', '--account', t.accountId])).stdout).toContain(`${row!.id}  http://127.0.0.1:9/hooks`);

    expect((await cli(['webhook', 'attempts', '--account', t.accountId, '--webhook', row!.id, '--json'])).json()).toEqual([]);
    const removed = await cli(['webhook', 'remove', row!.id, '--account', t.accountId]);
    expect(removed.stdout).toBe(`Removed webhook ${row!.id}.\n`);
    const again = await cli(['webhook', 'remove', 'no-such-id', '--account', t.accountId, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('not_found');
  });
});
