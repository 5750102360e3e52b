// The OpenAPI document is generated from the route schemas: it passes a validator, lists every route the
// app registered (with the scopes it needs), and a route that declares no access cannot register.
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enforceAccess } from '../src/access';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
let doc: any;
beforeAll(async () => {
  api = await startTestApi();
  doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(async () => {
  await api?.close();
});

/** `/v1/inboxes/:id` → `/v1/inboxes/{id}`, as OpenAPI writes paths. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the app registered, each API route with the scopes it needs', () => {
    // The console's pages are HTML behind a session cookie, not API routes: not in the document.
    const routes = api.app.declaredRoutes.filter((r) => r.url !== '/openapi.json' && r.access !== 'console');
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    for (const r of routes.filter((r) => r.access !== 'public')) {
      const op = doc.paths[openApiPath(r.url)][r.method.toLowerCase()];
      expect(op.security, `${r.method} ${r.url}`).toEqual([{ apiKey: expect.arrayContaining([expect.stringMatching(/^(read|write|support)$/)]) }]);
    }
    // The other direction: nothing in the document that the app does not serve.
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.filter((d) => !served.has(d))).toEqual([]);
  });

  it('documents Idempotency-Key on every POST and problem+json errors', () => {
    const posts = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) => (ops.post ? [[path, ops.post]] : [])) as [string, any][];
    expect(posts.length).toBeGreaterThan(3);
    for (const [path, op] of posts) {
      expect(op.parameters?.some((p: any) => p.in === 'header' && p.name === 'idempotency-key'), path).toBe(true);
      expect(op.responses['401'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    }
  });
});

describe('scoped()', () => {
  it('refuses to register a route that declares no access', async () => {
    const app = Fastify();
    enforceAccess(app, async () => {
      throw new Error('not called');
    });
    expect(() => app.get('/v1/forgotten', async () => ({ secret: true }))).toThrow(/GET \/v1\/forgotten declares no access/);
    await app.close();
  });
});
