// The compiled CLI, as deployed: `npm run build`, then the root package's bin on plain node (no tsx), on
// the local stack. From an empty database to an inbox held by the build's own scheduler and worker
// processes; and what a command loads: --help nothing but commander, `inbox list` the database client
// but no mail, queue or OAuth library (issue 11: heavy libraries only where a command needs them).
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection, createSendQueue, deleteFleet } from '@reply-sync/queue';
import { createMailUser, removeMailUser, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { buildOnce, packagesLoadedBy, runCompiled, startCompiled } from './compiled-cli';

/** Packages that only connecting, syncing, sending or the apps need. */
const NOT_FOR_READING = ['imapflow', 'nodemailer', 'mailparser', 'bullmq', 'ioredis', 'google-auth-library', '@azure/msal-node', 'pino', 'prom-client'];

function urlFor(database: string): string {
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const database = `reply_sync_smoke_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let mailUser: MailUser | undefined;

beforeAll(async () => {
  await buildOnce();
  const admin = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${database}`);
  await admin.end();
});

afterAll(async () => {
  const admin = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  if (mailUser) await removeMailUser(mailUser);
});

describe('the compiled reply-sync', () => {
  it('prints the help with every command, having loaded no package but commander', async () => {
    const r = await packagesLoadedBy(['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: reply-sync');
    for (const command of ['migrate', 'account', 'inbox', 'email', 'timeline', 'explain', 'api-key', 'scheduler', 'worker', 'api', 'webhooks', 'webhook', 'inbound', 'inbound-address', 'demo']) {
      expect(r.stdout).toContain(`  ${command}`);
    }
    expect([...r.packages]).toEqual(['commander']);
  });

  // Its waits are generous (a loaded CI machine starts and stops these processes slowly); the test is that
  // the compiled code runs them at all, and that each stops with 0 on SIGTERM.
  it('migrates an empty database, connects an inbox, lists it, and its scheduler and worker hold it', { timeout: 240_000 }, async () => {
    const databaseUrl = urlFor(database);
    const env = { DATABASE_URL: databaseUrl, REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys, REPLY_SYNC_TLS_CA_FILE: stack.caCertPath };

    // The migrations ship in dist/drizzle, where migrate() looks from the compiled code.
    const migrated = await runCompiled(['migrate', '--json'], env);
    expect(migrated.stderr).toBe('');
    expect(JSON.parse(migrated.stdout)).toEqual({ migrated: true });

    const account = await runCompiled(['account', 'create', 'Smoke', '--json'], env);
    const accountId = (JSON.parse(account.stdout) as { id: string }).id;
    mailUser = await createMailUser();
    const user = await runCompiled(['user', 'add', '--account', accountId, '--email', mailUser.address], env);
    expect(user.code).toBe(0);
    const p = stack.profiles.standard;
    const connected = await runCompiled(
      ['inbox', 'connect', '--account', accountId, '--user', mailUser.address, '--address', mailUser.address, '--host', p.host, '--port', String(p.imapPort), '--tls', 'starttls', '--username', mailUser.user, '--password-env', 'PW', '--json'],
      { ...env, PW: mailUser.password },
    );
    expect(connected.stderr).toBe('');
    const inboxId = (JSON.parse(connected.stdout) as { inbox: { id: string } }).inbox.id;

    const listed = await packagesLoadedBy(['inbox', 'list', '--account', accountId, '--json'], env);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: inboxId, address: mailUser.address, status: 'connected', ownerEmail: mailUser.address }]);
    expect(listed.packages).toContain('postgres');
    expect(NOT_FOR_READING.filter((name) => listed.packages.has(name))).toEqual([]);

    const queueName = uniqueName('smoke-inboxes');
    const appEnv = { ...env, REDIS_URL: stack.redisUrl, REPLY_SYNC_QUEUE: queueName, REPLY_SYNC_SEND_QUEUE: uniqueName('smoke-sends'), METRICS_PORT: '0', LOG_LEVEL: 'info' };
    const scheduler = startCompiled(['scheduler'], appEnv);
    const worker = startCompiled(['worker'], appEnv);
    try {
      // The scheduler's reconcile registers the inbox; the worker that owns its shard baselines its checkpoint.
      await waitFor(() => worker.lines().some((l) => l.inboxId === inboxId && l.msg === 'checkpoint baselined at UIDNEXT-1'), {
        what: `the worker's first session of the inbox (worker: ${JSON.stringify(worker.output())}, scheduler: ${JSON.stringify(scheduler.output())})`,
        timeoutMs: 60_000,
      });
      expect(await worker.stop()).toBe(0);
      expect(await scheduler.stop()).toBe(0);
      expect(worker.output().stderr).toBe('');
      expect(scheduler.output().stderr).toBe('');

      // The API, compiled too, lists the inbox to a key made with the compiled CLI.
      const created = await runCompiled(['api-key', 'create', '--account', accountId, '--scopes', 'support', '--json'], env);
      const { key } = JSON.parse(created.stdout) as { key: string };
      const api = startCompiled(['api'], { ...appEnv, API_PORT: '0' });
      try {
        const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output().stderr)?.[1], { what: `the API listening (${JSON.stringify(api.output())})`, timeoutMs: 60_000 });
        const inboxes = (await (await fetch(`${url}/v1/inboxes`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
        expect(inboxes.data.map((i) => i.id)).toEqual([inboxId]);
      } finally {
        expect(await api.stop()).toBe(0);
      }
    } finally {
      await Promise.all([worker.stop(), scheduler.stop()]);
      const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
      await deleteFleet(redis, queueName).finally(() => redis.disconnect());
      const sends = createSendQueue({ redisUrl: stack.redisUrl, name: appEnv.REPLY_SYNC_SEND_QUEUE });
      await sends.obliterate({ force: true });
      await sends.close();
    }
  });

  it('ends quietly when its reader stops reading (| head)', async () => {
    const r = await runCompiled(['--help'], {}, [], { closeStdout: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('says how to run the demo, and what to set without DATABASE_URL', async () => {
    const demo = await runCompiled(['demo', '--once']);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('`npm run demo`');

    const missing = await runCompiled(['inbox', 'list', '--account', randomUUID()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('DATABASE_URL is not set.');
  });
});
