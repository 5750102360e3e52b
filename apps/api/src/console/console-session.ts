// Who is signed in to the console: the session cookie (32 random bytes; the database holds only their
// SHA-256) found in console_sessions, the user's account as a Scoped, the page language, and the CSRF token.
// The token of a signed-in form is an HMAC of the session's secret, so only a page that had the cookie can
// know it; the sign-in form, before any session, uses a double-submit cookie instead.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { scoped, type Db, type Scoped } from '@reply-sync/db';
import { findConsoleSession, type ConsoleUser } from '@reply-sync/db/system-queries';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, serializeCookie } from './cookies';
import { pickLanguage, type Language } from './sentences';
import { sayer, type Say } from './strings';

export const SESSION_COOKIE = 'rs_console';
export const LOGIN_CSRF_COOKIE = 'rs_console_login';

export interface ConsoleSession {
  user: ConsoleUser;
  scope: Scoped;
  csrfToken: string;
}

export interface ConsoleContext {
  lang: Language;
  say: Say;
  /** Null on the sign-in page and for a missing, expired or unknown cookie. */
  session: ConsoleSession | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    console?: ConsoleContext;
  }
}

export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('reply-sync console csrf').digest('base64url');
}

export function tokensMatch(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Secure cookies when the console is reached over TLS (request.protocol follows Fastify's trustProxy). */
export const isTls = (request: FastifyRequest) => request.protocol === 'https';

export async function loadConsoleContext(db: Db, request: FastifyRequest): Promise<ConsoleContext> {
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  const found = token ? await findConsoleSession(db, token) : null;
  const lang = pickLanguage(found?.user.language, request.headers['accept-language']);
  return {
    lang,
    say: sayer(lang),
    session: found && token ? { user: found.user, scope: scoped(db, found.user.accountId), csrfToken: csrfTokenOf(token) } : null,
  };
}

export function contextOf(request: FastifyRequest): ConsoleContext {
  if (!request.console) throw new Error(`${request.method} ${request.url} is not a console route: it has no console context`);
  return request.console;
}

/** The login form's token: the cookie's value if it has one, else a new one set now. */
export function loginCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = readCookie(request.headers.cookie, LOGIN_CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return existing;
  const token = randomBytes(24).toString('base64url');
  reply.header('set-cookie', serializeCookie(LOGIN_CSRF_COOKIE, token, { maxAge: 60 * 60, secure: isTls(request), path: '/console/login' }));
  return token;
}
