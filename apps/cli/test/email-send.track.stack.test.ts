// `email send --track` against the real stack, with a sync worker configured for tracking (TRACKING_KEYS,
// TRACKER_URL): the outcome prints the tracking plan (JSON and text), and an email to two recipients is
// tracked anonymously.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, createSendQueue, deleteFleet } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { createMailUser, removeMailUser, stack, uniqueName, type MailUser } from '@reply-sync/testkit';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let ana: MailUser;
let bob: MailUser;
let carol: MailUser;
let worker: RunningWorker | undefined;
let dir = '';
const queues = { inbox: '', send: '' };
beforeEach(async () => {
  [t, ana, bob, carol] = await Promise.all([freshAccount(), createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  queues.inbox = uniqueName('cli-track-inboxes');
  queues.send = uniqueName('cli-track-sends');
  dir = mkdtempSync(join(tmpdir(), 'cli-track-'));
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  const sends = createSendQueue({ redisUrl: stack.redisUrl, name: queues.send });
  await sends.obliterate({ force: true }).catch(() => undefined);
  await sends.close();
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  await deleteFleet(redis, queues.inbox).finally(() => redis.disconnect());
  await Promise.all([ana, bob, carol].map((u) => removeMailUser(u).catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
}, 150_000);

describe('email send --track', () => {
  it('prints who is tracked and why; two recipients are tracked anonymously', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const a = ['--account', t.accountId];
    const p = stack.profiles.standard;
    expect((await cli(['user', 'add', ...a, '--email', ana.address], { env })).code).toBe(0);
    for (const u of [bob, carol]) expect((await cli(['contact', 'add', ...a, '--email', u.address], { env })).code).toBe(0);
    const connect = await cli(
      ['inbox', 'connect', ...a, '--user', ana.address, '--address', ana.address, '--host', p.host, '--port', String(p.imapPort), '--tls', 'starttls', '--username', ana.user,
        '--smtp-host', stack.smtp.host, '--smtp-port', String(stack.smtp.submissionPort), '--smtp-tls', 'starttls', '--password-env', 'PW', '--json'],
      { env },
    );
    expect(connect.stderr).toBe('');
    const inboxId: string = connect.json().inbox.id;
    worker = await startWorker({
      env: parseWorkerEnv({
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: stack.redisUrl,
        REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
        REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
        REPLY_SYNC_QUEUE: queues.inbox,
        REPLY_SYNC_SEND_QUEUE: queues.send,
        TRACKING_KEYS: `c1:${randomBytes(32).toString('hex')}`,
        TRACKER_URL: 'http://127.0.0.1:9/',
      }),
      logger: createLogger({ level: 'silent' }),
      metricsPort: false,
    });
    const html = join(dir, 'body.html');
    writeFileSync(html, '<p>Our <a href="https://example.com/terms">terms</a>.</p>');
    const send = ['email', 'send', ...a, '--inbox', inboxId, '--subject', 'Terms', '--text', 'Our terms: https://example.com/terms', '--html-file', html, '--track', '--wait', '--timeout', '45'];

    const one = await cli([...send, '--to', bob.address, '--key', uniqueName('k'), '--json'], { env });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.json()).toMatchObject({ track: true, tracking: { pixel: 'personal', clicks: true, reasons: ['tracked_personal'], recipients: [{ address: bob.address.toLowerCase(), tracking: 'personal' }] } });

    const two = await cli([...send, '--to', bob.address, '--cc', carol.address, '--key', uniqueName('k')], { env });
    expect(two.stderr).toBe('');
    expect(two.code).toBe(0);
    expect(two.stdout).toContain('tracking: pixel anonymous, clicks tracked');
    expect(two.stdout).toContain('anonymous_several_recipients: The email goes to several recipients');
  }, 120_000);
});
