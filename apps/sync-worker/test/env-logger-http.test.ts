// The process edges: env validation fails fast with a sentence, the logger redacts credentials, and
// /metrics and /healthz answer.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseWorkerEnv, WorkerEnvError } from '../src/env';
import { startHttpServer } from '../src/http-server';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';

const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const SERVERS = { DATABASE_URL: 'postgres://rs:pw@db.internal:5432/reply_sync', REDIS_URL: 'redis://:pw@redis.internal:6379' };

describe('parseWorkerEnv', () => {
  it('applies the defaults', () => {
    const env = parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY });
    expect(env.SESSION_MAX_MS).toBe(12 * 3600_000);
    expect(env.WATCHDOG_INTERVAL_MS).toBe(45_000);
    expect(env.HANDOVER_TIMEOUT_MS).toBe(20_000);
    expect(env.encryptionKeys.active.id).toBe('k1');
  });
  it("fails fast with the db package's sentence when the keys are missing", () => {
    expect(() => parseWorkerEnv(SERVERS)).toThrow(/REPLY_SYNC_ENCRYPTION_KEYS is not set/);
  });
  it('has no default for DATABASE_URL or REDIS_URL: a missing one stops it with what to set and how the local stack fills it', () => {
    for (const [missing, what] of [['DATABASE_URL', 'the PostgreSQL URL'], ['REDIS_URL', 'the Redis URL']] as const) {
      const source: Record<string, string> = { ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, [missing]: '' };
      expect(() => parseWorkerEnv(source)).toThrow(WorkerEnvError);
      expect(() => parseWorkerEnv(source)).toThrow(new RegExp(`${missing}: not set; set it to ${what}.*reply-sync --stack worker.*npm run -s stack -- env`));
    }
  });
  it('reads the login budget: host rates and extra connections per account, with a sentence for a bad value', () => {
    const env = parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, LOGIN_RATE_PER_HOST: '50,imap.gmail.com=5/s:10', EXTRA_CONNECTIONS_PER_ACCOUNT: '2' });
    expect(env.loginBudget.defaultRate).toEqual({ perSecond: 50, burst: 100 });
    expect(env.loginBudget.hostRates.get('imap.gmail.com')).toEqual({ perSecond: 5, burst: 10 });
    expect(env.loginBudget.extraConnectionsPerAccount).toBe(2);
    expect(parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, LOGIN_RATE_PER_HOST: '' }).loginBudget.defaultRate).toEqual({ perSecond: 20, burst: 40 });
    expect(() => parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, LOGIN_RATE_PER_HOST: 'lots' })).toThrow(WorkerEnvError);
    expect(() => parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, EXTRA_CONNECTIONS_PER_ACCOUNT: '20' })).toThrow(/EXTRA_CONNECTIONS_PER_ACCOUNT is "20"/);
  });
  it('names the variable that is wrong', () => {
    expect(() => parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, HANDOVER_TIMEOUT_MS: 'soon' })).toThrow(/HANDOVER_TIMEOUT_MS/);
    expect(() => parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
  it('refuses a remote PostgreSQL or Redis without a password, unless told the server authenticates another way', () => {
    const open = { DATABASE_URL: 'postgres://rs@db.internal:5432/reply_sync', REDIS_URL: 'redis://redis.internal:6379' };
    const source = { ...open, REPLY_SYNC_ENCRYPTION_KEYS: KEY };
    expect(() => parseWorkerEnv(source)).toThrow(WorkerEnvError);
    expect(() => parseWorkerEnv(source)).toThrow(/DATABASE_URL points at db\.internal, which is not this machine, without a password.*REDIS_URL points at redis\.internal/);
    expect(() => parseWorkerEnv({ ...source, PGPASSWORD: 'pw', REDIS_URL: SERVERS.REDIS_URL })).not.toThrow();
    expect(() => parseWorkerEnv({ ...source, REPLY_SYNC_ALLOW_UNAUTHENTICATED: 'true' })).not.toThrow();
    // Loopback servers (the local stack, a sidecar) need no password.
    expect(() => parseWorkerEnv({ DATABASE_URL: 'postgres://rs@127.0.0.1:5432/r', REDIS_URL: 'redis://localhost:6379', REPLY_SYNC_ENCRYPTION_KEYS: KEY })).not.toThrow();
  });
  it("says when a URL's TLS files cannot be read", () => {
    const source = { ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY };
    expect(() => parseWorkerEnv({ ...source, DATABASE_URL: `${SERVERS.DATABASE_URL}?sslmode=verify-full&sslrootcert=/nope.pem` })).toThrow(
      /sslrootcert=\/nope\.pem cannot be read/,
    );
    expect(() => parseWorkerEnv({ ...source, REDIS_URL: 'rediss://:pw@redis.internal:6380?ssl_ca_certs=/nope.pem' })).toThrow(/ssl_ca_certs=\/nope\.pem cannot be read/);
  });
  it('says when the CA file cannot be read', () => {
    expect(() => parseWorkerEnv({ ...SERVERS, REPLY_SYNC_ENCRYPTION_KEYS: KEY, REPLY_SYNC_TLS_CA_FILE: '/nope.pem' })).toThrow(/REPLY_SYNC_TLS_CA_FILE/);
  });
});

describe('logger', () => {
  it('redacts passwords and tokens wherever they sit', () => {
    let out = '';
    const destination = new Writable({ write(chunk, _enc, cb) { out += chunk.toString(); cb(); } });
    const logger = createLogger({ destination });
    logger.info({ password: 'hunter2', auth: { user: 'a', pass: 'p4ss' }, inbox: { credentials: { accessToken: 'tok' } } }, 'x');
    expect(out).not.toMatch(/hunter2|p4ss|tok"/);
    expect(out).toContain('[redacted]');
  });
});

describe('http server', () => {
  it('serves /metrics and /healthz', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.repliesLogged.inc();
    let healthy = true;
    const server = await startHttpServer({ port: 0, host: '127.0.0.1' }, metrics, { healthy: () => healthy, details: () => ({ sessions: 3 }) });
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(text).toContain('reply_sync_replies_logged_total 1');
      expect(text).toContain('reply_sync_reply_latency_seconds_bucket');
      const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, sessions: 3 });
      healthy = false;
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
