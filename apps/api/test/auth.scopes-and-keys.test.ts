// API keys: no key, a wrong one and a revoked one (within API_KEY_TRUSTED_MS of the revoke) answer 401 problem+json; a key's scopes decide what it may
// call (support reads statuses and decisions, never users or bodies; read cannot write); last_used_at
// moves at most once a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_TRUSTED_MS } from '@reply-sync/db/system-queries';
import { waitFor } from '@reply-sync/testkit';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
});
afterAll(async () => {
  await api?.close();
});

const get = (url: string, key?: string) => api.app.inject({ method: 'GET', url, headers: key ? bearer(key) : {} });

describe('authentication', () => {
  it('answers 401 problem+json without a key, with a mistyped one and with a revoked one', async () => {
    const missing = await get('/v1/inboxes');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.json()).toMatchObject({ status: 401, code: 'api_key_missing', type: '/problems/api_key_missing', detail: expect.stringContaining('Authorization: Bearer') });

    const key = await a.key(['read']);
    const wrongSecret = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const bad of [wrongSecret, 'rsk_nothing', 'not-a-key']) {
      const r = await get('/v1/inboxes', bad);
      expect(r.statusCode, bad).toBe(401);
      expect(r.json().code).toBe('api_key_invalid');
    }

    expect((await get('/v1/inboxes', key)).statusCode).toBe(200);
  });

  it('answers 401 to a revoked key within API_KEY_TRUSTED_MS of the revoke, in a process that had verified it', async () => {
    const revoked = await a.s.apiKeys.create({ scopes: ['read'] });
    expect((await get('/v1/inboxes', revoked.key)).statusCode).toBe(200); // verified, so trusted for a while
    await a.s.apiKeys.revoke(revoked.apiKey.prefix);
    const t0 = Date.now();
    const afterRevoke = await waitFor(async () => {
      const r = await get('/v1/inboxes', revoked.key);
      return r.statusCode === 200 ? undefined : r;
    }, { what: 'the revoked key refused', timeoutMs: API_KEY_TRUSTED_MS + 2000, intervalMs: 100 });
    expect(Date.now() - t0).toBeLessThanOrEqual(API_KEY_TRUSTED_MS + 500);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.json().code).toBe('api_key_invalid');
    // A process that had not verified it refuses it at once.
    const other = await startTestApi();
    try {
      expect((await other.app.inject({ method: 'GET', url: '/v1/inboxes', headers: bearer(revoked.key) })).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('still refuses a wrong secret with the prefix of a key it trusts', async () => {
    const key = await a.key(['read']);
    expect((await get('/v1/inboxes', key)).statusCode).toBe(200);
    const wrongSecret = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await get('/v1/inboxes', wrongSecret)).statusCode).toBe(401);
  });

  it('records last_used_at on first use and not again within the minute', async () => {
    const created = await a.s.apiKeys.create({ scopes: ['support'] });
    expect(created.apiKey.lastUsedAt).toBeNull();
    await get('/v1/inboxes', created.key);
    const first = await waitForLastUsed(created.apiKey.id);
    await get('/v1/inboxes', created.key);
    await get('/v1/inboxes', created.key);
    // The touch is fire-and-forget; a third request's would have landed by the time a fourth is answered.
    await get('/healthz');
    const again = (await a.s.apiKeys.list()).find((k) => k.id === created.apiKey.id)!;
    expect(again.lastUsedAt).toEqual(first);
  });
});

async function waitForLastUsed(id: string): Promise<Date> {
  const { waitFor } = await import('@reply-sync/testkit');
  return waitFor(async () => (await a.s.apiKeys.list()).find((k) => k.id === id)?.lastUsedAt ?? undefined, { what: 'last_used_at set', timeoutMs: 5000 });
}

describe('scopes', () => {
  it('lets a support key read statuses and decisions but not users, contacts or timelines, nor write', async () => {
    const support = await a.key(['support']);
    expect((await get('/v1/inboxes', support)).statusCode).toBe(200);
    expect((await get('/v1/explain?messageId=%3Cx%40example.com%3E', support)).statusCode).toBe(200);
    for (const url of ['/v1/users', '/v1/contacts', '/v1/companies', '/v1/never-log']) {
      const r = await get(url, support);
      expect(r.statusCode, url).toBe(403);
      expect(r.json()).toMatchObject({ code: 'scope_missing', detail: expect.stringContaining('needs read') });
    }
    const post = await api.app.inject({ method: 'POST', url: '/v1/never-log', headers: bearer(support), payload: { value: '@example.com' } });
    expect(post.statusCode).toBe(403);
  });

  it('lets a read key read everything but write nothing, and a write key write', async () => {
    const read = await a.key(['read']);
    expect((await get('/v1/users', read)).statusCode).toBe(200);
    const refused = await api.app.inject({ method: 'POST', url: '/v1/never-log', headers: bearer(read), payload: { value: '@refused.example' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('needs write');
    expect(await a.s.neverLog.list()).toEqual([]);
    const write = await a.key(['write']);
    const added = await api.app.inject({ method: 'POST', url: '/v1/never-log', headers: bearer(write), payload: { value: '@allowed.example' } });
    expect(added.statusCode).toBe(201);
    expect((await a.s.neverLog.list()).map((e) => e.value)).toEqual(['allowed.example']);
  });
});

describe('CRM objects', () => {
  it('adds a company and a deal, and a contact linked to both by name', async () => {
    const write = await a.key(['write']);
    const read = await a.key(['read']);
    const company = await api.app.inject({ method: 'POST', url: '/v1/companies', headers: bearer(write), payload: { name: 'Globex', domain: 'Globex.test' } });
    expect(company.statusCode).toBe(201);
    expect(company.json()).toMatchObject({ name: 'Globex', domain: 'globex.test', contactIds: [] });
    const deal = await api.app.inject({ method: 'POST', url: '/v1/deals', headers: bearer(write), payload: { name: 'Globex pilot' } });
    expect(deal.json()).toMatchObject({ name: 'Globex pilot', status: 'open' });
    const contact = await api.app.inject({ method: 'POST', url: '/v1/contacts', headers: bearer(write), payload: { email: 'hank@globex.test', company: 'Globex', deals: ['Globex pilot'] } });
    expect(contact.statusCode).toBe(201);
    expect(contact.json()).toMatchObject({ companyIds: [company.json().id], dealIds: [deal.json().id] });
    const shown = (await get(`/v1/companies/${company.json().id}`, read)).json();
    expect(shown.contactIds).toEqual([contact.json().id]);
    expect((await get(`/v1/deals/${deal.json().id}`, read)).json().contactIds).toEqual([contact.json().id]);
  });
});
