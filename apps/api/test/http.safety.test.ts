// The API as it runs (runApi, a real listening socket, the Redis rate-limit store): loopback by default,
// secure headers, no CORS unless configured, the reference page served from the package alone, a body
// limit, and a rate limit per key shared through Redis.
import { createAccount, createDb, migrate, scoped } from '@reply-sync/db';
import { stack, uniqueName } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/env';
import { runApi, type RunningApi } from '../src/run-api';

let running: RunningApi;
let keys: string[];
const RATE = 5;

beforeAll(async () => {
  await migrate(stack.databaseUrl);
  const db = createDb(stack.databaseUrl, { max: 1 });
  const account = await createAccount(db.db, uniqueName('api-http'));
  const s = scoped(db.db, account.id);
  keys = [(await s.apiKeys.create({ scopes: ['read'] })).key, (await s.apiKeys.create({ scopes: ['read'] })).key, (await s.apiKeys.create({ scopes: ['write'] })).key];
  await db.close();
  const env = parseApiEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, API_PORT: '0', API_RATE_LIMIT: String(RATE), API_BODY_LIMIT: '2048', LOG_LEVEL: 'error' });
  expect(env.API_HOST).toBe('127.0.0.1');
  running = await runApi(env, { handleSignals: false });
});
afterAll(async () => {
  await running?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${running.url}${path}`, { headers });

describe('the API over HTTP', () => {
  it('listens on loopback and sends secure headers, and no CORS headers when none are configured', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await get('/healthz', { origin: 'https://crm.example' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the reference page and everything it loads from this server only', async () => {
    const page = await (await get('/docs/')).text();
    const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) {
      expect(ref, 'no other origin').not.toMatch(/^(https?:)?\/\//);
      expect((await get(new URL(ref, `${running.url}/docs/`).pathname)).status, ref).toBe(200);
    }
    const init = await (await get('/docs/static/swagger-initializer.js')).text();
    expect(init).not.toMatch(/https?:\/\/(?!stackoverflow)/);
    expect(((await (await get('/docs/json')).json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('refuses a body over the limit with a problem', async () => {
    const r = await fetch(`${running.url}/v1/never-log`, { method: 'POST', headers: { authorization: `Bearer ${keys[2]}`, 'content-type': 'application/json' }, body: JSON.stringify({ value: 'x'.repeat(4096) }) });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'body_too_large' });
  });

  it('limits requests per key, counted in Redis, and answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE + 1; i++) statuses.push((await get('/v1/users', { authorization: `Bearer ${keys[1]}` })).status);
    expect(statuses.slice(0, RATE).every((s) => s === 200)).toBe(true);
    const limited = await get('/v1/users', { authorization: `Bearer ${keys[1]}` });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    // Another key has its own count, and the public routes none.
    for (let i = 0; i < RATE + 1; i++) expect((await get('/healthz')).status).toBe(200);
    expect((await get('/v1/users', { authorization: `Bearer ${keys[0]}` })).status).toBe(200);
  });
});
