// A tracked send over the API with a real sync worker configured from its environment (TRACKING_KEYS,
// TRACKER_URL): POST /v1/emails with track: true; GET /v1/sends/{id} shows the tracking plan with a code
// and a sentence per reason, and the message that reaches the recipient carries the tracker's pixel.
import { randomBytes } from 'node:crypto';
import { createRedisConnection, createSendQueue, deleteFleet, type SendQueue } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { createMailUser, openImap, removeMailUser, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { parseIpRanges, parseTrackingKeys, TRACKING_PLAN_SENTENCES } from '@reply-sync/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

const TRACKING_KEYS = `s1:${randomBytes(32).toString('hex')}`;
let api: TestApi;
let a: TestAccount;
let ana: MailUser;
let bob: MailUser;
let key: string;
let inboxId: string;
let base: string;
let worker: RunningWorker;
let sendQueue: SendQueue;
const queues = { inbox: uniqueName('api-tracked-inboxes'), send: uniqueName('api-tracked-sends') };

beforeAll(async () => {
  sendQueue = createSendQueue({ redisUrl: stack.redisUrl, name: queues.send });
  api = await startTestApi({ sendQueue, tracking: { keys: parseTrackingKeys(TRACKING_KEYS), appleRanges: parseIpRanges('192.0.2.0/24'), flushIntervalMs: 20 } });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
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
    env: parseWorkerEnv({
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
      REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
      REPLY_SYNC_QUEUE: queues.inbox,
      REPLY_SYNC_SEND_QUEUE: queues.send,
      TRACKING_KEYS,
      TRACKER_URL: base,
    }),
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
  await Promise.all([ana, bob].filter(Boolean).map((u) => removeMailUser(u).catch(() => undefined)));
  await api?.close();
});

describe('POST /v1/emails with track: true', () => {
  it('is sent with a pixel, and the outcome shows who is tracked and why', async () => {
    const payload = { inboxId, to: [bob.address], subject: 'Tracked proposal', text: 'See https://example.com/p', html: '<p>See <a href="https://example.com/p">the proposal</a></p>', track: true };
    const queued = await api.app.inject({ method: 'POST', url: '/v1/emails', headers: bearer(key), payload });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'pending', track: true, tracking: null });
    const sent = await waitFor(
      async () => {
        const res = await api.app.inject({ method: 'GET', url: `/v1/sends/${queued.json().id}`, headers: bearer(key) });
        return res.json().status === 'sent' ? res.json() : null;
      },
      { what: 'the tracked send sent', timeoutMs: 30_000 },
    );
    expect(sent.tracking).toEqual({
      pixel: 'personal',
      clicks: true,
      reasons: [{ code: 'tracked_personal', sentence: TRACKING_PLAN_SENTENCES.tracked_personal }],
      recipients: [{ address: bob.address.toLowerCase(), tracking: 'personal', reason: { code: 'tracked_personal', sentence: TRACKING_PLAN_SENTENCES.tracked_personal } }],
    });
    const source = await waitFor(
      async () => {
        const client = await openImap(bob);
        try {
          const lock = await client.getMailboxLock('INBOX', { readOnly: true });
          try {
            if (!client.mailbox || client.mailbox.exists === 0) return null;
            for await (const m of client.fetch('1:*', { envelope: true, source: true })) if (m.envelope?.messageId === sent.messageId) return m.source?.toString('utf8') ?? null;
            return null;
          } finally {
            lock.release();
          }
        } finally {
          await client.logout().catch(() => client.close());
        }
      },
      { what: "the tracked email in Bob's INBOX", timeoutMs: 20_000 },
    );
    // Quoted-printable may fold the long URL: compare without soft line breaks.
    const unfolded = source.replace(/=\r?\n/g, '');
    expect(unfolded).toContain(`${base}/t/o/`);
    expect(unfolded).toContain(`${base}/t/c/`);
  });

  it('without track: the outcome says tracking was not requested and has no plan', async () => {
    const queued = await api.app.inject({ method: 'POST', url: '/v1/emails', headers: bearer(key), payload: { inboxId, to: [bob.address], subject: 'Untracked', html: '<p>hi</p>' } });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ track: false, tracking: null });
  });
});
