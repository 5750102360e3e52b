// `inbox logging <id> --folders INBOX,Archive | --off`: marks an inbox as the account's catch-all logging
// mailbox with the folders the worker reads (one per account: marking another unmarks the first), and
// refuses hostile folder lists with a code and a sentence; `inbox show` says which inbox it is and its folders.
import { uniqueName } from '@reply-sync/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

const teamInbox = (t: TestAccount) =>
  t.s.inboxes.create(
    { kind: 'team', address: `${uniqueName('log')}@example.test`, imapHost: '127.0.0.1', imapPort: 143, imapTls: 'starttls', username: 'log', credentials: { password: 'p' } },
    t.keys,
  );

describe('inbox logging', () => {
  it('marks, moves and unmarks the logging inbox; refuses bad folder lists', async () => {
    const a = ['--account', t.accountId];
    const first = await teamInbox(t);
    const second = await teamInbox(t);

    const marked = await cli(['inbox', 'logging', ...a, first.id, '--folders', 'inbox, Archive', '--folders', 'Archive', '--json']);
    expect(marked.stderr).toBe('');
    expect(marked.json()).toEqual({ id: first.id, address: first.address, logging: true, folders: ['INBOX', 'Archive'] });
    const before = (await t.s.inboxes.get(first.id))!.credentialsVersion;
    const shown = await cli(['inbox', 'show', ...a, first.id]);
    expect(shown.stdout).toContain('logging mailbox: yes, reading INBOX, Archive');
    expect((await cli(['inbox', 'show', ...a, first.id, '--json'])).json()).toMatchObject({ logging: true, loggingFolders: ['INBOX', 'Archive'] });

    const text = await cli(['inbox', 'logging', ...a, second.id]);
    expect(text.stdout).toContain(`${second.address} (${second.id}) is now the logging mailbox: the worker reads INBOX`);
    expect(await t.s.inboxes.get(first.id)).toMatchObject({ logging: false });
    expect((await cli(['inbox', 'show', ...a, first.id])).stdout).toContain('logging mailbox: no');
    // The running session of the first inbox ends, so the next one reads it the ordinary way.
    expect((await t.s.inboxes.get(first.id))!.credentialsVersion).toBeGreaterThan(before);

    const off = await cli(['inbox', 'logging', ...a, second.id, '--off', '--json']);
    expect(off.json()).toMatchObject({ logging: false, folders: [] });

    const bad = await cli(['inbox', 'logging', ...a, first.id, '--folders', 'Archive\r\nA1 DELETE INBOX', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.code).toBe('invalid_logging_folder');
    const many = await cli(['inbox', 'logging', ...a, first.id, '--folders', Array.from({ length: 21 }, (_, i) => `F${i}`).join(','), '--json']);
    expect(JSON.parse(many.stderr).error.code).toBe('too_many_logging_folders');
    const both = await cli(['inbox', 'logging', ...a, first.id, '--off', '--folders', 'INBOX', '--json']);
    expect(JSON.parse(both.stderr).error.code).toBe('inbox_logging_options');
    const missing = await cli(['inbox', 'logging', ...a, '00000000-0000-0000-0000-000000000000', '--json']);
    expect(JSON.parse(missing.stderr).error.code).toBe('inbox_not_found');
    expect(await t.s.inboxes.get(first.id)).toMatchObject({ logging: false });
  });
});
