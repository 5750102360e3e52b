// The support console under /console: server-rendered pages (pages/), our stylesheet and htmx from
// node_modules, sign-in with a session cookie, a CSRF token on every form, a rate-limited login, and a role
// check per page. Every page reads through the signed-in user's scoped(): another account's ids are 404.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Db, EncryptionKeys } from '@reply-sync/db';
import type { LookLoginBudget } from '@reply-sync/operations/look-for-message';
import { consolePasswordMatches, createConsoleSession, decoyConsolePasswordHash, endConsoleSession, findConsoleUserForSignIn, CONSOLE_SESSION_MS } from '@reply-sync/db/system-queries';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { consoleRoute } from '../access';
import { CONSOLE_CSS } from './console-css';
import { ACTIVITY_SCRIPT } from './activity-script';
import type { LiveActivityHub } from '../tracker/live-activity-hub';
import { readCookie, serializeCookie } from './cookies';
import { contextOf, isTls, loadConsoleContext, loginCsrfToken, tokensMatch, LOGIN_CSRF_COOKIE, SESSION_COOKIE } from './console-session';
import type { Html } from './html';
import { errorPage } from './pages/error-page';
import { loginPage } from './pages/login-page';
import { registerConsolePages } from './console-pages';
import { registerSettingsPages } from './settings-routes';

import type { WebSignInConfig } from '../web-sign-in/web-sign-in-config';

export interface ConsoleDeps {
  db: Db;
  encryptionKeys: () => EncryptionKeys;
  tlsCa?: string | undefined;
  /** The fleet's login budget, taken by explain's search of the inboxes' folders. */
  lookBudget?: LookLoginBudget | undefined;
  /** Sign-in attempts per minute per client address (default 10). */
  loginAttemptsPerMinute?: number;
  /** The web sign-in (Gmail, Office 365) the console's provider buttons start; null: not configured. */
  webSignIn?: WebSignInConfig | null | undefined;
  /** WEBHOOKS_ALLOW_PRIVATE: the Settings page accepts webhook URLs to loopback and private addresses. */
  allowPrivateWebhooks?: boolean | undefined;
  /** Drops a revoked key from the API's verified-key cache, so it stops working in this process at once. */
  forgetApiKey?: ((keyId: string) => void) | undefined;
  /** This process's live activity (the Activity page's stream); null: the page shows the feed without live updates. */
  live?: LiveActivityHub | null | undefined;
}

type Role = 'support' | 'admin';
type FormBody = Record<string, string | undefined>;

export const sendPage = (reply: FastifyReply, body: Html, status = 200) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);

/** Where to go after signing in: a console path of ours only, never another site. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/console\/[A-Za-z0-9/_?=&%.-]*$/.test(next) && !next.includes('//') ? next : '/console/inboxes');

/**
 * The check a console route runs before its handler: a live session (else the sign-in page), the role
 * (support pages are open to admins too), and on a POST the form's CSRF token.
 */
export function requireConsole(role: Role): preHandlerHookHandler {
  return async (request, reply) => {
    const ctx = contextOf(request);
    if (!ctx.session) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.code(303).header('location', `/console/login${next}`).send();
    }
    if (request.method === 'POST' && !tokensMatch((request.body as FormBody | undefined)?._csrf, ctx.session.csrfToken)) {
      return sendPage(reply, errorPage(ctx, ctx.say('forbidden_title'), ctx.say('csrf_refused')), 403);
    }
    if (role === 'admin' && ctx.session.user.role !== 'admin') {
      return sendPage(reply, errorPage(ctx, ctx.say('forbidden_title'), ctx.say('forbidden_role', { role: ctx.say('role_support') })), 403);
    }
  };
}

const htmxPath = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

export async function consolePlugin(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const htmx = readFileSync(htmxPath);
  // Forms post urlencoded; only inside /console (the API itself takes JSON only).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    const form: FormBody = {};
    for (const [k, v] of new URLSearchParams(body as string)) form[k] = v;
    done(null, form);
  });
  // Pages, not API operations: kept out of the OpenAPI document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true } as typeof route.schema;
  });
  app.addHook('onRequest', async (request) => {
    request.console = await loadConsoleContext(deps.db, request);
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const ctx = contextOf(request);
    if (error.statusCode === 429) {
      return sendPage(reply, loginPage(ctx, { csrfToken: loginCsrfToken(request, reply), error: ctx.say('login_rate_limited') }), 429);
    }
    request.log.error({ err: error }, 'console page failed');
    return sendPage(reply, errorPage(ctx, ctx.say('error_title'), ctx.say('error_unexpected', { requestId: String(request.id) })), 500);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const ctx = request.console ?? (await loadConsoleContext(deps.db, request));
    return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
  });

  app.get('/assets/console.css', consoleRoute(), async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_CSS));
  app.get('/assets/htmx.min.js', consoleRoute(), async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(htmx));
  app.get('/assets/activity.js', consoleRoute(), async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(ACTIVITY_SCRIPT));
  app.get('/', consoleRoute(), async (request, reply) => reply.code(303).header('location', contextOf(request).session ? '/console/inboxes' : '/console/login').send());

  app.get('/login', consoleRoute(), async (request, reply) => {
    const ctx = contextOf(request);
    const next = (request.query as { next?: string }).next;
    if (ctx.session) return reply.code(303).header('location', safeNext(next)).send();
    return sendPage(reply, loginPage(ctx, { csrfToken: loginCsrfToken(request, reply), next: next ? safeNext(next) : undefined }));
  });

  app.post(
    '/login',
    {
      config: {
        ...consoleRoute().config,
        // Counted per client address before the body is read; in Redis when the API has it (every process shares it).
        rateLimit: { max: deps.loginAttemptsPerMinute ?? 10, timeWindow: 60_000, allowList: () => false, keyGenerator: (request: FastifyRequest) => `console-login:${request.ip}`, errorResponseBuilder: () => Object.assign(new Error('too many sign-in attempts'), { statusCode: 429 }) },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const form = (request.body ?? {}) as FormBody;
      const email = (form.email ?? '').trim().toLowerCase();
      const expected = readCookie(request.headers.cookie, LOGIN_CSRF_COOKIE);
      if (!expected || !tokensMatch(form._csrf, expected)) {
        return sendPage(reply, loginPage(ctx, { csrfToken: loginCsrfToken(request, reply), email, error: ctx.say('csrf_refused') }), 403);
      }
      const user = email ? await findConsoleUserForSignIn(deps.db, email) : null;
      // An unknown email costs one scrypt too, so the answer's timing does not tell which emails exist.
      const ok = await consolePasswordMatches(form.password ?? '', user?.passwordHash ?? (await decoyConsolePasswordHash()));
      if (!user || !ok) {
        request.log.info({ event: 'console_login_failed' }, 'console sign-in refused');
        return sendPage(reply, loginPage(ctx, { csrfToken: expected, email, error: ctx.say('login_failed'), next: form.next }), 401);
      }
      const session = await createConsoleSession(deps.db, user);
      request.log.info({ event: 'console_login', consoleUserId: user.id, accountId: user.accountId }, 'console sign-in');
      return reply
        .code(303)
        .header('set-cookie', [
          serializeCookie(SESSION_COOKIE, session.token, { maxAge: Math.floor(CONSOLE_SESSION_MS / 1000), secure: isTls(request) }),
          serializeCookie(LOGIN_CSRF_COOKIE, '', { maxAge: 0, secure: isTls(request), path: '/console/login' }),
        ])
        .header('location', safeNext(form.next))
        .send();
    },
  );

  app.post('/logout', { ...consoleRoute(), preHandler: requireConsole('support') }, async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (token) await endConsoleSession(deps.db, token);
    return reply.code(303).header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAge: 0, secure: isTls(request) })).header('location', '/console/login').send();
  });

  await registerConsolePages(app, deps);
  await registerSettingsPages(app, deps);
}
