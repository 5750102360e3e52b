// `explain MESSAGE-ID` prints every decision recorded for the message, each with its reason sentence,
// the inbox and the time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REASON_SENTENCES } from '@reply-sync/threading';
import { uniqueName } from '@reply-sync/testkit';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

async function inbox(address: string) {
  const user = await t.s.users.add({ email: address });
  return t.s.inboxes.create(
    { userId: user.id, kind: 'personal', address, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: address, credentials: { password: 'x' } },
    t.keys,
  );
}

describe('explain', () => {
  it('prints the reason sentence of each recorded decision', async () => {
    const ana = await inbox(`${uniqueName('ana')}@mail.test`);
    const ben = await inbox(`${uniqueName('ben')}@mail.test`);
    const messageId = `<${uniqueName('reply')}@acme.test>`;
    await t.s.decisions.record([
      { inboxId: ana.id, uidvalidity: 1, uid: 7, messageId, reasonCode: 'sender_not_contact', detail: 'no contact has the address bob+x@acme.test', fromAddress: 'bob+x@acme.test', subject: 'Re: hi' },
    ]);
    await t.s.decisions.record([{ inboxId: ben.id, uidvalidity: 1, uid: 3, messageId, reasonCode: 'not_thread_owner', fromAddress: 'bob+x@acme.test', subject: 'Re: hi' }]);

    const human = await cli(['explain', '--account', t.accountId, messageId]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Message ${messageId}`);
    expect(human.stdout).toContain(`SKIPPED  sender_not_contact  (inbox ${ana.address}, uid 7)`);
    expect(human.stdout).toContain(REASON_SENTENCES.sender_not_contact);
    expect(human.stdout).toContain('detail: no contact has the address bob+x@acme.test');
    expect(human.stdout).toContain(REASON_SENTENCES.not_thread_owner);

    // Without angle brackets and in another case, the same message.
    const json = await cli(['explain', '--account', t.accountId, '--json', messageId.slice(1, -1).toUpperCase()]);
    expect(json.code).toBe(0);
    const e = json.json();
    expect(e.loggedEmail).toBeNull();
    expect(e.decisions.map((d: { reasonCode: string; sentence: string; inbox: { address: string } }) => [d.reasonCode, d.sentence, d.inbox.address])).toEqual([
      ['sender_not_contact', REASON_SENTENCES.sender_not_contact, ana.address],
      ['not_thread_owner', REASON_SENTENCES.not_thread_owner, ben.address],
    ]);
    expect(new Date(e.decisions[0].at).getTime()).not.toBeNaN();
  });

  it('says so when nothing is recorded', async () => {
    const run = await cli(['explain', '--account', t.accountId, '<nothing-here@acme.test>']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No decision is recorded for it');
  });
});
