// Who may call what. Every route declares its access in its options, through scoped(access) or
// publicRoute(); the onRoute hook installed by enforceAccess() refuses to register a route that declares
// neither, and itself attaches authentication and the scope check to every scoped route, so a route
// cannot declare a scope and go unchecked. It also writes the scopes into the OpenAPI document.
import type { ApiKeyScope } from '@reply-sync/db/api-key-scopes';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { AuthContext } from './authenticate';
import { ApiProblem } from './problem';

/**
 * `support`: statuses, history, decisions, explain (a read or support key); `read`: everything else that
 * reads, bodies and attachments included (read keys only); `write`: what creates or changes (write keys).
 */
export type Access = 'read' | 'support' | 'write';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (access.ts); every route declares it. */
    access?: Access | 'public' | 'console';
  }
}

/** The key scopes that grant an access. */
export const ACCEPTED_SCOPES: Record<Access, ApiKeyScope[]> = {
  read: ['read'],
  support: ['read', 'support'],
  write: ['write'],
};

/** The security scheme's name in the OpenAPI document. */
export const SECURITY_SCHEME = 'apiKey';

interface AccessConfig {
  /** `console`: a page of the support console, behind its own session cookie (console/console-session.ts), not an API key. */
  access: Access | 'public' | 'console';
}

/** Route options part: this route needs a key with one of ACCEPTED_SCOPES[access]. */
export function scoped(access: Access): { config: AccessConfig } {
  return { config: { access } };
}

/** Route options part: no key needed (the OpenAPI document, the health check). */
export function publicRoute(): { config: AccessConfig } {
  return { config: { access: 'public' } };
}

/** Route options part: a console page; the console plugin checks the session and the role itself. */
export function consoleRoute(): { config: AccessConfig } {
  return { config: { access: 'console' } };
}

export function accessOf(route: Pick<RouteOptions, 'config'>): AccessConfig['access'] | undefined {
  return (route.config as Partial<AccessConfig> | undefined)?.access;
}

function hooksOf(value: RouteOptions['onRequest']): onRequestHookHandler[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]) as onRequestHookHandler[];
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: AccessConfig['access'];
}

/**
 * Installs the rule on `app`: every route registered after this must declare its access. Routes registered
 * before it (the reference page's own files, from @fastify/swagger-ui) are not API routes. Returns the
 * routes as they register (the tests compare them with the OpenAPI document).
 */
export function enforceAccess(app: FastifyInstance, authenticate: (request: FastifyRequest) => Promise<AuthContext>): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const access = accessOf(route);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) {
      throw new Error(`${methods.join(',')} ${route.url} declares no access: give its options ...scoped('read' | 'support' | 'write'), ...publicRoute() or ...consoleRoute().`);
    }
    for (const method of methods) declared.push({ method, url: route.url, access });
    if (access === 'public' || access === 'console') return;
    const accepted = ACCEPTED_SCOPES[access];
    route.schema = { ...route.schema, security: [{ [SECURITY_SCHEME]: accepted }] } as typeof route.schema;
    const check: onRequestHookHandler = async (request) => {
      const auth = await authenticate(request);
      if (!auth.key.scopes.some((s) => accepted.includes(s))) {
        throw new ApiProblem(403, 'scope_missing', `This API key (${auth.key.prefix}) has the scopes ${auth.key.scopes.join(', ')}; ${methods.join(',')} ${route.url} needs ${accepted.join(' or ')}. Use a key with that scope (an operator makes one on the server with the CLI's \`api-key create --scopes ${accepted[0]}\`).`);
      }
      request.auth = auth;
    };
    route.onRequest = [check, ...hooksOf(route.onRequest)];
  });
  return declared;
}
