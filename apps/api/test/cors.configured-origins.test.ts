// CORS is off unless API_CORS_ORIGINS names origins; then those origins, and only those, get the headers
// (preflight included), and the access rule still holds for every API route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ corsOrigins: ['https://crm.example'] });
});
afterAll(async () => {
  await api?.close();
});

describe('API_CORS_ORIGINS', () => {
  it('allows the configured origin only, preflight included', async () => {
    const a = await api.account();
    const key = await a.key(['read']);
    const allowed = await api.app.inject({ method: 'GET', url: '/v1/users', headers: { ...bearer(key), origin: 'https://crm.example' } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://crm.example');
    const other = await api.app.inject({ method: 'GET', url: '/v1/users', headers: { ...bearer(key), origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await api.app.inject({ method: 'OPTIONS', url: '/v1/users', headers: { origin: 'https://crm.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://crm.example');
  });
});
