// POST /v1/explain/look on the real stack: a reply a server-side filter filed in a subfolder (the worker
// reads only the INBOX) is found by the look in that folder and recorded `not_in_inbox` with it, with a
// support key; a look again finds its decision already recorded; an inbox that never answers is left to the
// deadline, which answers with what was found so far and names the inbox it did not search.
import { parseEncryptionKeys } from '@reply-sync/db';
import { addContact, connectInbox, logEmail } from '@reply-sync/operations';
import { createLoginBudget, createRedisConnection, DEFAULT_LOGIN_BUDGET } from '@reply-sync/queue';
import { appendTo, composeEmail, createMailbox, createMailUser, startLineServer, stack, uniqueName, type LineServer, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let ana: MailUser;
let bob: MailUser;
let anaInboxId: string;
let silent: LineServer;
const stamp = uniqueName('look');
const proposalId = `<proposal-${stamp}@crm.example>`;
const filedReplyId = `<filed-${stamp}@acme.example>`;

beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  [ana, bob] = await Promise.all([createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  await a.s.users.add({ email: ana.address, name: 'Ana Seller' });
  await addContact(a.s, { email: bob.address, name: 'Bob Buyer', ownerEmail: ana.address });
  const p = stack.profiles.standard;
  const connected = await connectInbox(a.s, { userEmail: ana.address, address: ana.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: ana.user, password: ana.password }, { keys: parseEncryptionKeys(stack.encryptionKeys), tlsCa: stack.caCert });
  anaInboxId = connected.inbox.id;
  await logEmail(a.s, { raw: await composeEmail({ from: `Ana Seller <${ana.address}>`, to: bob.address, subject: 'Proposal for Acme', messageId: proposalId, text: 'Here it is.' }), userEmail: ana.address });
  await createMailbox(ana, 'Acme');
  await appendTo(ana, 'Acme', await composeEmail({ from: `Bob Buyer <${bob.address}>`, to: ana.address, subject: 'Re: Proposal for Acme', messageId: filedReplyId, inReplyTo: proposalId, references: proposalId, text: 'Filed away.' }));
  // Accepts the connection and never greets: a mail server that hangs.
  silent = await startLineServer(() => () => undefined);
});
afterAll(async () => {
  await silent?.close();
  await api?.close();
});

const look = async (key: string, body: object) => api.app.inject({ method: 'POST', url: '/v1/explain/look', headers: bearer(key), payload: body });

describe('POST /v1/explain/look', () => {
  it('finds a reply filed in a subfolder and records not_in_inbox with the folder, for a support key', async () => {
    const support = await a.key(['support']);
    expect((await a.s.decisions.forMessageId(filedReplyId))).toEqual([]);
    const r = await look(support, { messageId: filedReplyId });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.look).toMatchObject({
      messageId: filedReplyId,
      inboxesSearched: [{ id: anaInboxId, address: ana.address }],
      found: [{ inbox: { id: anaInboxId }, mailbox: 'Acme', reasonCode: 'not_in_inbox', sentence: expect.stringContaining('not in the INBOX'), outcome: 'recorded' }],
      problems: [],
      notSearched: [],
      deadlineReached: false,
      loginBudget: { applied: false, note: 'this API runs without Redis' },
    });
    // The explanation after the look holds the decision it recorded.
    expect(body.decisions.map((d: { reasonCode: string; mailbox: string }) => [d.reasonCode, d.mailbox])).toEqual([['not_in_inbox', 'Acme']]);
    expect((await a.s.decisions.forMessageId(filedReplyId)).map((d) => [d.reasonCode, d.mailbox])).toEqual([['not_in_inbox', 'Acme']]);
    // Headers only: nothing of the message's body in the answer.
    expect(r.body).not.toContain('Filed away');

    const again = (await look(support, { messageId: filedReplyId, inboxId: anaInboxId })).json();
    expect(again.look.found).toMatchObject([{ mailbox: 'Acme', outcome: 'already_recorded' }]);
    expect(await a.s.decisions.forMessageId(filedReplyId)).toHaveLength(1);
  });

  it('answers by its deadline with what it found, naming the inbox that did not answer in time', async () => {
    const user = await a.s.users.add({ email: `hang-${stamp}@mail.test`, name: 'Hang' });
    const hanging = await a.s.inboxes.create(
      { kind: 'personal', userId: user.id, address: user.email, imapHost: '127.0.0.1', imapPort: silent.port, imapTls: 'starttls', username: 'hang', credentials: { password: 'pw' } },
      parseEncryptionKeys(stack.encryptionKeys),
    );
    const started = Date.now();
    const r = await look(await a.key(['support']), { messageId: filedReplyId, deadlineSeconds: 6 });
    const tookMs = Date.now() - started;
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().look).toMatchObject({
      inboxesSearched: [{ id: anaInboxId }],
      found: [{ inbox: { id: anaInboxId }, mailbox: 'Acme', outcome: 'already_recorded' }],
      problems: [],
      notSearched: [{ id: hanging.id, address: user.email }],
      deadlineReached: true,
    });
    // By the deadline, not the IMAP client's own greeting timeout (16 s).
    expect(tookMs).toBeLessThan(12_000);
    await a.s.inboxes.remove(hanging.id);
  });

  it("goes through the fleet's login budget: while the account's only slot is held, the deadline leaves the inbox unsearched", async () => {
    const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
    const budget = createLoginBudget(redis, { ...DEFAULT_LOGIN_BUDGET, extraConnectionsPerAccount: 1 }, { prefix: uniqueName('look-budget') });
    const budgeted = await startTestApi({ lookBudget: budget });
    try {
      const b = await budgeted.account();
      await b.s.users.add({ email: ana.address, name: 'Ana Seller' });
      const p = stack.profiles.standard;
      const inbox = (await connectInbox(b.s, { userEmail: ana.address, address: ana.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: ana.user, password: ana.password }, { keys: parseEncryptionKeys(stack.encryptionKeys), tlsCa: stack.caCert })).inbox;
      const key = await b.key(['support']);
      const call = (body: object) => budgeted.app.inject({ method: 'POST', url: '/v1/explain/look', headers: bearer(key), payload: body });

      const held = await budget.acquireConnection({ host: p.host, username: ana.user });
      const started = Date.now();
      const waited = await call({ messageId: filedReplyId, deadlineSeconds: 2 });
      // By the deadline, not the look's own 15 s wait for a slot.
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(waited.json().look).toMatchObject({ inboxesSearched: [], found: [], notSearched: [{ id: inbox.id }], deadlineReached: true, loginBudget: { applied: true } });
      expect(await b.s.decisions.forMessageId(filedReplyId)).toEqual([]);

      await held.release();
      const searched = await call({ messageId: filedReplyId, deadlineSeconds: 10 });
      expect(searched.json().look).toMatchObject({ inboxesSearched: [{ id: inbox.id }], found: [{ mailbox: 'Acme', reasonCode: expect.any(String), outcome: 'recorded' }], notSearched: [], loginBudget: { applied: true } });
    } finally {
      await budgeted.close();
      await redis.quit();
    }
  });

  it("searches only the key's own account: another account's look finds nothing of A's message", async () => {
    const b = await api.account();
    const carol = await createMailUser({ profile: 'standard' });
    await b.s.users.add({ email: carol.address, name: 'Carol' });
    const p = stack.profiles.standard;
    const carolInbox = await connectInbox(b.s, { userEmail: carol.address, address: carol.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: carol.user, password: carol.password }, { keys: parseEncryptionKeys(stack.encryptionKeys), tlsCa: stack.caCert });
    const before = await a.s.decisions.forMessageId(filedReplyId);
    const r = await look(await b.key(['support']), { messageId: filedReplyId });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ decisions: [], loggedEmail: null, look: { inboxesSearched: [{ id: carolInbox.inbox.id }], found: [], problems: [], notSearched: [] } });
    expect(r.body).not.toContain(anaInboxId);
    expect(r.body).not.toContain(ana.address);
    // A's inbox by id is not B's: 404, as a missing inbox, and nothing searched.
    const other = await look(await b.key(['support']), { messageId: filedReplyId, inboxId: anaInboxId });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('inbox_not_found');
    expect(await a.s.decisions.forMessageId(filedReplyId)).toEqual(before);
    expect(await b.s.decisions.forMessageId(filedReplyId)).toEqual([]);
  });

  it('refuses a write-only key, a deadline past its maximum and a malformed Message-ID with their codes', async () => {
    const support = await a.key(['support']);
    const long = await look(support, { messageId: filedReplyId, deadlineSeconds: 600 });
    expect(long.statusCode).toBe(400);
    expect(long.json().detail).toContain('deadlineSeconds');
    const writeOnly = await look(await a.key(['write']), { messageId: filedReplyId });
    expect(writeOnly.statusCode).toBe(403);
    expect(writeOnly.json().code).toBe('scope_missing');
    const bad = await look(support, { messageId: 'not a message id' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_message_id');
  });
});
