// `inbox list` and `inbox show` say when an inbox last synced ("never" before its first session), show
// an error only while its run is still going on, and show a run that ended by itself as a recovery in
// the history, with its sentence, never as the current error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusReasonSentence } from '@reply-sync/mail';
import { uniqueName } from '@reply-sync/testkit';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

async function teamInbox() {
  const address = `${uniqueName('support')}@mail.test`;
  const inbox = await t.s.inboxes.create(
    { kind: 'team', address, imapHost: 'imap.mail.test', imapPort: 993, imapTls: 'tls', username: address, credentials: { password: 'p' } },
    t.keys,
  );
  return { ...inbox, address };
}

const DATE = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/.source;

describe('inbox list and show: last synced, current errors and recoveries', () => {
  it('an inbox that had a transient error and then synced shows no current error, the recovery, and when it synced', async () => {
    const inbox = await teamInbox();
    await t.s.inboxes.recordTransientError(inbox.id, 'getaddrinfo ENOTFOUND imap.mail.test');
    await t.s.inboxes.recordTransientError(inbox.id, 'connect ETIMEDOUT 10.0.0.1:993');
    await t.s.inboxes.endErrorRun(inbox.id); // what the worker does once it has logged in and examined INBOX again

    const list = await cli(['inbox', 'list', '--account', t.accountId]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`last synced: ${DATE}`));
    expect(list.stdout).not.toContain('last error:');
    expect(list.stdout).toMatch(new RegExp(`recovered at ${DATE} from: connect ETIMEDOUT 10\\.0\\.0\\.1:993 \\(errors from ${DATE} to ${DATE}\\)`));

    const [entry] = (await cli(['inbox', 'list', '--account', t.accountId, '--json'])).json();
    expect(entry).toMatchObject({ id: inbox.id, status: 'connected', lastError: null, lastErrorAt: null, firstErrorAt: null });
    expect(new Date(entry.lastSyncedAt).getTime()).not.toBeNaN();
    expect(entry.lastRecovery).toMatchObject({ error: 'connect ETIMEDOUT 10.0.0.1:993' });
    expect(new Date(entry.lastRecovery.firstErrorAt).getTime()).toBeLessThanOrEqual(new Date(entry.lastRecovery.lastErrorAt).getTime());

    const sentence = statusReasonSentence('recovered', { address: inbox.address });
    const show = await cli(['inbox', 'show', '--account', t.accountId, inbox.id]);
    expect(show.stdout.split('history (newest first)')[0]).not.toContain('last error:');
    expect(show.stdout).toMatch(
      new RegExp(`history \\(newest first\\):\\n    ${DATE}  connected \\(recovered\\)\\n      ${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n      last error: connect ETIMEDOUT`),
    );
    const d = (await cli(['inbox', 'show', '--account', t.accountId, '--json', inbox.id])).json();
    expect(d).toMatchObject({ lastError: null, lastRecovery: { error: 'connect ETIMEDOUT 10.0.0.1:993' } });
    expect(d.history.map((h: { reason: string | null }) => h.reason)).toEqual(['recovered', null]);
    expect(d.history[0]).toMatchObject({ status: 'connected', reasonSentence: sentence, detail: 'connect ETIMEDOUT 10.0.0.1:993' });
    expect(d.history[0].firstErrorAt).toBe(entry.lastRecovery.firstErrorAt);
  });

  it('an inbox still failing shows its current error and since when; one never synced says so', async () => {
    const inbox = await teamInbox();
    await t.s.inboxes.recordTransientError(inbox.id, 'connect ECONNREFUSED 10.0.0.1:993');

    const list = await cli(['inbox', 'list', '--account', t.accountId]);
    expect(list.stdout).toContain('last synced: never');
    expect(list.stdout).toMatch(new RegExp(`last error: connect ECONNREFUSED 10\\.0\\.0\\.1:993 \\(errors from ${DATE} to ${DATE}\\)`));
    expect(list.stdout).not.toContain('recovered');
    const [entry] = (await cli(['inbox', 'list', '--account', t.accountId, '--json'])).json();
    expect(entry).toMatchObject({ lastSyncedAt: null, lastError: 'connect ECONNREFUSED 10.0.0.1:993', lastRecovery: null });
    expect(new Date(entry.firstErrorAt).getTime()).not.toBeNaN();
  });
});
