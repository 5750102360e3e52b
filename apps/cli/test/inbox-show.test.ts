// `inbox show` gives support staff the disconnect reason code, its sentence, the provider's own text,
// since when, and the status history; `--json` parses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disconnectSentence } from '@reply-sync/mail';
import { uniqueName } from '@reply-sync/testkit';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

describe('inbox show', () => {
  it('prints the disconnect reason, the provider text and the history', async () => {
    const address = `${uniqueName('gina')}@gmail.test`;
    const user = await t.s.users.add({ email: address });
    const inbox = await t.s.inboxes.create(
      { userId: user.id, kind: 'personal', provider: 'gmail', address, imapHost: 'imap.gmail.com', imapPort: 993, imapTls: 'tls', username: address, authKind: 'oauth2', credentials: { refreshToken: 'r' } },
      t.keys,
    );
    const providerText = 'invalid_grant: Token has been expired or revoked.';
    await t.s.inboxes.markDisconnected(inbox.id, 'oauth_revoked', providerText);

    const human = await cli(['inbox', 'show', '--account', t.accountId, inbox.id]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    const sentence = disconnectSentence('oauth_revoked', { address });
    expect(human.stdout).toContain('status: disconnected (oauth_revoked)');
    expect(human.stdout).toContain(sentence);
    expect(human.stdout).toContain(`server said: ${providerText}`);
    expect(human.stdout).toContain('provider: gmail (OAuth)');
    expect(human.stdout).toMatch(/history \(newest first\):\n\s+\S+ \S+ UTC\s+disconnected \(oauth_revoked\)/);

    const json = await cli(['inbox', 'show', '--account', t.accountId, '--json', inbox.id]);
    const d = json.json();
    expect(d).toMatchObject({ id: inbox.id, status: 'disconnected', reason: 'oauth_revoked', reasonSentence: sentence, reasonDetail: providerText, authKind: 'oauth2' });
    expect(d.history[0]).toMatchObject({ status: 'disconnected', reason: 'oauth_revoked', reasonSentence: sentence, detail: providerText });
    expect(new Date(d.statusSince).getTime()).not.toBeNaN();

    const missing = await cli(['inbox', 'show', '--account', t.accountId, '--json', '00000000-0000-0000-0000-000000000000']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('inbox_not_found');
  });
});
