// The process edges: env validation fails fast with a sentence, the logger redacts credentials, and
// /metrics and /healthz answer.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseWorkerEnv } from '../src/env';
import { startHttpServer } from '../src/http-server';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';

const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('parseWorkerEnv', () => {
  it('applies the defaults', () => {
    const env = parseWorkerEnv({ REPLY_SYNC_ENCRYPTION_KEYS: KEY });
    expect(env.WORKER_CONCURRENCY).toBe(500);
    expect(env.SESSION_MAX_MS).toBe(300_000);
    expect(env.WATCHDOG_INTERVAL_MS).toBe(120_000);
    expect(env.encryptionKeys.active.id).toBe('k1');
  });
  it("fails fast with the db package's sentence when the keys are missing", () => {
    expect(() => parseWorkerEnv({})).toThrow(/REPLY_SYNC_ENCRYPTION_KEYS is not set/);
  });
  it('names the variable that is wrong', () => {
    expect(() => parseWorkerEnv({ REPLY_SYNC_ENCRYPTION_KEYS: KEY, WORKER_CONCURRENCY: 'many' })).toThrow(/WORKER_CONCURRENCY/);
  });
  it('says when the CA file cannot be read', () => {
    expect(() => parseWorkerEnv({ REPLY_SYNC_ENCRYPTION_KEYS: KEY, REPLY_SYNC_TLS_CA_FILE: '/nope.pem' })).toThrow(/REPLY_SYNC_TLS_CA_FILE/);
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
    const server = await startHttpServer(0, metrics, { healthy: () => healthy, details: () => ({ sessions: 3 }) });
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
