// Sending over the API with a real sync worker and Postfix: POST /v1/emails saves and queues the email,
// GET /v1/sends/{id} goes from pending to sent with the logged email and its Message-ID, the message
// reaches the recipient's INBOX; the same Idempotency-Key is one send; a recipient that is not an address
// is refused before anything is saved.
import { createRedisConnection, createSendQueue, deleteFleet, type SendQueue } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { createMailUser, inboxMessageIds, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let ana: MailUser;
let bob: MailUser;
let key: string;
let inboxId: string;
let worker: RunningWorker;
let sendQueue: SendQueue;
const queues = { inbox: uniqueName('api-send-inboxes'), send: uniqueName('api-send-sends') };

beforeAll(async () => {
  sendQueue = createSendQueue({ redisUrl: stack.redisUrl, name: queues.send });
  api = await startTestApi({ sendQueue });
  a = await api.account();
  [ana, bob] = await Promise.all([createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  key = await a.key(['read', 'write']);
  await a.s.users.add({ email: ana.address, name: 'Ana' });
  await a.s.contacts.add({ email: bob.address, name: 'Bob' });
  const p = stack.profiles.standard;
  const connected = await api.app.inject({
    method: 'POST',
    url: '/v1/inboxes',
    headers: bearer(key),
    payload: { userEmail: ana.address, address: ana.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, smtp: { host: stack.smtp.host, port: stack.smtp.submissionPort, tls: 'starttls' }, username: ana.user, password: ana.password },
  });
  expect(connected.statusCode).toBe(201);
  inboxId = connected.json().inbox.id;
  worker = await startWorker({
    env: parseWorkerEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys, REPLY_SYNC_TLS_CA_FILE: stack.caCertPath, REPLY_SYNC_QUEUE: queues.inbox, REPLY_SYNC_SEND_QUEUE: queues.send }),
    logger: createLogger({ level: 'silent' }),
    metricsPort: false,
  });
});
afterAll(async () => {
  await worker?.close();
  await sendQueue?.obliterate({ force: true }).catch(() => undefined);
  await sendQueue?.close();
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  await deleteFleet(redis, queues.inbox).finally(() => redis.disconnect());
  await api?.close();
});

describe('POST /v1/emails', () => {
  it('queues the send, which the worker sends once; the outcome names the logged email', async () => {
    const payload = { inboxId, to: [`Bob <${bob.address}>`], subject: 'Proposal', text: 'Here it is.', attachments: [{ filename: 'p.txt', contentType: 'text/plain', content: Buffer.from('terms').toString('base64') }], contacts: [bob.address] };
    const queued = await api.app.inject({ method: 'POST', url: '/v1/emails', headers: { ...bearer(key), 'idempotency-key': 'send-1' }, payload });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'pending', inboxId, emailId: null });
    expect(queued.headers.location).toBe(`/v1/sends/${queued.json().id}`);
    const again = await api.app.inject({ method: 'POST', url: '/v1/emails', headers: { ...bearer(key), 'idempotency-key': 'send-1' }, payload });
    expect(again.json().id).toBe(queued.json().id);

    const sent = await waitFor(
      async () => {
        const r = (await api.app.inject({ method: 'GET', url: `/v1/sends/${queued.json().id}`, headers: bearer(key) })).json();
        return r.status === 'pending' ? undefined : r;
      },
      { what: 'the send outcome', timeoutMs: 30_000 },
    );
    expect(sent).toMatchObject({ status: 'sent', messageId: expect.stringMatching(/^<.+>$/), emailId: expect.any(String), rejected: [], failure: null });
    const email = (await api.app.inject({ method: 'GET', url: `/v1/emails/${sent.emailId}`, headers: bearer(key) })).json();
    expect(email).toMatchObject({ direction: 'outbound', source: 'crm_send', subject: 'Proposal', textBody: expect.stringContaining('Here it is.'), attachments: [expect.objectContaining({ filename: 'p.txt' })] });
    await waitFor(async () => ((await inboxMessageIds(bob)).filter((m) => m === sent.messageId).length === 1 ? true : undefined), { what: "the email in Bob's INBOX", timeoutMs: 15_000 });
    expect((await inboxMessageIds(bob)).filter((m) => m === sent.messageId)).toHaveLength(1);
  });

  it('refuses a recipient that is not an address before saving anything', async () => {
    const r = await api.app.inject({ method: 'POST', url: '/v1/emails', headers: bearer(key), payload: { inboxId, to: ['bob at example'], subject: 'x', text: 'y' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'invalid_recipient', detail: expect.stringContaining('bob at example') });
  });
});
